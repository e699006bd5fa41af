// The subscription endpoint over real HTTP, with the SQLite store on disk and the outbox: the whole
// double opt-in, one-click unsubscribe (RFC 8058), the manage page, expiry, and hostile input
// (header injection in the address, a 10 MB body, a flood of sign-ups, forged tokens).

import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type Server } from 'node:http';
import { simpleParser } from 'mailparser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadTemplate, type Template } from '../../src/documents/template.js';
import { outboxTransport } from '../../src/local/outbox.js';
import { readSubscriptions, sqliteSubscriptionStore } from '../../src/local/subscriptions.js';
import { createSiteServer } from '../../src/portal/server.js';
import { subscriptionEndpoint, type EndpointHandler, type EndpointLimits } from '../../src/portal/subscriptions/endpoint.js';
import type { MailTransport } from '../../src/delivery/ports.js';
import { validateWorkbook } from '../../src/validate/index.js';
import { baseline, rawTestWorkbook } from '../helpers/workbook.js';

let template: Template;
beforeAll(async () => {
  template = await loadTemplate();
});

interface Harness {
  base: string;
  dir: string;
  db: string;
  outbox: string;
  clock: { now: Date };
  server: Server;
  endpoint: EndpointHandler;
}
const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise<void>((ok) => s.close(() => ok()))));
});

async function start(limits?: EndpointLimits, mail?: MailTransport, errors?: unknown[]): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-endpoint-'));
  const db = join(dir, '.dagsorden', 'abonnenter.sqlite');
  const outbox = join(dir, 'outbox');
  const { model } = validateWorkbook(rawTestWorkbook(baseline()));
  const clock = { now: new Date('2026-12-04T12:00:00Z') };
  const endpoint = subscriptionEndpoint({
      store: await sqliteSubscriptionStore(db),
      mail: mail ?? outboxTransport(outbox),
      settings: model.settings,
      layout: { organisation: 'Albertslund Kommune', template, siteAddress: 'https://dagsordener.example.org/politik/', timeZone: 'Europe/Copenhagen' },
      exists: async (kind, target) => (kind === 'forum' ? target === 'Chefforum' : target === '00.30.00-P00-5-21'),
      clock: () => clock.now,
      ...(limits ? { limits } : {}),
      ...(errors ? { onError: (e: unknown) => errors.push(e) } : {}),
  });
  const server = createSiteServer(join(dir, 'site'), endpoint);
  open.push(server);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, dir, db, outbox, clock, server, endpoint };
}

async function post(url: string, body: string | Uint8Array, type = 'application/x-www-form-urlencoded'): Promise<{ status: number; text: string; headers: Record<string, unknown> }> {
  const r = await fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]), headers: { 'content-type': type } });
  return { status: r.status, text: await r.text(), headers: Object.fromEntries(r.headers) };
}
const form = (o: Record<string, string>): string => new URLSearchParams(o).toString();
const signUp = (h: Harness, email: string, target = 'Chefforum', kind = 'forum') => post(`${h.base}abonnement/tilmeld`, form({ email, kind, target }));

async function mails(h: Harness): Promise<{ to: string; subject: string; text: string; raw: string }[]> {
  const names = (await readdir(h.outbox).catch(() => [] as string[])).filter((n) => n.endsWith('.eml')).sort();
  return Promise.all(
    names.map(async (n) => {
      const raw = await readFile(join(h.outbox, n), 'utf8');
      const p = await simpleParser(raw);
      return { to: p.to && !Array.isArray(p.to) ? p.to.text : '', subject: p.subject ?? '', text: p.text ?? '', raw };
    }),
  );
}
const linkIn = (text: string): string => /https:\/\/dagsordener\.example\.org\/politik\/(abonnement\/\S+)/.exec(text)![1]!;

