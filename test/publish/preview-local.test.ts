// `npm start` on the embedded default, as the built command line runs it: the previews land in
// out/kladder/ (marked "KLADDE – ikke udsendt" on every PDF page, read back with pdftotext), are left
// alone when nothing changed, are never mailed, and status.json carries Forhåndsvisning and Næste.

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
const kladder = (): string => join(out, 'kladder', 'CF-2022-11-09');
/** A preview's file name: the published document's name, marked as a draft. */
const draftName = (edition: 'medlemmer' | 'offentlig', format: 'docx' | 'pdf'): string => `KLADDE ${documentFileName({ forum: 'Chefforum', date: '2022-11-09' }, 'referat', edition, format)}`;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'dagsorden-start-'));
});

afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

it('as of 18 March 2022: previews of the 9 November minutes in out/kladder/, marked on every page, and Næste in status.json', { timeout: 180_000 }, async () => {
  const r = await publish('2022-03-18T12:00');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect((await readdir(join(out, 'kladder'))).sort()).toEqual(['CF-2022-11-09']);
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
  expect(s['CF-2022-03-24']!['Forhåndsvisning']).toBe('');
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

it('as of 9 November 2022: the minutes went out, so no preview is linked and Næste says nothing is left', { timeout: 180_000 }, async () => {
  const r = await publish('2022-11-09T13:00');
  expect(r.code).toBe(0);
  const s = await status();
  expect(s['CF-2022-11-09']!['Forhåndsvisning']).toBe('');
  expect(s['CF-2022-11-09']!['Næste']).toBe('Intet mere at gøre: referatet er udgivet og udsendt.');
});
