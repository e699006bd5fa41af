// Issue 21's "done when", end to end in real processes and a real browser: `dagsorden serve` (the
// built CLI) serves the site and the subscription endpoint; a citizen signs up on the forum page in
// Debian's chromium, follows the confirmation link from the mail a real SMTP server received, gets the
// notice of the agenda `dagsorden publish` sends (through the same SMTP server), unsubscribes with the
// RFC 8058 one-click POST from that mail's header, and receives nothing more. axe-core reports no
// WCAG 2.1 AA violation on the form and every page of the endpoint.

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { simpleParser, type ParsedMail } from 'mailparser';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { wallClock } from '../../src/local/xlsx-write.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { baseline, time, writeTestWorkbook, type TestWorkbook } from '../helpers/workbook.js';
import { startSmtpRecorder, type SmtpRecorder } from '../helpers/smtp-recorder.js';
import { publish } from '../portal/helpers.js';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');
const CLI = join(PACKAGE_ROOT, 'dist', 'src', 'cli.js');
const ZONE = 'Europe/Copenhagen';
const CHROMIUM = process.env.DAGSORDEN_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const CITIZEN = 'borger@example.net';

let browser: Browser;
let smtp: SmtpRecorder;
let serve: ChildProcess | undefined;

beforeAll(async () => {
  smtp = await startSmtpRecorder();
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (serve && serve.exitCode === null) {
    serve.kill('SIGTERM');
    await new Promise((ok) => serve!.once('exit', ok));
  }
  await smtp?.close();
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((ok) => s.listen(0, '127.0.0.1', () => ok()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((ok) => s.close(() => ok()));
  return port;
}

async function axe(page: Page, what: string): Promise<void> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(
    () =>
      (window as unknown as { axe: { run: (ctx: Document, o: unknown) => Promise<{ violations: { id: string }[] }> } }).axe.run(document, {
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      }),
  );
  expect(result.violations, what).toEqual([]);
}

async function mailsTo(address: string): Promise<ParsedMail[]> {
  return Promise.all(smtp.received.filter((m) => m.to.includes(address)).map((m) => simpleParser(m.raw)));
}

it('sign up on a forum page, confirm from the mail, hear of the agenda, unsubscribe in one click, and nothing more', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-subscribe-'));
  const out = join(dir, 'out');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/`;
  const env = { DAGSORDEN_MAIL: 'smtp', DAGSORDEN_SMTP_URL: smtp.url };

  // A meeting ten days from now, still Planlagt: the forum's page exists, nothing is published.
  const today = DateTime.now().setZone(ZONE);
  const date = today.plus({ days: 10 }).toISODate()!;
  const wb: TestWorkbook = baseline();
  wb.meetings[0] = { ...wb.meetings[0]!, 'Møde-id': 'CF-MOEDE', Dato: wallClock(date), Start: time('09:00'), Slut: time('12:00'), Status: 'Planlagt' };
  for (const item of wb.items) item['Møde-id'] = 'CF-MOEDE';
  wb.items.push({ 'Møde-id': 'CF-MOEDE', Nr: 3, Titel: 'Personalesag qxzvlk', 'Sagsnr.': '81.00.00-G01-1-22', Lukket: 'Ja', Anledning: 'Fortroligt qxzvlk' });
  wb.settings.push({ Nøgle: 'Hjemmeside-adresse', Værdi: base });
  const workbook = await writeTestWorkbook(wb, dir);
  expect((await publish(workbook, out, DateTime.now().setZone(ZONE).toISO()!, { env })).code).toBe(0);

  serve = spawn(process.execPath, [CLI, 'serve', '--site', join(out, 'site'), '--out', out, '--workbook', workbook, '--port', String(port)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let text = '';
    serve!.stdout!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('(stop med Ctrl+C).')) ok();
    });
    serve!.once('exit', (code) => fail(new Error(`serve exited ${code}`)));
  });

  const page = await browser.newPage();
  // A wrong address, past the browser's own check: the endpoint's Danish refusal.
  await page.goto(`${base}fora/chefforum/`);
  await page.getByLabel('Din e-mailadresse').fill('ikke en adresse');
  await page.evaluate(() => {
    const form = document.querySelector('form.subscribe-form') as HTMLFormElement;
    form.noValidate = true;
    form.requestSubmit();
  });
  await expect.poll(() => page.locator('h1').textContent()).toBe('E-mailadressen er ikke gyldig');
  await axe(page, 'refusal page');

  await page.goto(`${base}fora/chefforum/`);
  await axe(page, 'forum page with the form');
  await page.getByLabel('Din e-mailadresse').fill(CITIZEN);
  await page.getByRole('button', { name: 'Tilmeld' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Tjek din e-mail');
  await axe(page, 'check your mail');

  const [confirmation] = await mailsTo(CITIZEN);
  expect(confirmation!.subject).toBe('Bekræft dit abonnement på Chefforum');
  const link = /http:\/\/127\.0\.0\.1:\d+\/abonnement\/bekraeft\?t=[A-Za-z0-9_-]+/.exec(confirmation!.text ?? '')![0];
  await page.goto(link);
  await axe(page, 'confirm page');
  await page.getByRole('button', { name: 'Bekræft abonnement' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Du er tilmeldt');
  await axe(page, 'confirmed');
  await page.getByRole('link', { name: 'Se dine abonnementer' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Dine abonnementer');
  await axe(page, 'manage page');


  // The agenda is released: the scheduled job publishes it and notifies her.
  wb.meetings[0]!.Status = 'Dagsorden klar';
  wb.meetings[0]!['Udsend dagsorden'] = wallClock(today.toISODate()!, '00:00');
  await writeTestWorkbook(wb, dir);
  expect((await publish(workbook, out, DateTime.now().setZone(ZONE).toISO()!, { env })).code).toBe(0);
  const notices = (await mailsTo(CITIZEN)).slice(1);
  expect(notices.map((m) => m.subject)).toEqual([`Ny dagsorden: Chefforum ${DateTime.fromISO(date).setLocale('da').toFormat("cccc 'd.' d'.' LLLL yyyy")} kl. 09:00`]);
  const notice = notices[0]!;
  expect(notice.text).toContain('- Punkt 3: Lukket');
  expect(notice.text).not.toContain('qxzvlk');
  expect(notice.headers.get('list-unsubscribe-post') ?? notice.headerLines.find((l) => l.key === 'list-unsubscribe-post')?.line).toContain('List-Unsubscribe=One-Click');
  const unsubscribeLine = notice.headerLines.find((l) => l.key === 'list-unsubscribe')!.line;
  const unsubscribe = /<([^>]+)>/.exec(unsubscribeLine.replace(/\r?\n[ \t]+/g, ' '))![1]!;

  // The meeting's page the notice links to is there.
  await page.goto(/Se mødet: (\S+)/.exec(notice.text ?? '')![1]!);
  expect(await page.locator('h1').textContent()).toContain('Dagsorden Chefforum');

  // The case pages (there since the agenda was published) have the form too.
  await page.goto(`${base}sager/00.01.00-a21-2-21/`);
  expect(await page.locator('form.subscribe-form input[name=target]').getAttribute('value')).toBe('00.01.00-A21-2-21');
  await axe(page, 'case page with the form');

  // Opening the unsubscribe link shows a button and changes nothing.
  await page.goto(unsubscribe);
  expect(await page.locator('h1').textContent()).toBe('Afmeld abonnement');
  await axe(page, 'unsubscribe page');

  // What a mail program does for the unsubscribe button (RFC 8058): one POST, no page, no cookie.
  const oneClick = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
  expect(oneClick.status).toBe(200);
  await page.goto(unsubscribe);
  await axe(page, 'unsubscribe link after unsubscribing');

  // An amended agenda goes to the members; the citizen hears nothing more.
  const before = smtp.received.length;
  wb.items[1]!.Titel = 'Budgetproces 2023 og 2024';
  await writeTestWorkbook(wb, dir);
  expect((await publish(workbook, out, DateTime.now().setZone(ZONE).toISO()!, { env })).code).toBe(0);
  expect(smtp.received.length).toBeGreaterThan(before);
  expect((await mailsTo(CITIZEN)).length).toBe(2);
  await page.close();
}, 180_000);