describe('double opt-in, one-click unsubscribe and the manage page', () => {
  it('a sign-up is stored only on confirmation, by POST; the RFC 8058 POST unsubscribes and deletes it', async () => {
    const h = await start();
    const signed = await signUp(h, 'Borger@Example.org');
    expect(signed.status).toBe(200);
    expect(signed.text).toContain('<h1>Tjek din e-mail</h1>');
    expect(signed.headers['cache-control']).toBe('no-store');
    expect(signed.headers['referrer-policy']).toBe('no-referrer');
    const [mail] = await mails(h);
    expect(mail!.to).toBe('borger@example.org');
    expect(mail!.subject).toBe('Bekræft dit abonnement på Chefforum');
    expect(mail!.text).toContain('Nogen har fredag d. 4. december 2026 kl. 13:00 på Albertslund Kommunes hjemmeside bedt om, at borger@example.org får en e-mail');
    expect(mail!.text).toContain('Var det ikke dig, skal du ikke gøre noget');
    let stored = await readSubscriptions(h.db);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.confirmedAt).toBeUndefined();
    // What is stored is the address, what it follows, when asked and confirmed: nothing else.
    expect(Object.keys(stored[0]!).sort()).toEqual(['email', 'id', 'kind', 'requestedAt', 'target', 'token']);

    const confirm = linkIn(mail!.text);
    // Opening the link (a mail scanner does) changes nothing: it shows a button.
    const asked = await fetch(h.base + confirm);
    expect(await asked.text()).toContain('<button type="submit">Bekræft abonnement</button>');
    expect((await readSubscriptions(h.db))[0]!.confirmedAt).toBeUndefined();
    const done = await post(h.base + confirm, '');
    expect(done.text).toContain('<h1>Du er tilmeldt</h1>');
    stored = await readSubscriptions(h.db);
    expect(stored[0]!.confirmedAt).toBe('2026-12-04T12:00:00.000Z');

    const manage = await (await fetch(`${h.base}abonnement/?t=${stored[0]!.token}`)).text();
    expect(manage).toContain('Abonnementer for borger@example.org');
    expect(manage).toContain('Chefforum (bekræftet 2026-12-04)');
    expect(manage).toContain('Vi gemmer kun din e-mailadresse');

    const oneClick = await post(`${h.base}abonnement/afmeld?t=${stored[0]!.token}`, 'List-Unsubscribe=One-Click');
    expect(oneClick.status).toBe(200);
    expect(oneClick.text).toContain('<h1>Du er afmeldt</h1>');
    expect(await readSubscriptions(h.db)).toEqual([]);
    // The link again: nothing left, and it says so.
    expect((await post(`${h.base}abonnement/afmeld?t=${stored[0]!.token}`, 'List-Unsubscribe=One-Click')).text).toContain('Abonnementet findes ikke længere');
  });

  it('an unconfirmed sign-up expires after 7 days: the link stops working and purge deletes it', async () => {
    const h = await start();
    await signUp(h, 'borger@example.org');
    const link = linkIn((await mails(h))[0]!.text);
    h.clock.now = new Date('2026-12-11T12:00:00Z');
    const r = await fetch(h.base + link);
    expect(r.status).toBe(404);
    expect(await r.text()).toContain('Linket er udløbet eller allerede brugt');
    // The purge `dagsorden serve` runs every hour deletes it; a confirmed one stays.
    await signUp(h, 'anden@example.org');
    await post(h.base + linkIn((await mails(h)).find((m) => m.to === 'anden@example.org')!.text), '');
    h.clock.now = new Date('2027-06-01T12:00:00Z');
    expect(await h.endpoint.purge()).toBe(1);
    expect((await readSubscriptions(h.db)).map((s) => s.email)).toEqual(['anden@example.org']);
  });
});

