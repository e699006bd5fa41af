// Reads a local .xlsx workbook (the embedded default) into the raw grid shape with exceljs.

import { access } from 'node:fs/promises';
import ExcelJS from 'exceljs';
import { UserError } from '../errors.js';
import { formulaWithoutValue, mergedCell, serialFromUtcDate, type RawGrid, type RawValue, type RawWorkbook, type WorkbookSource } from '../workbook/raw.js';

/** Turns whatever exceljs holds in a cell into the plain raw value the Sheets API would give. */
function plainValue(v: ExcelJS.CellValue): RawValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  // NOTE: exceljs turns date cells into JS Dates whose UTC fields are the wall-clock time.
  if (v instanceof Date) return serialFromUtcDate(v);
  if (typeof v === 'object') {
    if ('error' in v) return { error: String(v.error) };
    if ('richText' in v) return v.richText.map((r) => r.text).join('') || null;
    if ('formula' in v || 'sharedFormula' in v) {
      const result = (v as ExcelJS.CellFormulaValue).result;
      // NOTE: a file written by a program that does not calculate stores no result; reading it as
      // empty would make a `Lukket` formula mean "open".
      if (result === undefined || result === null) return formulaWithoutValue();
      return plainValue(result as ExcelJS.CellValue);
    }
    if ('hyperlink' in v) return plainValue((v as ExcelJS.CellHyperlinkValue).text as ExcelJS.CellValue);
    if ('text' in v) return String((v as { text: unknown }).text);
  }
  return String(v);
}

function gridFromWorksheet(ws: ExcelJS.Worksheet): RawGrid {
  const rows: RawValue[][] = [];
  ws.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values: RawValue[] = [];
    row.eachCell({ includeEmpty: true }, (cell, colNumber) => {
      // NOTE: only the top-left cell of a merge carries the value; the others are marked, not read
      // as empty, so validation can tell the secretary (a merged Lukket must not read as open).
      const merged = cell.isMerged && cell.master.address !== cell.address;
      values[colNumber - 1] = merged ? mergedCell(cell.master.address) : plainValue(cell.value);
    });
    rows[rowNumber - 1] = Array.from(values, (x) => x ?? null);
  });
  return { tab: ws.name, rows: Array.from(rows, (r) => r ?? []) };
}

export async function readXlsxFile(path: string): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  // NOTE: exceljs reports a missing file without an error code, so look first.
  if (!(await access(path).then(() => true, () => false))) {
    throw new UserError('config', `Regnearket ${path} findes ikke. Angiv en eksisterende .xlsx-fil med --workbook.`);
  }
  try {
    await wb.xlsx.readFile(path);
  } catch (e) {
    throw new UserError('config', `Regnearket ${path} kunne ikke læses som .xlsx (${(e as Error).message}). Gem filen som Excel-projektmappe (.xlsx) og prøv igen.`);
  }
  return wb;
}

export function xlsxSource(path: string): WorkbookSource {
  return {
    description: path,
    kind: 'xlsx',
    async readWorkbook(tabs: readonly string[]): Promise<RawWorkbook> {
      const wb = await readXlsxFile(path);
      const grids = new Map<string, RawGrid>();
      for (const name of tabs) {
        const ws = wb.getWorksheet(name);
        if (ws) grids.set(name, gridFromWorksheet(ws));
      }
      return { grids, tabNames: wb.worksheets.map((w) => w.name) };
    },
  };
}
