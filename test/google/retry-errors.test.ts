// The one retry policy and the Danish translation of Google errors: pure parts as tables, the rest
// through the real Sheets client against the stand-in (the library's own retry must be off).

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { translateGoogleError } from '../../src/google/translate-error.js';
import { backoffMs, DEFAULT_RETRY_POLICY, isRetryable, retryAfterMs, withRetry, type GoogleErrorFacts } from '../../src/google/retry.js';
import { UserError } from '../../src/errors.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { addTabs, loadXlsx, startStandin, type Standin } from '../standin/index.js';
import { PROBLEMS_TAB } from '../../sheets-schema/schema.js';
import { fakeClock, google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

const ID = 'sheet-faults-000001';
const TABS = ['Møder', 'Punkter', 'Medlemmer', 'Indstillinger'];

const facts = (f: Partial<GoogleErrorFacts>): GoogleErrorFacts => ({ timedOut: false, noResponse: false, ...f });

describe('retry policy (pure)', () => {
  it.each([
    [facts({ status: 429 }), true],
    [facts({ status: 403, reason: 'userRateLimitExceeded' }), true],
    [facts({ status: 403, reason: 'rateLimitExceeded' }), true],
    [facts({ status: 403, reason: 'forbidden' }), false],
    [facts({ status: 403, reason: 'dailyLimitExceeded' }), false],
    [facts({ status: 500 }), true],
    [facts({ status: 502 }), true],
    [facts({ status: 503 }), true],
    [facts({ status: 504 }), true],
    [facts({ status: 400 }), false],
    [facts({ status: 401 }), false],
    [facts({ status: 404 }), false],
    [facts({ noResponse: true, timedOut: true }), true],
    [facts({ noResponse: true, code: 'ECONNRESET' }), true],
  ])('%o retryable: %s', (f, expected) => {
    expect(isRetryable(f)).toBe(expected);
  });

  it('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('0.5', now)).toBe(500);
    expect(retryAfterMs('Wed, 01 May 2024 12:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Wed, 01 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('nonsense', now)).toBeUndefined();
    expect(retryAfterMs(undefined, now)).toBeUndefined();
  });

  it('exponential backoff with full jitter, capped', () => {
    const top = { ...DEFAULT_RETRY_POLICY, random: () => 0.999999 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => backoffMs(top, n))).toEqual([499, 999, 1999, 3999, 7999, 15999, 19999, 19999]);
    expect(backoffMs({ ...DEFAULT_RETRY_POLICY, random: () => 0 }, 4)).toBe(0);
  });

  it('does not retry what is not a Google error (a bug) and gives up after the set attempts', async () => {
    let n = 0;
    await expect(
      withRetry('x', async () => {
        n++;
        throw new TypeError('bug');
      }),
    ).rejects.toThrow(TypeError);
    expect(n).toBe(1);
  });
});

describe('retries against the stand-in (Sheets read)', () => {
  beforeEach(async () => {
    // With Validering present the read is the one-call happy path, so each attempt is one call.
    addTabs(await loadXlsx(standin, BUNDLED_WORKBOOK, { id: ID }), { [PROBLEMS_TAB.name]: [PROBLEMS_TAB.columns.map((c) => c.header)] });
  });

  it('429 twice, then success: three attempts, two waits', async () => {
    const clock = fakeClock();
    standin.faults.push({ match: 'sheets.spreadsheets.get', status: 429, times: 2 });
    await googleSheetSource(ID, await google(standin, clock.policy)).readWorkbook(TABS);
    expect(standin.calls.count('sheets.spreadsheets.get')).toBe(3);
    expect(clock.sleeps).toEqual([250, 500]);
  });

  it('the client library does not retry on its own: with one attempt allowed, a 503 on a GET is one call', async () => {
    const clock = fakeClock({ attempts: 1 });
    standin.faults.push({ match: 'sheets.spreadsheets.get', status: 503, times: 5 });
    const err = await googleSheetSource(ID, await google(standin, clock.policy))
      .readWorkbook(TABS)
      .catch((e: unknown) => e);
    expect(standin.calls.count('sheets.spreadsheets.get')).toBe(1);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^Google Sheets svarer ikke lige nu \(HTTP 503, 1 forsøg\)\./);
  });

  it('a timeout is retried, and after the last attempt says so in Danish', async () => {
    const clock = fakeClock({ timeoutMs: 100, attempts: 3 });
    standin.faults.push({ match: 'sheets.spreadsheets.get', delayMs: 400, status: 503, times: 1 });
    await googleSheetSource(ID, await google(standin, clock.policy)).readWorkbook(TABS);
    expect(standin.calls.count('sheets.spreadsheets.get')).toBe(2);

    standin.calls.clear();
    standin.faults.push({ match: 'sheets.spreadsheets.get', delayMs: 400, status: 503, times: 3 });
    const err = await googleSheetSource(ID, await google(standin, clock.policy))
      .readWorkbook(TABS)
      .catch((e: unknown) => e);
    expect(standin.calls.count('sheets.spreadsheets.get')).toBe(3);
    expect((err as UserError).message).toBe('Google Sheets svarede ikke inden for 100 millisekunder (3 forsøg). Prøv igen senere. Det, der allerede er gjort, er registreret; næste kørsel fortsætter, hvor denne slap.');
  });

  it('a Retry-After beyond the limit is not waited for: the run stops and the next one continues', async () => {
    const clock = fakeClock();
    standin.faults.push({ match: 'sheets.spreadsheets.get', status: 429, retryAfter: 3600 });
    const err = await googleSheetSource(ID, await google(standin, clock.policy))
      .readWorkbook(TABS)
      .catch((e: unknown) => e);
    expect(clock.sleeps).toEqual([]);
    expect((err as UserError).message).toMatch(/^Kvoten hos Google Sheets er brugt op lige nu \(HTTP 429, 1 forsøg\)\. Prøv igen om lidt\./);
  });
});

