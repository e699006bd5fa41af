// Benchmark of validation's bounded work, printed by `npm run bench`: a cell nested 10,000 deep
// (which overflows the Markdown parser's stack) must be reported at its cell, fast, without a parser.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { problemLocation } from '../src/model.js';
import { readAndValidate } from '../src/validate/index.js';
import { wallClock, writeWorkbookFile } from '../src/local/xlsx-write.js';
import { xlsxSource } from '../src/local/xlsx.js';

const line = (what: string, value: string, goal: string): string => `${what.padEnd(62)} ${value.padStart(12)}   (goal ${goal})`;

async function deepWorkbook(cell: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'dagsorden-bench-deep-')), 'deep.xlsx');
  const time = (hhmm: string) => wallClock('1899-12-30', hhmm);
  await writeWorkbookFile(path, {
    tabs: {
      Møder: [{ 'Møde-id': 'CF-2022-03-24', Forum: 'Chefforum', Dato: wallClock('2022-03-24'), Start: time('09:00'), Slut: time('12:00'), Mødested: 'Mødelokale 1', Status: 'Dagsorden klar' }],
      Punkter: [{ 'Møde-id': 'CF-2022-03-24', Nr: 1, Titel: 'Dybt', 'Sagsnr.': '00.01.00-A21-2-21', Sagsfremstilling: cell }],
      Medlemmer: [{ Navn: 'Anne Jensen', 'E-mail': 'anne.jensen@example.org' }],
      Indstillinger: [{ Nøgle: 'Afsender', Værdi: 'Sekretariatet <chefforum@example.org>' }],
    },
  });
  return path;
}

export async function benchValidateDeep(): Promise<string[]> {
  const out: string[] = [];
  for (const [what, cell] of [
    ['validate of a cell nested 10,000 deep (> quotes)', '> '.repeat(10_000) + 'x'],
    ['validate of a cell nested 10,000 deep (- lists)', '- '.repeat(10_000) + 'x'],
  ] as const) {
    const path = await deepWorkbook(cell);
    const t0 = performance.now();
    const { problems } = await readAndValidate(xlsxSource(path));
    const ms = performance.now() - t0;
    const at = problems.map((p) => problemLocation(p)).join(', ') || 'NO PROBLEM REPORTED';
    out.push(line(`${what}: problem at ${at}`, `${ms.toFixed(1)} ms`, '≤ 1000 ms'));
  }
  return out;
}
