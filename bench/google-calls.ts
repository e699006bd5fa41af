// Google calls per scenario, counted by the local stand-in: a no-op run, publishing one meeting, one
// meeting's agenda changed, and a whole year's catch-up.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPublish } from '../src/commands/publish.js';
import { BUNDLED_WORKBOOK } from '../src/package-paths.js';
import { ITEMS_TAB } from '../sheets-schema/schema.js';
import { cellOf, loadXlsx, sheetOf, startStandin, valuesOf, type Standin } from '../test/standin/index.js';
import { writeYearWorkbook } from './year.js';

/** One `publish --sheet` run against the stand-in, and the Google calls it made, by route. */
export async function counted(standin: Standin, sheet: string, now: string, soffice = '/ingen/libreoffice'): Promise<{ total: number; byRoute: Record<string, number> }> {
  const before = standin.calls.byRoute();
  const total0 = standin.calls.count();
  const env = { ...process.env, DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'bench', DAGSORDEN_MAIL: 'gmail', DAGSORDEN_SOFFICE: soffice };
  await runPublish({ sheet, now, out: join(tmpdir(), 'dagsorden-bench-unused') }, { out: () => {}, err: () => {}, env, isTTY: false });
  const byRoute: Record<string, number> = {};
  for (const [route, n] of Object.entries(standin.calls.byRoute())) if (n > (before[route] ?? 0)) byRoute[route] = n - (before[route] ?? 0);
  return { total: standin.calls.count() - total0, byRoute };
}

export const short = (r: Record<string, number>): string =>
  Object.entries(r)
    .map(([k, n]) => `${k.replace(/^(sheets\.spreadsheets|drive|gmail\.users)\./, '')} ${n}`)
    .join(', ');

export async function benchGoogleCalls(): Promise<string[]> {
  const standin = await startStandin();
  try {
    const lines: string[] = [];
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id: 'bench-example-0001' });
    // The example as of 18 March 2022: the 24 March agenda (9 recipients) and the 2021 minutes are due.
    const first = await counted(standin, 'bench-example-0001', '2022-03-18T12:00');
    lines.push(`first run on the example: 3 documents × 2 editions (.docx), 18 e-mails: ${first.total} calls (${short(first.byRoute)})`);
    const noop = await counted(standin, 'bench-example-0001', '2022-03-18T12:05');
    lines.push(`no-op run (goal 1): ${noop.total} call (${short(noop.byRoute)})`);
    // One meeting's agenda changes: a new version of its 2 files goes to its 9 recipients.
    const punkter = sheetOf(standin, 'bench-example-0001', ITEMS_TAB.name);
    const values = valuesOf(punkter);
    const header = values[0]!.map(String);
    const row = values.findIndex((r) => r[header.indexOf('Møde-id')] === 'CF-2022-03-24' && r[header.indexOf('Nr')] === 8);
    const cell = cellOf(punkter, `${String.fromCharCode(65 + header.indexOf('Sagsfremstilling'))}${row + 1}`)!;
    cell.value = `${String(cell.value)}\n\nTilføjet.`;
    const changed = await counted(standin, 'bench-example-0001', '2022-03-19T09:00');
    lines.push(`publishing one meeting's new version: 2 files, 9 recipients (goal 1 read + 2 uploads + 1 write-back + 9 sends = 13): ${changed.total} calls (${short(changed.byRoute)})`);

    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-bench-'));
    const year = join(dir, 'year.xlsx');
    await writeYearWorkbook(year);
    await loadXlsx(standin, year, { id: 'bench-year-00001' });
    const catchUp = await counted(standin, 'bench-year-00001', '2026-12-31T12:00');
    lines.push(`a year's catch-up (25 meetings, 50 documents × 2 editions, 12 members): ${catchUp.total} calls (${short(catchUp.byRoute)})`);
    const after = await counted(standin, 'bench-year-00001', '2026-12-31T12:05');
    lines.push(`the run after the catch-up: ${after.total} call`);
    return lines;
  } finally {
    await standin.close();
  }
}
