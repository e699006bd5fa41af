// Google's per-minute quotas the job can meet, enforced by the stand-in. Sheets API "Usage limits"
// (developers.google.com/sheets/api/limits): 60 read requests and 60 write requests per minute per
// user per project, refilled every minute; beyond them 429 RESOURCE_EXHAUSTED. (Gmail's daily sending
// limit is in gmail.ts; Drive counts quota units per method, 325,000 a minute per user, far beyond
// what a run of this job spends, and is not modelled: its 403/429 answers come from `faults`.)

import { ApiError } from './http.js';

export interface QuotaLimits {
  /** spreadsheets.get, values.get, values.batchGet per minute per user. */
  sheetsReadsPerMinute: number;
  /** Every other Sheets call (create, batchUpdate, values.update/append/clear ...) per minute per user. */
  sheetsWritesPerMinute: number;
}

export const GOOGLE_QUOTAS: QuotaLimits = { sheetsReadsPerMinute: 60, sheetsWritesPerMinute: 60 };

const READS = new Set(['sheets.spreadsheets.get', 'sheets.spreadsheets.values.get', 'sheets.spreadsheets.values.batchGet']);

/** Requests per `account kind minute`; the minute comes from the stand-in's clock. */
export class QuotaCounter {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly limits: QuotaLimits = { ...GOOGLE_QUOTAS },
    /** Milliseconds since the epoch; a test may replace it to move to the next minute. */
    public clock: () => number = Date.now,
  ) {}

  /** Counts one call of `route` by `account`, or throws Sheets' 429 when the minute's quota is spent. */
  take(route: string, account: string): void {
    if (!route.startsWith('sheets.')) return;
    const read = READS.has(route);
    const limit = read ? this.limits.sheetsReadsPerMinute : this.limits.sheetsWritesPerMinute;
    const minute = Math.floor(this.clock() / 60_000);
    const key = `${account} ${read ? 'read' : 'write'} ${minute}`;
    const n = this.counts.get(key) ?? 0;
    if (n >= limit) {
      const metric = read ? 'Read requests' : 'Write requests';
      throw new ApiError(429, `Quota exceeded for quota metric '${metric}' and limit '${metric} per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.`, 'rateLimitExceeded', {
        retryAfter: String(60 - Math.floor((this.clock() % 60_000) / 1000)),
      });
    }
    this.counts.set(key, n + 1);
  }

  clear(): void {
    this.counts.clear();
  }
}
