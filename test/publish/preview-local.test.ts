// `npm start` on the embedded default, as the built command line runs it: the previews land in
// out/kladder/ (marked "KLADDE – ikke udsendt" on every PDF page, read back with pdftotext), are left
// alone when nothing changed, are never mailed, are removed once their document has gone out (the
// minutes' preview appearing as the agenda's goes), and status.json carries Forhåndsvisning and Næste.

import { documentFileName } from '../../src/documents/files.js';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DRAFT_MARK } from '../../src/documents/docx.js';
import { PACKAGE_ROOT } from '../../src/package-paths.js';
import { pdfPages } from '../documents/helpers.js';

let out: string;

/** One `dagsorden publish` as `npm start` runs it, into a temporary output folder. */
function publish(now: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, 'dist', 'src', 'cli.js'), 'publish', '--now', now, '--out', out], {
    // The embedded default, whatever this machine's environment says.
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('DAGSORDEN_'))),
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

const status = async (): Promise<Record<string, Record<string, string>>> => JSON.parse(await readFile(join(out, 'status.json'), 'utf8')) as Record<string, Record<string, string>>;
const kladder = (id = 'CF-2022-11-09'): string => join(out, 'kladder', id);
/** A preview's file name: the published document's name, marked as a draft. */
const draftName = (edition: 'medlemmer' | 'offentlig', format: 'docx' | 'pdf', date = '2022-11-09', kind: 'dagsorden' | 'referat' = 'referat'): string =>
  `KLADDE ${documentFileName({ forum: 'Chefforum', date }, kind, edition, format)}`;
const allDrafts = (date: string, kind: 'dagsorden' | 'referat'): string[] =>
  (['medlemmer', 'offentlig'] as const).flatMap((e) => (['docx', 'pdf'] as const).map((f) => draftName(e, f, date, kind))).sort();
const logRows = async () => (await readFile(join(out, '.dagsorden', 'udsendelser.jsonl'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dagsorden-start-'));
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

it('as of 10 March 2022: the 24 March agenda is previewed, not sent', { timeout: 180_000 }, async () => {
  const r = await publish('2022-03-10T12:00');
  expect(r.code).toBe(0);
  expect((await readdir(kladder('CF-2022-03-24'))).sort()).toEqual(allDrafts('2022-03-24', 'dagsorden'));
  expect((await status())['CF-2022-03-24']!['Forhåndsvisning']).toBe(kladder('CF-2022-03-24'));
});

it('as of 18 March 2022: the agenda went out, so its previews are gone; the minutes are previewed; Næste in status.json', { timeout: 180_000 }, async () => {
  const r = await publish('2022-03-18T12:00');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect((await readdir(join(out, 'kladder'))).sort()).toEqual(['CF-2022-03-24', 'CF-2022-11-09']);
  // Exactly the minutes' previews: no stale draft of the agenda next to the real thing.
  expect((await readdir(kladder('CF-2022-03-24'))).sort()).toEqual(allDrafts('2022-03-24', 'referat'));
  const removed = (await logRows()).filter((e) => e.action === 'kladde' && e.status === 'fjernet');
  expect(removed.map((e) => `${e.meetingId} ${e.document} ${e.edition} ${e.format}`).sort()).toEqual(
    ['medlemmer docx', 'medlemmer pdf', 'offentlig docx', 'offentlig pdf'].map((x) => `CF-2022-03-24 Dagsorden ${x}`),
  );
  expect((await readdir(kladder())).sort()).toEqual([draftName('medlemmer', 'docx'), draftName('medlemmer', 'pdf'), draftName('offentlig', 'docx'), draftName('offentlig', 'pdf')].sort());
  for (const edition of ['medlemmer', 'offentlig'] as const) {
    const pages = await pdfPages(join(kladder(), draftName(edition, 'pdf')));
    expect(pages.length).toBeGreaterThan(1);
    pages.forEach((lines, i) => expect(lines.join('\n'), `page ${i + 1}`).toContain(DRAFT_MARK));
  }
  // The published documents are not marked.
  for (const lines of await pdfPages(join(out, 'CF-2022-03-24', documentFileName({ forum: 'Chefforum', date: '2022-03-24' }, 'dagsorden', 'medlemmer', 'pdf')))) expect(lines.join('\n')).not.toContain(DRAFT_MARK);

  const s = await status();
  expect(s['CF-2022-11-09']).toMatchObject({
    Forhåndsvisning: kladder(),
    Næste: 'Referat udsendes onsdag d. 9. november 2022 kl. 09:00 til 9 modtagere (6 medlemsudgave, 3 offentlig)',
  });
  expect(s['CF-2022-03-24']!['Næste']).toBe('Referatet udsendes, når status er Referat klar, tidligst torsdag d. 24. marts 2022 kl. 09:00, til 9 modtagere (6 medlemsudgave, 3 offentlig)');
  expect(s['CF-2022-03-24']!['Forhåndsvisning']).toBe(kladder('CF-2022-03-24'));
  expect(s['CF-2021-03-04']!['Næste']).toBe('Intet mere at gøre: referatet er udgivet og udsendt.');
  // Previews send no e-mail: 9 invitations and 9 minutes of 2021, none about 9 November.
  const mails = await readdir(join(out, 'outbox'));
  expect(mails).toHaveLength(18);
  for (const m of mails) expect(await readFile(join(out, 'outbox', m), 'utf8')).not.toContain('09-11-2022');
});

it('a run with nothing changed leaves the previews alone', { timeout: 120_000 }, async () => {
  const before = await stat(join(kladder(), draftName('offentlig', 'pdf')));
  const rows = (await readFile(join(out, '.dagsorden', 'udsendelser.jsonl'), 'utf8')).split('\n').length;
  const r = await publish('2022-03-18T12:05');
  expect(r.code).toBe(0);
  expect((await stat(join(kladder(), draftName('offentlig', 'pdf')))).mtimeMs).toBe(before.mtimeMs);
  expect((await readFile(join(out, '.dagsorden', 'udsendelser.jsonl'), 'utf8')).split('\n').length).toBe(rows);
});

it('as of 9 November 2022: the minutes went out, so no preview is left or linked, and Næste says nothing is left', { timeout: 180_000 }, async () => {
  const r = await publish('2022-11-09T13:00');
  expect(r.code).toBe(0);
  // Both meetings' minutes are out (24 March stays Dagsorden klar: its minutes preview stays).
  await expect(readdir(kladder('CF-2022-11-09'))).rejects.toThrow(/ENOENT/);
  const removed = (await logRows()).filter((e) => e.action === 'kladde' && e.status === 'fjernet' && e.meetingId === 'CF-2022-11-09');
  expect(removed).toHaveLength(4);
  const s = await status();
  expect(s['CF-2022-11-09']!['Forhåndsvisning']).toBe('');
  expect(s['CF-2022-11-09']!['Næste']).toBe('Intet mere at gøre: referatet er udgivet og udsendt.');
});
