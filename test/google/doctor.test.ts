// `dagsorden doctor` against the stand-in (real client libraries): all well is exit 0 with every
// finding OK; then each finding provoked on its own: a missing scope, a folder without access, a
// wrong send-as address, an unreachable bucket, a bucket it may not write to, no LibreOffice, no Google sign-in, a missing tab.
// And it never writes, sends or publishes anything.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { doctorFindings, type ProbeResults } from '../../src/doctor/findings.js';
import { runDoctor } from '../../src/commands/doctor.js';
import { BUNDLED_WORKBOOK, PACKAGE_ROOT } from '../../src/package-paths.js';
import { createBucket, loadXlsx, seedFile, sheetOf, spreadsheetOf, startStandin, type Standin } from '../standin/index.js';
import { google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());

const ID = 'doctor-sheet-000001';
let membersFolder = '';

/** The example Sheet, made ready for a scheduled run: folders made by dagsorden, the sender allowed, a bucket. */
beforeEach(async () => {
  standin.reset();
  await loadXlsx(standin, BUNDLED_WORKBOOK, { id: ID });
  const folder = seedFile(standin.state.drive, { name: 'Chefforum – medlemmer', appCreated: true });
  membersFolder = folder.id;
  setSetting('Drive-mappe medlemmer', folder.id);
  setSetting('Hjemmeside-bucket', 'albertslund-dagsordener');
  createBucket(standin.state.storage, 'albertslund-dagsordener');
  standin.state.gmail.sendAs.add('chefforum@example.org');
});

/** Writes a value into Indstillinger (a new row when the key is not there yet). */
function setSetting(key: string, value: string): void {
  const sheet = sheetOf(standin, ID, 'Indstillinger');
  let row = sheet.rows.findIndex((r) => r?.[0]?.value === key);
  if (row < 0) row = sheet.rows.length;
  sheet.rows[row] = [{ value: key }, { value }];
}

const FONT_OK = async () => 'Liberation Sans';
const WITH_SOFFICE = { DAGSORDEN_SOFFICE: process.execPath }; // any file that exists stands for the program

async function doctor(env: NodeJS.ProcessEnv = WITH_SOFFICE, session?: 'none', clock?: () => number): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runDoctor({ sheet: ID }, { out: (s) => lines.push(...s.split('\n')), env, matchFont: FONT_OK, ...(clock ? { clock } : {}), ...(session === 'none' ? {} : { google: await google(standin) }) });
  return { code, lines };
}

const line = (lines: string[], topic: string) => lines.find((l) => l.includes(`${topic}:`)) ?? `(ingen linje om ${topic})`;

