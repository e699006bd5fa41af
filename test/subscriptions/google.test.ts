// Citizens' subscriptions in Google mode, against the stand-in with the real client libraries: the
// job adds the tab Abonnenter to an existing Sheet without a call of its own; `serve --sheet`'s store
// (wire → openSubscriptionStore) keeps sign-ups in it; the secretary deleting a row unsubscribes; a row
// edited into nonsense is a problem in Validering and gets nothing; `publish --sheet` sends each
// confirmed subscriber one notice per publication through Gmail, exactly once.

import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnLetter, PROBLEMS_TAB, SUBSCRIBERS_TAB, LOG_TAB } from '../../sheets-schema/schema.js';
import { runPublish } from '../../src/commands/publish.js';
import { wire } from '../../src/commands/wiring.js';
import { loadTemplate } from '../../src/documents/template.js';
import { openGoogle } from '../../src/google/client.js';
import { parseLogRows } from '../../src/google/sheets-state.js';
import { googleSubscriptionStore } from '../../src/google/subscribers.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { createSiteServer } from '../../src/portal/server.js';
import { subscriptionEndpoint } from '../../src/portal/subscriptions/endpoint.js';
import { pendingKey } from '../../src/portal/subscriptions/rules.js';
import { callsDuring, publishEnv } from '../google/helpers.js';
import { loadXlsx, sentMessages, sheetOf, spreadsheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';

let standin: Standin;
let server: Server | undefined;
const SHEET = 'abonnent-sheet-0001';
let out: string;

const env = (mail: 'gmail' | 'outbox'): NodeJS.ProcessEnv => publishEnv(standin, { DAGSORDEN_MAIL: mail });

async function publish(now: string): Promise<{ code: number; total: number; calls: Record<string, number> }> {
  const { result: code, calls, total } = await callsDuring(standin, () => runPublish({ sheet: SHEET, now, out }, { out: () => {}, err: () => {}, env: env('gmail'), isTTY: false }));
  return { code, total, calls };
}

const tab = () => valuesOf(sheetOf(standin, SHEET, SUBSCRIBERS_TAB.name)).map((r) => r.map((v) => (v === null ? '' : String(v))));
const col = (header: string) => SUBSCRIBERS_TAB.columns.findIndex((c) => c.header === header);
const rowOf = (email: string) => tab().find((r) => r[col('E-mail')] === email);
const noticesTo = (email: string) => sentMessages(standin.state.gmail).filter((m) => m.headers.get('to')?.includes(email) && m.headers.has('list-unsubscribe'));

/** The endpoint `dagsorden serve --sheet` runs: the store and mail from the wiring, on a real HTTP server. */
async function serve(clock: { now: Date }): Promise<string> {
  const wiring = await wire({ sheet: SHEET, out, sends: true }, env('outbox'));
  const endpoint = subscriptionEndpoint({
    store: await wiring.openSubscriptionStore(),
    mail: wiring.mail,
    settings: wiring.model.settings,
    layout: { organisation: 'Albertslund Kommune', template: await loadTemplate(), siteAddress: 'https://dagsordener.example.org/', timeZone: 'Europe/Copenhagen' },
    exists: async (kind, target) => kind === 'forum' && target === 'Chefforum',
    clock: () => clock.now,
  });
  server = createSiteServer(join(out, 'site'), endpoint);
  await new Promise<void>((ok) => server!.listen(0, '127.0.0.1', () => ok()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

const post = (url: string, body = '') => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });

/** The confirmation link in the newest outbox mail to this address. */
async function confirmLink(email: string): Promise<string> {
  const dir = join(out, 'outbox');
  for (const name of (await readdir(dir)).sort().reverse()) {
    const p = await simpleParser(await readFile(join(dir, name)));
    if (p.to && !Array.isArray(p.to) && p.to.text === email) return /(abonnement\/bekraeft\?t=[A-Za-z0-9_-]{43})/.exec(p.text ?? '')![1]!;
  }
  throw new Error(`no confirmation mail to ${email}`);
}

beforeAll(async () => {
  standin = await startStandin();
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
  out = await mkdtemp(join(tmpdir(), 'dagsorden-subs-google-'));
});
afterAll(async () => {
  await new Promise<void>((ok) => (server ? server.close(() => ok()) : ok()));
  await standin.close();
});

describe('subscriptions in the Sheet (Google mode)', () => {
  it('the job adds Abonnenter to a Sheet without it, laid out and protected, and a no-op run after it is still one call', async () => {
    expect(spreadsheetTitles()).not.toContain(SUBSCRIBERS_TAB.name);
    const r = await publish('2022-03-18T12:00');
    expect(r.code).toBe(0);
    expect(spreadsheetTitles()).toContain(SUBSCRIBERS_TAB.name);
    expect(tab()[0]).toEqual(SUBSCRIBERS_TAB.columns.map((c) => c.header));
    const sheet = sheetOf(standin, SHEET, SUBSCRIBERS_TAB.name);
    expect(sheet.protectedRanges?.some((p) => p.warningOnly && p.range?.startColumnIndex === undefined)).toBe(true);
    console.log('first run', JSON.stringify(r.calls));
    const noop = await publish('2022-03-18T12:05');
    expect(noop).toMatchObject({ code: 0, total: 1, calls: { 'sheets.spreadsheets.get': 1 } });
  });

  it('sign-up and confirm through the endpoint land in the tab; the confirmation code is in the Sheet only as a fingerprint', async () => {
    const clock = { now: new Date('2022-03-20T10:00:00Z') };
    const base = await serve(clock);
    for (const email of ['anna@example.org', 'bo@example.org', 'carl@example.org']) {
      const r = await post(`${base}abonnement/tilmeld`, new URLSearchParams({ email, kind: 'forum', target: 'Chefforum' }).toString());
      expect(r.status).toBe(200);
    }
    const pending = rowOf('anna@example.org')!;
    expect(pending[col('Følger')]).toBe('Forum');
    expect(pending[col('Navn eller sagsnr.')]).toBe('Chefforum');
    expect(pending[col('Bekræftet')]).toBe('');
    const link = await confirmLink('anna@example.org');
    const token = link.slice(-43);
    expect(pending[col('Nøgle')]).toMatch(/^bekræft:/);
    expect(tab().flat().join(' ')).not.toContain(token);
    // What the Sheet shows, typed into a confirmation link, confirms no one.
    const fromSheet = await post(`${base}abonnement/bekraeft?t=${encodeURIComponent(pending[col('Nøgle')]!)}`);
    expect(fromSheet.status).not.toBe(200);
    expect(rowOf('anna@example.org')![col('Bekræftet')]).toBe('');

    for (const email of ['anna@example.org', 'bo@example.org', 'carl@example.org']) {
      clock.now = new Date(clock.now.getTime() + 60_000);
      expect((await post(`${base}${await confirmLink(email)}`)).status).toBe(200);
    }
    const confirmed = rowOf('anna@example.org')!;
    expect(confirmed[col('Bekræftet')]).toBe('2022-03-20T10:01:00.000Z');
    expect(confirmed[col('Nøgle')]).toBe(token);
    expect(tab().slice(1).filter((r) => r[col('Id')])).toHaveLength(3);
  });

  it('the secretary deletes a row and edits another into nonsense: no notice to either, the edit is reported with its cell; the rest get one notice per publication, once', async () => {
    const sheets = await (await openGoogle(env('gmail'))).sheets();
    // As in the Sheet's own menu (Slet række): bo's row goes, the rows under it move up.
    const boRow = tab().findIndex((r) => r[col('E-mail')] === 'bo@example.org');
    sheetOf(standin, SHEET, SUBSCRIBERS_TAB.name).rows.splice(boRow, 1);
    expect(rowOf('bo@example.org')).toBeUndefined();
    // Carl's address overwritten by hand.
    const carlRow = tab().findIndex((r) => r[col('E-mail')] === 'carl@example.org');
    const carlCell = `${columnLetter(col('E-mail'))}${carlRow + 1}`;
    await sheets.spreadsheets.values.update({ spreadsheetId: SHEET, range: `'${SUBSCRIBERS_TAB.name}'!${carlCell}`, valueInputOption: 'USER_ENTERED', requestBody: { values: [['carl@example.org, eve@example.org']] } });

    const r = await publish('2022-11-09T13:00');
    const anna = noticesTo('anna@example.org');
    expect(anna.length).toBeGreaterThan(0);
    expect(new Set(anna.map((m) => m.messageIdHeader)).size).toBe(anna.length);
    expect(noticesTo('bo@example.org')).toHaveLength(0);
    expect(noticesTo('carl@example.org')).toHaveLength(0);
    expect(noticesTo('eve@example.org')).toHaveLength(0);
    // Exit code 1: the Sheet has a problem (the edited row); the rest is published and sent.
    expect(r.code).toBe(1);
    // Each notice logged by her id, never her address, and each once.
    const log = parseLogRows({ tab: LOG_TAB.name, rows: valuesOf(sheetOf(standin, SHEET, LOG_TAB.name)) });
    const annaId = rowOf('anna@example.org')![col('Id')];
    const done = log.filter((e) => e.action === 'abonnement' && e.status === 'udført');
    expect(done.map((e) => e.recipient)).toEqual(anna.map(() => `abonnent:${annaId}`));
    expect(log.some((e) => String(e.recipient ?? '').includes('@example.org') && e.action === 'abonnement')).toBe(false);
    // The edited row, in Validering, with its cell and what to do.
    const validering = valuesOf(sheetOf(standin, SHEET, PROBLEMS_TAB.name)).map((row) => row.map(String).join(' | '));
    expect(validering.some((l) => l.includes(`${SUBSCRIBERS_TAB.name}!${carlCell}`) && l.includes('bruges ikke'))).toBe(true);

    // Nothing more on a later run: each notice went exactly once.
    const before = sentMessages(standin.state.gmail).length;
    expect((await publish('2022-11-09T13:20')).code).toBe(1);
    expect(sentMessages(standin.state.gmail).length).toBe(before);
  });

  it('the one-click unsubscribe (RFC 8058) empties her row: the job reads no subscription for her', async () => {
    const token = rowOf('anna@example.org')![col('Nøgle')]!;
    const base = `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`;
    const r = await post(`${base}abonnement/afmeld?t=${token}`, 'List-Unsubscribe=One-Click');
    expect(r.status).toBe(200);
    expect(rowOf('anna@example.org')).toBeUndefined();
    const wiring = await wire({ sheet: SHEET, out, sends: false }, env('gmail'));
    expect((await wiring.subscriptions!.readSubscriptions()).map((x) => x.email)).toEqual([]);
  });

  it('serve on a Sheet without the tab makes it, laid out as init-sheet does, and keeps a pending token only as its fingerprint', async () => {
    const id = 'abonnent-sheet-0002';
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id });
    const store = googleSubscriptionStore({ spreadsheetId: id, google: openGoogle(env('gmail')) });
    expect(await store.all()).toEqual([]);
    const s = { id: 'id-dorte-00001', email: 'dorte@example.org', kind: 'sag' as const, target: '00.01.00-A21-2-21', token: 'D'.repeat(43), requestedAt: '2022-03-20T10:00:00.000Z' };
    await store.put(s);
    const sheet = sheetOf(standin, id, SUBSCRIBERS_TAB.name);
    const rows = valuesOf(sheet).map((r) => r.map((v) => (v === null ? '' : String(v))));
    expect(rows[0]).toEqual(SUBSCRIBERS_TAB.columns.map((c) => c.header));
    expect(sheet.rows[0]![0]!.note).toBe(SUBSCRIBERS_TAB.columns[0]!.note);
    expect(sheet.protectedRanges.some((p) => p.warningOnly)).toBe(true);
    expect(rows[1]).toEqual(['dorte@example.org', 'Sag', '00.01.00-A21-2-21', '2022-03-20T10:00:00.000Z', '', 'id-dorte-00001', pendingKey(s.token)]);
    // Confirmed: the same row, now with the token itself.
    await store.put({ ...s, confirmedAt: '2022-03-20T10:05:00.000Z' });
    expect(await store.all()).toEqual([{ ...s, confirmedAt: '2022-03-20T10:05:00.000Z' }]);
    await store.remove([s.id]);
    expect(await store.all()).toEqual([]);
  });
});

function spreadsheetTitles(): string[] {
  return spreadsheetOf(standin, SHEET).sheets.map((s) => s.properties.title);
}
