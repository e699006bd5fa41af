// Regenerates the screenshots in docs/screenshots/ from the stress meeting of the tests: a contents
// page, a nested list and the 10-column table on its landscape page, so a reader sees the documents
// before installing anything. Needs LibreOffice and poppler-utils (pdftotext, pdftoppm).
//
//   npm run screenshots

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findSoffice } from '../src/documents/pdf.js';
import { renderDocuments } from '../src/documents/render.js';
import { loadTemplate } from '../src/documents/template.js';
import { PACKAGE_ROOT } from '../src/package-paths.js';
import { STRESS_MEETING, STRESS_SETTINGS } from '../test/documents/stress.js';

const DPI = 80;

interface Shot {
  readonly file: string;
  /** Text on the page to show. */
  readonly find: string;
  /** The part of the page, as fractions of its height (from the top). */
  readonly from: number;
  readonly to: number;
}

const SHOTS: readonly Shot[] = [
  { file: 'indholdsfortegnelse.png', find: 'Indholdsfortegnelse', from: 0, to: 0.35 },
  { file: 'indlejret-liste.png', find: 'Indlejret punkt et', from: 0, to: 0.6 },
  { file: 'bred-tabel.png', find: 'Ejendomsadministration', from: 0, to: 0.45 },
];

const soffice = findSoffice();
if (!soffice) {
  console.error('LibreOffice blev ikke fundet. Installér libreoffice-writer-nogui og kør igen.');
  process.exit(2);
}
const work = await mkdtemp(join(tmpdir(), 'dagsorden-skærmbilleder-'));
try {
  const template = await loadTemplate();
  const request = { meeting: STRESS_MEETING, kind: 'referat', edition: 'medlemmer' } as const;
  const [rendered] = await renderDocuments([request], STRESS_SETTINGS, template, { formats: new Set(['pdf']), soffice });
  // NOTE: poppler's tools read files, so the PDF goes into this script's work folder.
  const pdf = join(work, 'referat-medlemmer.pdf');
  await writeFile(pdf, rendered!.files.get('pdf')!);
  const pages = execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).split('\f');
  const out = join(PACKAGE_ROOT, 'docs', 'screenshots');
  await mkdir(out, { recursive: true });
  for (const shot of SHOTS) {
    const page = pages.findIndex((p) => p.includes(shot.find)) + 1;
    if (page === 0) throw new Error(`"${shot.find}" is on no page of ${pdf}`);
    const size = /Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)/.exec(execFileSync('pdfinfo', ['-f', String(page), '-l', String(page), pdf], { encoding: 'utf8' }))!;
    const [width, height] = [Number(size[1]), Number(size[2])].map((pt) => Math.round((pt / 72) * DPI));
    const y = Math.round(height! * shot.from);
    const prefix = join(work, shot.file.replace(/\.png$/, ''));
    execFileSync('pdftoppm', ['-png', '-r', String(DPI), '-f', String(page), '-l', String(page), '-singlefile', '-x', '0', '-y', String(y), '-W', String(width), '-H', String(Math.round(height! * shot.to) - y), pdf, prefix]);
    execFileSync('cp', [`${prefix}.png`, join(out, shot.file)]);
    console.log(`Skrev ${join(out, shot.file)} (side ${page})`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
