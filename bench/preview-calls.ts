// The Google calls a preview costs, counted by the local stand-in: the first run sets Kladder up; one
// item changing in a meeting that is previewed costs its editions' updates in place plus the run's one
// read and one write; a change inside a closed item touches only the members' edition.

import { ITEMS_TAB, columnLetter } from '../sheets-schema/schema.js';
import { findSoffice } from '../src/documents/pdf.js';
import { BUNDLED_WORKBOOK } from '../src/package-paths.js';
import { cellOf, loadXlsx, sheetOf, startStandin, valuesOf, type Standin } from '../test/standin/index.js';
import { counted as countedRun, short } from './google-calls.js';

const SHEET = 'bench-preview-0001';

const counted = (standin: Standin, now: string, soffice: string) => countedRun(standin, SHEET, now, soffice);

function editItem(standin: Standin, meetingId: string, nr: number, column: string, edit: (v: string) => string): void {
  const punkter = sheetOf(standin, SHEET, ITEMS_TAB.name);
  const values = valuesOf(punkter);
  const header = values[0]!.map(String);
  const row = values.findIndex((r) => r[header.indexOf('Møde-id')] === meetingId && r[header.indexOf('Nr')] === nr);
  const cell = cellOf(punkter, `${columnLetter(header.indexOf(column))}${row + 1}`)!;
  cell.value = edit(String(cell.value ?? ''));
}

export async function benchPreviewCalls(): Promise<string[]> {
  // With LibreOffice each preview edition is a .docx and a PDF, as in production.
  const soffice = findSoffice(process.env) ?? '/ingen/libreoffice';
  const formats = soffice.startsWith('/ingen') ? '.docx' : '.docx + .pdf';
  const standin = await startStandin();
  try {
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
    const lines: string[] = [];
    const first = await counted(standin, '2022-03-18T12:00', soffice);
    lines.push(`first run (example as of 18 March 2022, Kladder set up, previews of 9 November, ${formats}): ${first.total} calls (${short(first.byRoute)})`);
    const noop = await counted(standin, '2022-03-18T12:05', soffice);
    lines.push(`no-op run with previews up to date (goal 1): ${noop.total} call (${short(noop.byRoute)})`);
    editItem(standin, 'CF-2022-11-09', 2, 'Sagsfremstilling', (v) => `${v}\n\nTilføjet af sekretariatet.`);
    const changed = await counted(standin, '2022-03-18T12:10', soffice);
    lines.push(`one open item changed in a previewed meeting (2 editions × ${formats}, in place, no e-mail): ${changed.total} calls (${short(changed.byRoute)})`);
    return lines;
  } finally {
    await standin.close();
  }
}
