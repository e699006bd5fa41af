// Small workbooks for tests: a valid baseline that each case changes in one place, read in memory
// (`rawTestWorkbook`) or written to a real .xlsx (`writeTestWorkbook`).

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RawWorkbook } from '../../src/workbook/raw.js';
import { wallClock, writeWorkbookFile, type WorkbookContent, type WritableCell } from '../../src/local/xlsx-write.js';
import { rawWorkbook } from './raw-workbook.js';

export type Row = Record<string, WritableCell>;

export interface TestWorkbook {
  meetings: Row[];
  items: Row[];
  members: Row[];
  settings: Row[];
  /** Tab name → header row, to test misspelt or duplicated headers. */
  headers?: Record<string, string[]>;
  merges?: Record<string, string[]>;
  /** Rename or drop tabs: old name → new name (null drops it). */
  tabNames?: Record<string, string | null>;
}

export const time = (hhmm: string): Date => wallClock('1899-12-30', hhmm);

export function baseline(): TestWorkbook {
  return {
    meetings: [
      { 'Møde-id': 'CF-2022-03-24', Forum: 'Chefforum', Dato: wallClock('2022-03-24'), Start: time('09:00'), Slut: time('12:00'), Mødested: 'Mødelokale 1', Status: 'Dagsorden klar' },
    ],
    items: [
      { 'Møde-id': 'CF-2022-03-24', Nr: 1, Titel: 'Godkendelse af dagsorden', Tidsrum: '9.00-9.20', 'Sagsnr.': '00.01.00-A21-2-21', Lukket: 'Nej', Indstiller: 'Kommunaldirektøren', Indstilling: '1. at dagsordenen godkendes.' },
      { 'Møde-id': 'CF-2022-03-24', Nr: 2, Titel: 'Budgetproces 2023', Tidsrum: '9.20-10.00', 'Sagsnr.': '00.30.00-P00-5-21', Lukket: 'Nej', Anledning: 'Chefforum drøfter budgetproces 2023.' },
    ],
    members: [
      { Navn: 'Anne Jensen', 'E-mail': 'anne.jensen@example.org', 'Ser lukkede punkter': 'Ja' },
      { Navn: 'Bo Ørsted', 'E-mail': 'bo.orsted@example.org', 'Ser lukkede punkter': 'Nej' },
    ],
    settings: [
      { Nøgle: 'Organisation', Værdi: 'Albertslund Kommune' },
      { Nøgle: 'Afsender', Værdi: 'Sekretariatet <chefforum@example.org>' },
    ],
  };
}

/** The tabs as the workbook holds them: renamed or dropped ones applied, with their own headers and merges. */
export function testWorkbookContent(wb: TestWorkbook): WorkbookContent {
  const tabs: Record<string, Row[]> = { Møder: wb.meetings, Punkter: wb.items, Medlemmer: wb.members, Indstillinger: wb.settings };
  const renamed: Record<string, Row[]> = {};
  const headers: Record<string, string[]> = {};
  for (const [name, rows] of Object.entries(tabs)) {
    const target = wb.tabNames && name in wb.tabNames ? wb.tabNames[name] : name;
    if (target === null || target === undefined) continue;
    renamed[target] = rows;
    if (wb.headers?.[name]) headers[target] = wb.headers[name]!;
  }
  return { tabs: renamed, headers, ...(wb.merges ? { merges: wb.merges } : {}) };
}

/** The raw workbook the .xlsx reader would return for this workbook, without a file in between. */
export function rawTestWorkbook(wb: TestWorkbook): RawWorkbook {
  return rawWorkbook(testWorkbookContent(wb));
}

export async function writeTestWorkbook(wb: TestWorkbook, dir?: string): Promise<string> {
  const folder = dir ?? (await mkdtemp(join(tmpdir(), 'dagsorden-test-')));
  const path = join(folder, 'test.xlsx');
  await writeWorkbookFile(path, testWorkbookContent(wb));
  return path;
}