describe('Google errors in Danish', () => {
  beforeEach(async () => {
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id: ID });
  });

  it('403 on the sheet: which account to share the sheet with, as editor', async () => {
    standin.state.sheets.spreadsheets.get(ID)!.access = 'none';
    const err = await googleSheetSource(ID, await google(standin))
      .readWorkbook(TABS)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).reason).toBe('service');
    expect((err as UserError).message).toBe(
      `Kontoen dagsorden@example.org har ikke adgang til regnearket ${ID}. Del regnearket med dagsorden@example.org som redaktør (Del → Redaktør), og kør igen.`,
    );
    // The account was asked for only because the message needed it.
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.about.get': 1 });
  });

  it('404: which id was not found and where to check it', async () => {
    const err = await googleSheetSource('does-not-exist-123', await google(standin))
      .readWorkbook(TABS)
      .catch((e: unknown) => e);
    expect((err as UserError).message).toBe(
      "Regnearket does-not-exist-123 findes ikke, eller dagsorden@example.org kan ikke se det. Tjek id'et i --sheet eller DAGSORDEN_SHEET (den lange kode mellem /d/ og /edit i regnearkets adresse), og at regnearket er delt med dagsorden@example.org.",
    );
  });

  it('401: sign in again', async () => {
    standin.tokens.set('another-token', 'x@example.org');
    const err = await googleSheetSource(ID, await google(standin))
      .readWorkbook(TABS)
      .catch((e: unknown) => e);
    expect((err as UserError).message).toMatch(/^Google afviste login'et \(401\)\. Kør "dagsorden auth" igen/);
  });

  it('the service account named in the key file is the account in the sentence', () => {
    const e = Object.assign(new Error('The caller does not have permission'), { config: {}, response: { status: 403, data: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } } } });
    const out = translateGoogleError(e, { target: { kind: 'spreadsheet', id: 'abc' }, account: 'dagsorden@projekt.iam.gserviceaccount.com' }) as UserError;
    expect(out.message).toBe('Kontoen dagsorden@projekt.iam.gserviceaccount.com har ikke adgang til regnearket abc. Del regnearket med dagsorden@projekt.iam.gserviceaccount.com som redaktør (Del → Redaktør), og kør igen.');
    const disabled = Object.assign(new Error('x'), { config: {}, response: { status: 403, data: { error: { code: 403, message: 'Google Sheets API has not been used in project 123 before or it is disabled.', status: 'PERMISSION_DENIED' } } } });
    expect((translateGoogleError(disabled, { target: { kind: 'spreadsheet', id: 'abc' } }) as UserError).message).toMatch(/^Google Sheets API er ikke slået til/);
    const quota = Object.assign(new Error('x'), { config: {}, response: { status: 403, data: { error: { code: 403, message: 'Service Accounts do not have storage quota.', errors: [{ reason: 'storageQuotaExceeded' }] } } } });
    expect((translateGoogleError(quota, { target: { kind: 'folder', id: 'f' }, account: 'sa@p.iam.gserviceaccount.com' }) as UserError).message).toMatch(/^Kontoen sa@p\.iam\.gserviceaccount\.com har ingen lagerplads i Google Drive/);
    const bug = new TypeError('bug');
    expect(translateGoogleError(bug, { target: { kind: 'drive' } })).toBe(bug);
  });
});