describe('dagsorden doctor', () => {
  it('all well: every finding OK, exit 0, and nothing written, sent or published', async () => {
    const before = JSON.stringify([...standin.state.sheets.spreadsheets.values()].map((s) => s.sheets.map((t) => t.rows)));
    const { code, lines } = await doctor();
    if (process.env.PRINT_DOCTOR) console.log(lines.join('\n'));
    expect(lines.filter((l) => /^(OK|ADVARSEL|FEJL)/.test(l)).every((l) => l.startsWith('OK'))).toBe(true);
    expect(line(lines, 'Adgang til Google')).toMatch(/^OK +Adgang til Google: Fundet: DAGSORDEN_GOOGLE_ACCESS_TOKEN/);
    expect(line(lines, 'Tilladelser (scopes)')).toBe('OK        Tilladelser (scopes): Alle 5 er givet.');
    expect(line(lines, 'Regnearket')).toMatch(/kan læses; faner og overskrifter er i orden/);
    expect(line(lines, 'Drive-mappe (Drive-mappe medlemmer)')).toMatch(/«Chefforum – medlemmer» kan nås/);
    expect(line(lines, 'Afsender')).toMatch(/chefforum@example\.org må bruges som afsender/);
    expect(line(lines, 'Hjemmeside-bucket')).toMatch(/albertslund-dagsordener kan nås, og kontoen må lægge hjemmesiden dér/);
    expect(lines.at(-1)).toBe('Alt er klar til den planlagte kørsel.');
    expect(code).toBe(0);
    // Read-only: no write, no draft, no mail, no object.
    const writes = standin.calls.list.filter((c) => c.method !== 'GET' && c.route !== 'oauth.tokeninfo');
    expect(writes.map((c) => c.route)).toEqual([]);
    expect(JSON.stringify([...standin.state.sheets.spreadsheets.values()].map((s) => s.sheets.map((t) => t.rows)))).toBe(before);
  });

  it('the README shows what doctor prints: all well, and a missing scope with a sender Gmail does not allow', async () => {
    const readme = await readFile(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1]!.split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n').trimEnd());
    const allWell = (await doctor()).lines.join('\n').replace(/LibreOffice: Fundet: .*\./, 'LibreOffice: Fundet: /usr/bin/soffice.');
    expect(blocks).toContain(allWell);
    standin.state.oauth.grantedScopes = standin.state.oauth.grantedScopes.filter((s) => !s.endsWith('gmail.compose'));
    standin.state.gmail.sendAs.clear();
    const { lines } = await doctor();
    expect(blocks).toContain(lines.filter((l) => !/^OK/.test(l)).join('\n'));
  });

  it('a missing scope: names it and says how to grant it (exit 1)', async () => {
    standin.state.oauth.grantedScopes = standin.state.oauth.grantedScopes.filter((s) => !s.endsWith('gmail.compose'));
    const { code, lines } = await doctor();
    expect(line(lines, 'Tilladelser (scopes)')).toMatch(/^FEJL +Tilladelser \(scopes\): Mangler: Gmail \(gmail\.compose\) https:\/\/www\.googleapis\.com\/auth\/gmail\.compose\. Kør "dagsorden auth" igen/);
    expect(code).toBe(1);
  });

  it('a folder dagsorden cannot see (made by hand, invisible under drive.file)', async () => {
    const byHand = seedFile(standin.state.drive, { name: 'Lavet i hånden', appCreated: false });
    setSetting('Drive-mappe offentlig', byHand.id);
    const { code, lines } = await doctor();
    expect(line(lines, 'Drive-mappe (Drive-mappe medlemmer)')).toMatch(/^OK/);
    expect(line(lines, 'Drive-mappe (Drive-mappe offentlig)')).toMatch(new RegExp(`^FEJL +Drive-mappe \\(Drive-mappe offentlig\\): Mappen ${byHand.id} findes ikke eller kan ikke ses af kontoen\\. .*tøm «Drive-mappe offentlig»`));
    expect(code).toBe(1);
  });

  it('who a folder is shared with', async () => {
    standin.state.drive.files.get(membersFolder)!.permissions.push({ kind: 'drive#permission', id: 'p1', type: 'user', role: 'reader', emailAddress: 'anne.jensen@example.org' });
    const { lines } = await doctor();
    expect(line(lines, 'Drive-mappe (Drive-mappe medlemmer)')).toContain('delt med anne.jensen@example.org (reader)');
  });

  it('a sender address the account may not send as', async () => {
    standin.state.gmail.sendAs.clear();
    const { code, lines } = await doctor();
    expect(line(lines, 'Afsender')).toMatch(/^FEJL +Afsender: chefforum@example\.org \(Afsender i fanen Indstillinger\) er ikke en "Send mail som"-adresse for kontoen\. Tilføj den i Gmail/);
    expect(code).toBe(1);
  });

  it('a bucket that does not exist', async () => {
    setSetting('Hjemmeside-bucket', 'findes-ikke');
    const { code, lines } = await doctor();
    expect(line(lines, 'Hjemmeside-bucket')).toMatch(/^FEJL +Hjemmeside-bucket: findes-ikke kan ikke nås \(HTTP 404/);
    expect(code).toBe(1);
  });

  it('a bucket the account may only read: found without writing to it', async () => {
    standin.state.storage.denied.set('albertslund-dagsordener', new Set(['storage.objects.create', 'storage.objects.delete']));
    const { code, lines } = await doctor();
    expect(line(lines, 'Hjemmeside-bucket')).toBe(
      'FEJL      Hjemmeside-bucket: albertslund-dagsordener kan nås, men kontoen mangler storage.objects.create, storage.objects.delete dér, så hjemmesiden kan ikke lægges op. Giv kontoen rollen Storage Object Admin på bucketten.',
    );
    expect(code).toBe(1);
    expect(standin.state.storage.writes).toEqual([]);
    expect(standin.unhandled).toEqual([]);
  });

  it('the machine\'s clock against Google\'s: right, a little off (a warning), far off (an error)', async () => {
    expect(line((await doctor()).lines, 'Ur')).toBe('OK        Ur: Maskinens ur går rigtigt (inden for et minut af Googles).');
    const slow = await doctor(WITH_SOFFICE, undefined, () => Date.now() - 90_000);
    expect(line(slow.lines, 'Ur')).toMatch(/^ADVARSEL +Ur: Maskinens ur går (89|90|91) sekunder for langsomt i forhold til Googles, så udsendelser går tilsvarende for sent\. Sæt maskinens ur til at følge tid fra nettet/);
    expect(slow.code).toBe(0);
    const fast = await doctor(WITH_SOFFICE, undefined, () => Date.now() + 20 * 60_000);
    expect(line(fast.lines, 'Ur')).toMatch(/^FEJL +Ur: Maskinens ur går 20 minutter for stærkt i forhold til Googles, så udsendelser går tilsvarende for tidligt\. .*Google også afvise login'et\.$/);
    expect(fast.code).toBe(1);
  });

  it('no LibreOffice', async () => {
    const { code, lines } = await doctor({ DAGSORDEN_SOFFICE: '/findes/ikke/soffice' });
    expect(line(lines, 'LibreOffice')).toMatch(/^FEJL +LibreOffice: Findes ikke, så der kan ikke laves PDF\. Installér LibreOffice/);
    expect(code).toBe(1);
  });

  it('no Google sign-in at all: says how to sign in, and still checks the machine', async () => {
    const { code, lines } = await doctor({ ...WITH_SOFFICE, DAGSORDEN_GOOGLE_TOKEN: '/findes/ikke/token.json' }, 'none');
    expect(line(lines, 'Adgang til Google')).toMatch(/^FEJL +Adgang til Google: Der er ingen Google-login: .* Kør "dagsorden auth"/);
    expect(line(lines, 'LibreOffice')).toMatch(/^OK/);
    expect(code).toBe(1);
  });

  it('a Sheet without the Punkter tab', async () => {
    const ss = spreadsheetOf(standin, ID);
    ss.sheets.splice(ss.sheets.findIndex((s) => s.properties.title === 'Punkter'), 1);
    const { code, lines } = await doctor();
    expect(line(lines, 'Regnearket')).toMatch(/^FEJL +Regnearket: /);
    expect(line(lines, 'Regnearket')).toContain('Punkter');
    expect(code).toBe(1);
  });
});

describe('doctorFindings (pure)', () => {
  const base: ProbeResults = {
    credentials: { ok: true, source: 'x' },
    neededScopes: ['a'],
    scopes: { granted: ['a'] },
    libreOffice: { path: '/usr/bin/soffice' },
    fonts: [{ font: 'Arial', found: false }],
    timeZone: { process: 'UTC', workbook: 'Europe/Copenhagen' },
  };
  it('a missing font is a warning (exit still 0); a different time zone on the machine is fine and says why', () => {
    const f = doctorFindings(base);
    expect(f.find((x) => x.topic === 'Skrifttype')).toMatchObject({ level: 'advarsel', text: expect.stringContaining('fonts-liberation') });
    expect(f.find((x) => x.topic === 'Tidszone')).toMatchObject({ level: 'ok', text: expect.stringContaining('dagsorden regner alle tider i arkets tidszone') });
    expect(f.some((x) => x.level === 'fejl')).toBe(false);
  });
});
