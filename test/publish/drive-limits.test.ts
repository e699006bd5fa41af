// Drive's rate limits met by a publish run on the Google path (real client libraries, the stand-in
// enforcing them per user per time window on a clock this test sets): the one retry policy
// (src/google/retry.ts) backs off on 429 and on 403 rateLimitExceeded / userRateLimitExceeded, each
// wait moving the clock on; a limit that outlasts the retries ends the run with a Danish message, and
// the next scheduled run continues. Afterwards: one Drive file per document, edition and format, and
// every e-mail exactly once.

import { DateTime } from 'luxon';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openGoogle } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY, type RetryInfo } from '../../src/google/retry.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { UserError } from '../../src/errors.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { GOOGLE_QUOTAS } from '../standin/limits.js';
import { documentFilesPerKey, googleServices, useGoogleSuite } from '../helpers/fault-harness.js';
import { loadXlsx, sentMessages } from '../standin/index.js';

const SHEET = 'drive-limits-sheet';
const suite = useGoogleSuite();
/** The stand-in's clock (ms); every retry wait moves it on. */
let clock = 0;
const retries: RetryInfo[] = [];

beforeAll(() => {
  suite.standin.quotas.clock = () => clock;
});
/** A fresh stand-in with the example and Google's own limits. */
async function fresh(): Promise<void> {
  suite.standin.reset();
  Object.assign(suite.standin.quotas.limits, GOOGLE_QUOTAS);
  retries.length = 0;
  await loadXlsx(suite.standin, BUNDLED_WORKBOOK, { id: SHEET });
}
beforeEach(fresh);

/** One scheduled run at `now`; the waits of the retry policy pass on the stand-in's clock, not the wall's. */
async function runAt(now: DateTime): Promise<void> {
  clock = now.toMillis();
  const policy = { ...DEFAULT_RETRY_POLICY, random: () => 0.99, now: () => clock, sleep: async (ms: number) => void (clock += ms), onRetry: (i: RetryInfo) => void retries.push(i) };
  const google = await openGoogle(suite.env(), { policy });
  const read = await readAndValidate(googleSheetSource(SHEET, google));
  await runPublish({ model: read.model, problems: read.problems, now }, await googleServices(google, read, suite.template));
}

/** Runs every 16 minutes from 18 March 2022 12:00 until one finishes; the Danish messages of those that did not. */
async function runUntilDone(): Promise<string[]> {
  const failures: string[] = [];
  for (let n = 0; n < 20; n++) {
    try {
      await runAt(DateTime.fromISO('2022-03-18T12:00', { zone: 'Europe/Copenhagen' }).plus({ minutes: 16 * n }));
      return failures;
    } catch (e) {
      if (!(e instanceof UserError && e.reason === 'service')) throw e;
      failures.push(e.message);
    }
  }
  throw new Error('never finished');
}

/** What a run without limits leaves: its files' keys and its Message-IDs. */
let clean: { keys: string[]; ids: string[] };

function expectEverythingOnce(): void {
  // Every file the clean run made (documents, previews, bilag), each exactly once.
  const perKey = documentFilesPerKey(suite.standin);
  expect([...perKey.keys()].sort()).toEqual(clean.keys);
  expect([...perKey].filter(([, n]) => n !== 1)).toEqual([]);
  // Every e-mail the clean run sent, each exactly once.
  const ids = sentMessages(suite.standin.state.gmail).map((m) => m.messageIdHeader);
  expect(ids).toHaveLength(clean.ids.length);
  expect(ids.sort()).toEqual(clean.ids);
}

describe('Drive’s rate limits during a publish run', () => {
  beforeAll(async () => {
    await fresh();
    expect(await runUntilDone()).toEqual([]);
    expect(retries).toEqual([]);
    clean = { keys: [...documentFilesPerKey(suite.standin).keys()].sort(), ids: sentMessages(suite.standin.state.gmail).map((m) => m.messageIdHeader).sort() };
    expect(clean.ids).toHaveLength(18);
  });

  it('429 from the backend’s burst check (per user per second): backed off within the run, which finishes; every file once', async () => {
    suite.standin.quotas.limits.driveRequestsPerSecondPerUser = 2;
    expect(await runUntilDone()).toEqual([]);
    expect(retries.filter((r) => r.label.startsWith('drive.') && r.why === 'HTTP 429 rateLimitExceeded').length).toBeGreaterThan(0);
    // Each wait is the policy's backoff: exponential, never above its cap.
    for (const r of retries) expect(r.delayMs).toBeLessThanOrEqual(DEFAULT_RETRY_POLICY.maxDelayMs);
    expectEverythingOnce();
  });

  it.each([
    ['per user per minute: 403 userRateLimitExceeded', 'driveRequestsPerMinutePerUser', 'HTTP 403 userRateLimitExceeded'],
    ['per project per minute: 403 rateLimitExceeded', 'driveRequestsPerMinute', 'HTTP 403 rateLimitExceeded'],
  ] as const)('%s: backed off; a run the limit outlasts ends in Danish, the next continues; every file once', async (_name, limit, why) => {
    // NOTE: a run of the example spends about 66 Drive calls; 60 a minute stops the first run and lets
    // the next finish. (Far below ~45 a minute no run could finish: each spends its budget on the same
    // first steps before anything is recorded. Google's figure is 12,000.)
    suite.standin.quotas.limits[limit] = 60;
    const failures = await runUntilDone();
    expect(retries.filter((r) => r.label.startsWith('drive.') && r.why === why).length).toBeGreaterThan(0);
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f).toMatch(/^Kvoten hos Google Drive er brugt op lige nu \(HTTP 403, 5 forsøg\)\. Prøv igen om lidt\./);
    expectEverythingOnce();
  });
});