describe('hostile input', () => {
  it.each([
    ['header injection (CRLF, Bcc)', 'borger@example.org\r\nBcc: offer@example.net'],
    ['header injection (encoded LF)', 'borger@example.org\nTo: offer@example.net'],
    ['two addresses', 'borger@example.org, offer@example.net'],
    ['a display name', 'Offer <offer@example.net>'],
    ['markup', '<script>alert(1)</script>@example.org'],
  ])('refuses %s with a Danish message, sends and stores nothing', async (_n, email) => {
    const h = await start();
    const r = await signUp(h, email);
    expect(r.status).toBe(400);
    expect(r.text).toContain('Skriv én e-mailadresse, fx navn@eksempel.dk');
    expect(r.text).not.toContain('<script>alert');
    expect(await mails(h)).toEqual([]);
    expect(await readSubscriptions(h.db)).toEqual([]);
  });

  it('refuses what the site has no page for, and a form that is not a form', async () => {
    const h = await start();
    expect((await signUp(h, 'borger@example.org', 'Hemmeligt Forum')).status).toBe(400);
    expect((await signUp(h, 'borger@example.org', 'Chefforum', 'admin')).status).toBe(400);
    expect((await post(`${h.base}abonnement/tilmeld`, JSON.stringify({ email: 'borger@example.org' }), 'application/json')).status).toBe(415);
    expect((await fetch(`${h.base}abonnement/tilmeld`, { method: 'DELETE' })).status).toBe(405);
    expect(await mails(h)).toEqual([]);
  });

  it('a 10 MB body is refused unread (declared or streamed), nothing stored', async () => {
    const h = await start();
    const big = Buffer.alloc(10 * 1024 * 1024, 'a');
    const declared = await post(`${h.base}abonnement/tilmeld`, Buffer.concat([Buffer.from('kind=forum&target=Chefforum&email=borger%40example.org&x='), big]));
    expect(declared.status).toBe(413);
    expect(declared.text).toContain('For meget data');
    // Chunked, with no length said: refused once it passes the limit.
    const streamed = await new Promise<number>((ok, fail) => {
      const req = request(`${h.base}abonnement/afmeld?t=${'x'.repeat(43)}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        ok(res.statusCode ?? 0);
      });
      req.on('error', fail);
      for (let i = 0; i < 160; i++) req.write(Buffer.alloc(64 * 1024, 'b'));
      req.end();
    });
    expect(streamed).toBe(413);
    expect(await mails(h)).toEqual([]);
    expect(await readSubscriptions(h.db)).toEqual([]);
  });

  it('a flood from one client is cut off at its hourly limit; one address gets at most 3 confirmation mails a day', async () => {
    const h = await start({ perClientPerHour: 10, mailsPerHour: 1000 });
    const answers: number[] = [];
    for (let i = 0; i < 40; i++) answers.push((await signUp(h, `offer${i}@example.net`)).status);
    expect(answers.filter((s) => s === 200)).toHaveLength(10);
    expect(answers.slice(10).every((s) => s === 429)).toBe(true);
    const limited = await signUp(h, 'en.til@example.net');
    expect(limited.headers['retry-after']).toBe('3600');
    expect(limited.text).toContain('Vent en time, og prøv så igen.');
    expect(await mails(h)).toHaveLength(10);

    // Many clients (no per-client limit here) typing in one victim's address, for every page there is.
    const h2 = await start({ perClientPerHour: 1000, mailsPerHour: 1000 });
    for (let i = 0; i < 20; i++) {
      const r = await signUp(h2, 'offer@example.net', i % 2 ? 'Chefforum' : '00.30.00-P00-5-21', i % 2 ? 'forum' : 'sag');
      // The same answer whether or not a mail went: the form tells nobody what an address has.
      expect(r.text).toContain('<h1>Tjek din e-mail</h1>');
    }
    expect((await mails(h2)).map((m) => m.to)).toEqual(['offer@example.net', 'offer@example.net']);
  });

  it('the endpoint as a whole stops mailing at its hourly limit (a flood from many addresses)', async () => {
    const h = await start({ perClientPerHour: 1000, mailsPerHour: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signUp(h, `n${i}@example.net`)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(statuses.filter((s) => s === 503)).toHaveLength(7);
    expect(await mails(h)).toHaveLength(5);
  });

  it('a mail server that is down: the citizen is asked to try again later, nothing is stored, the operator is told', async () => {
    const errors: unknown[] = [];
    const down: MailTransport = {
      description: 'nede',
      send: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:25');
      },
    };
    const h = await start(undefined, down, errors);
    const r = await signUp(h, 'borger@example.org');
    expect(r.status).toBe(503);
    expect(r.text).toContain('Tilmeldingen kunne ikke gennemføres lige nu. Prøv igen om lidt.');
    expect(errors.map((e) => (e as Error).message)).toEqual(['connect ECONNREFUSED 127.0.0.1:25']);
    expect(await readSubscriptions(h.db)).toEqual([]);
  });

  it('a damaged database file stops with a Danish message instead of starting empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-endpoint-bad-'));
    const db = join(dir, 'abonnenter.sqlite');
    await writeFile(db, 'dette er ikke en database');
    await expect(readSubscriptions(db)).rejects.toThrow(/^Abonnementsdatabasen .* kan ikke læses .*Der sendes ingen e-mails til abonnenter/);
    await expect(sqliteSubscriptionStore(db)).rejects.toThrow(/kan ikke læses/);
  });

  it('a forged or altered token does nothing', async () => {
    const h = await start();
    await signUp(h, 'borger@example.org');
    const link = linkIn((await mails(h))[0]!.text);
    const token = new URL(link, h.base).searchParams.get('t')!;
    for (const t of [token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'), "' OR 1=1 --", '', 'x'.repeat(10_000)]) {
      const r = await post(`${h.base}abonnement/bekraeft?t=${encodeURIComponent(t)}`, '');
      expect(r.status).toBe(404);
    }
    expect((await readSubscriptions(h.db))[0]!.confirmedAt).toBeUndefined();
  });
});
