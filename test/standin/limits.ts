// Google's per-minute quotas the job can meet, enforced by the stand-in. Sheets API "Usage limits"
// (developers.google.com/sheets/api/limits): 60 read requests and 60 write requests per minute per
// user per project, refilled every minute; beyond them 429 RESOURCE_EXHAUSTED. Drive API "Usage
// limits" (developers.google.com/workspace/drive/api/guides/limits): 12,000 queries per 60 seconds
// per project and 12,000 per 60 seconds per user; beyond them 403 `rateLimitExceeded` / 403
// `userRateLimitExceeded`, and "additional rate limit checks on the Drive backend might also generate
// a 429: Too many requests" (no figure given: off unless a test sets one, per user per second). The
// answers have the shapes of Drive's "Resolve errors" guide (errors[] with domain usageLimits; see
// errorBody in http.ts). Gmail's daily sending limit is in gmail.ts.

import { ApiError } from './http.js';

export interface QuotaLimits {
  /** spreadsheets.get, values.get, values.batchGet per minute per user. */
  sheetsReadsPerMinute: number;
  /** Every other Sheets call (create, batchUpdate, values.update/append/clear ...) per minute per user. */
  sheetsWritesPerMinute: number;
  /** Drive calls (uploads included) per minute per user: beyond, 403 userRateLimitExceeded. */
  driveRequestsPerMinutePerUser: number;
  /** Drive calls per minute by every user of the project together: beyond, 403 rateLimitExceeded. */
  driveRequestsPerMinute: number;
  /** The Drive backend's own check, per user per second: beyond, 429 (Google names no figure). */
  driveRequestsPerSecondPerUser: number;
}

export const GOOGLE_QUOTAS: QuotaLimits = {
  sheetsReadsPerMinute: 60,
  sheetsWritesPerMinute: 60,
  driveRequestsPerMinutePerUser: 12_000,
  driveRequestsPerMinute: 12_000,
  driveRequestsPerSecondPerUser: Infinity,
};

const READS = new Set(['sheets.spreadsheets.get', 'sheets.spreadsheets.values.get', 'sheets.spreadsheets.values.batchGet']);

/** Requests per `account kind minute`; the minute comes from the stand-in's clock. */
export class QuotaCounter {
  private readonly counts = new Map<string, number>();

  constructor(
    readonly limits: QuotaLimits = { ...GOOGLE_QUOTAS },
    /** Milliseconds since the epoch; a test may replace it to move to the next minute. */
    public clock: () => number = Date.now,
  ) {}

  /** Counts one call of `route` by `account`, or throws Google's answer when a window's quota is spent. */
  take(route: string, account: string): void {
    if (route.startsWith('drive.')) return this.takeDrive(account);
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

  /**
   * Drive: every window is checked before any is counted, so a refused call spends nothing. The order
   * is Google's: the project's limit, the user's, then the backend's burst check.
   */
  private takeDrive(account: string): void {
    const t = this.clock();
    const minute = Math.floor(t / 60_000);
    const second = Math.floor(t / 1000);
    const windows: [string, number, () => ApiError][] = [
      [`drive project ${minute}`, this.limits.driveRequestsPerMinute, () => new ApiError(403, 'Rate Limit Exceeded', 'rateLimitExceeded')],
      [`${account} drive minute ${minute}`, this.limits.driveRequestsPerMinutePerUser, () => new ApiError(403, 'User Rate Limit Exceeded', 'userRateLimitExceeded')],
      [`${account} drive second ${second}`, this.limits.driveRequestsPerSecondPerUser, () => new ApiError(429, 'Rate Limit Exceeded', 'rateLimitExceeded')],
    ];
    for (const [key, limit, refuse] of windows) if ((this.counts.get(key) ?? 0) >= limit) throw refuse();
    for (const [key] of windows) this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  clear(): void {
    this.counts.clear();
  }
}
