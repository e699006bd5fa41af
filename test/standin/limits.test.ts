// Google's per-minute Sheets quotas in the stand-in: 60 reads and 60 writes a minute per user, then
// 429 with Sheets' own message until the minute turns. The minute is the stand-in's clock, set here.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { google, fakeClock } from '../google/helpers.js';
import { loadGrid, startStandin, type Standin } from './index.js';

let standin: Standin;
let now = 0;
beforeAll(async () => {
  standin = await startStandin();
  standin.quotas.clock = () => now;
});
afterAll(async () => standin.close());
beforeEach(async () => {
  standin.reset();
  now = Date.parse('2026-12-04T10:00:05Z');
  await loadGrid(standin, { Møder: [['Dato']] }, { id: 'q' });
});

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (e) {
    return (e as { status?: number }).status ?? 0;
  }
}

describe('Sheets per-minute quotas', () => {
  it('the 61st read in a minute is a 429 with Sheets’ message and Retry-After; the next minute reads again', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    const read = () => sheets.spreadsheets.values.get({ spreadsheetId: 'q', range: 'Møder!A1' });
    for (let i = 0; i < 60; i++) expect(await status(read())).toBe(200);
    const refused = await read().catch((e: unknown) => e as { status: number; message: string; response: { headers: Headers } });
    expect(refused).toMatchObject({ status: 429, message: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'." });
    expect((refused as { response: { headers: Headers } }).response.headers.get('retry-after')).toBe('55');
    // Writes have their own quota.
    expect(await status(sheets.spreadsheets.values.update({ spreadsheetId: 'q', range: 'Møder!A2', valueInputOption: 'RAW', requestBody: { values: [['x']] } }))).toBe(200);
    now += 60_000;
    expect(await status(read())).toBe(200);
  });

  it('the 61st write in a minute is refused too', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    const write = () => sheets.spreadsheets.values.update({ spreadsheetId: 'q', range: 'Møder!A2', valueInputOption: 'RAW', requestBody: { values: [['x']] } });
    for (let i = 0; i < 60; i++) expect(await status(write())).toBe(200);
    expect(await status(write())).toBe(429);
  });
});

describe('Drive rate limits', () => {
  /** Google's error body as the client received it. */
  async function refusal(p: Promise<unknown>): Promise<{ status: number; data: unknown }> {
    try {
      await p;
    } catch (e) {
      const r = (e as { response?: { status: number; data: unknown } }).response;
      return { status: r?.status ?? 0, data: r?.data };
    }
    return { status: 200, data: undefined };
  }
  const body = (code: number, reason: string, message: string) => ({ error: { errors: [{ domain: 'usageLimits', reason, message }], code, message } });

  it('per user per minute: 403 userRateLimitExceeded in the shape of Drive’s "Resolve errors"; the next minute works again', async () => {
    standin.quotas.limits.driveRequestsPerMinutePerUser = 3;
    try {
      const drive = await (await google(standin, fakeClock({ attempts: 1 }).policy)).drive();
      const list = () => drive.files.list({ q: "name = 'x'", fields: 'files(id)' });
      for (let i = 0; i < 3; i++) expect((await refusal(list())).status).toBe(200);
      expect(await refusal(list())).toEqual({ status: 403, data: body(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded') });
      now += 60_000;
      expect((await refusal(list())).status).toBe(200);
    } finally {
      standin.quotas.limits.driveRequestsPerMinutePerUser = 12_000;
    }
  });

  it('per project per minute: 403 rateLimitExceeded; the backend’s burst check: 429 rateLimitExceeded, the next second works', async () => {
    const drive = await (await google(standin, fakeClock({ attempts: 1 }).policy)).drive();
    const list = () => drive.files.list({ q: "name = 'x'", fields: 'files(id)' });
    standin.quotas.limits.driveRequestsPerMinute = 1;
    try {
      expect((await refusal(list())).status).toBe(200);
      expect(await refusal(list())).toEqual({ status: 403, data: body(403, 'rateLimitExceeded', 'Rate Limit Exceeded') });
    } finally {
      standin.quotas.limits.driveRequestsPerMinute = 12_000;
    }
    standin.quotas.limits.driveRequestsPerSecondPerUser = 2;
    try {
      now += 60_000;
      expect((await refusal(list())).status).toBe(200);
      expect((await refusal(list())).status).toBe(200);
      expect(await refusal(list())).toEqual({ status: 429, data: body(429, 'rateLimitExceeded', 'Rate Limit Exceeded') });
      now += 1000;
      expect((await refusal(list())).status).toBe(200);
    } finally {
      standin.quotas.limits.driveRequestsPerSecondPerUser = Infinity;
    }
  });
});
