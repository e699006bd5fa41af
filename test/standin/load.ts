// Puts content into a stand-in spreadsheet: from an .xlsx file (so a test compares the Sheet with the
// .xlsx of the same content) or from a raw grid; and reads a sheet's cells back for assertions.

import ExcelJS from 'exceljs';
import { columnIndex } from './a1.js';
import type { Standin } from './server.js';
import { ensureCell, newSheet, newSpreadsheet, type CellValue, type NumberFormat, type SheetCell, type SheetData, type Spreadsheet } from './sheets-model.js';

/** A cell for `loadGrid`: a plain value, or one with a number format / formula / note. */
export type GridInput = CellValue | null | undefined | { value?: CellValue; formula?: string; numberFormat?: NumberFormat; note?: string };

export interface LoadOptions {
  /** The spreadsheet id to use (default: generated). */
  readonly id?: string;
  readonly title?: string;
  readonly locale?: string;
  readonly timeZone?: string;
}

function serialOfUtcDate(d: Date): number {
  return d.getTime() / 86_400_000 + 25_569;
}

function numberFormatOf(numFmt: string | undefined): NumberFormat | undefined {
  if (!numFmt) return undefined;
  const f = numFmt.toLowerCase();
  const hasDate = /[dy]/.test(f);
  const hasTime = /h/.test(f);
  if (hasDate && hasTime) return { type: 'DATE_TIME', pattern: numFmt };
  if (hasDate) return { type: 'DATE', pattern: numFmt };
  if (hasTime) return { type: 'TIME', pattern: numFmt };
  return undefined;
}

function put(sheet: SheetData, r: number, c: number, input: GridInput): void {
  if (input === null || input === undefined) return;
  const cell = ensureCell(sheet, r, c);
  if (typeof input === 'object' && !('error' in input)) {
    if (input.value !== undefined) cell.value = input.value;
    if (input.formula !== undefined) cell.formula = input.formula;
    if (input.numberFormat) cell.format = { ...cell.format, numberFormat: input.numberFormat };
    if (input.note) cell.note = input.note;
    return;
  }
  cell.value = input;
}

function addTab(ss: Spreadsheet, title: string, rows: number, cols: number, frozen?: number): SheetData {
  return newSheet(ss, { title, gridProperties: { rowCount: Math.max(1000, rows + 10), columnCount: Math.max(26, cols), ...(frozen ? { frozenRowCount: frozen } : {}) } });
}

/** Loads tabs of raw rows (row 0 = header) into a new stand-in spreadsheet. */
export function loadGrid(standin: Standin, tabs: Readonly<Record<string, readonly (readonly GridInput[])[]>>, opts: LoadOptions = {}): Spreadsheet {
  const ss = newSpreadsheet(standin.state.sheets, opts.id, opts.title ?? 'Test');
  ss.properties.locale = opts.locale ?? 'da_DK';
  ss.properties.timeZone = opts.timeZone ?? 'Europe/Copenhagen';
  addTabs(ss, tabs);
  return ss;
}

/** Adds tabs of raw rows to an existing stand-in spreadsheet. */
export function addTabs(ss: Spreadsheet, tabs: Readonly<Record<string, readonly (readonly GridInput[])[]>>): void {
  for (const [title, rows] of Object.entries(tabs)) {
    const sheet = addTab(ss, title, rows.length, Math.max(0, ...rows.map((r) => r.length)), 1);
    rows.forEach((row, r) => row.forEach((v, c) => put(sheet, r, c, v)));
  }
}

/** Turns what exceljs holds in a cell into a stand-in cell, the way Sheets would import it. */
function cellFromExcel(cell: ExcelJS.Cell): GridInput {
  const v = cell.value;
  const nf = numberFormatOf(cell.numFmt);
  if (v === null || v === undefined || v === '') return null;
  if (v instanceof Date) return { value: serialOfUtcDate(v), numberFormat: nf ?? { type: 'DATE', pattern: 'dd-mm-yyyy' } };
  if (typeof v === 'number') return nf ? { value: v, numberFormat: nf } : v;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('error' in v) return { error: String(v.error) };
    if ('richText' in v) return v.richText.map((r) => r.text).join('') || null;
    if ('formula' in v || 'sharedFormula' in v) {
      const f = v as ExcelJS.CellFormulaValue;
      const result = f.result as unknown;
      let value: CellValue | undefined;
      if (result instanceof Date) value = serialOfUtcDate(result);
      else if (result && typeof result === 'object' && 'error' in result) value = { error: String((result as { error: unknown }).error) };
      else if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean') value = result;
      return { value, formula: `=${f.formula ?? ''}`, numberFormat: nf };
    }
    if ('hyperlink' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('text' in v) return String((v as { text: unknown }).text);
  }
  return String(v);
}

/** Loads every worksheet of an .xlsx file into a new stand-in spreadsheet (values, date formats, formulas, frozen rows). */
export async function loadXlsx(standin: Standin, path: string, opts: LoadOptions = {}): Promise<Spreadsheet> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return loadWorkbook(standin, wb, opts);
}

export function loadWorkbook(standin: Standin, wb: ExcelJS.Workbook, opts: LoadOptions = {}): Spreadsheet {
  const ss = newSpreadsheet(standin.state.sheets, opts.id, opts.title ?? 'Test');
  ss.properties.locale = opts.locale ?? 'da_DK';
  ss.properties.timeZone = opts.timeZone ?? 'Europe/Copenhagen';
  for (const ws of wb.worksheets) {
    const frozen = ws.views?.find((v) => v.state === 'frozen') as { ySplit?: number } | undefined;
    const sheet = addTab(ss, ws.name, ws.rowCount, ws.columnCount, frozen?.ySplit);
    ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      row.eachCell({ includeEmpty: false }, (cell, colNumber) => {
        if (cell.isMerged && cell.master.address !== cell.address) return;
        put(sheet, rowNumber - 1, colNumber - 1, cellFromExcel(cell));
      });
    });
  }
  return ss;
}

// ---- reading back ------------------------------------------------------------------------------

export function spreadsheetOf(standin: Standin, id: string): Spreadsheet {
  const ss = standin.state.sheets.spreadsheets.get(id);
  if (!ss) throw new Error(`stand-in: no spreadsheet ${id}`);
  return ss;
}

export function sheetOf(standin: Standin, id: string, title: string): SheetData {
  const sheet = spreadsheetOf(standin, id).sheets.find((s) => s.properties.title === title);
  if (!sheet) throw new Error(`stand-in: no tab ${title} in ${id}`);
  return sheet;
}

/** `F14` → the cell (or undefined). */
export function cellOf(sheet: SheetData, a1: string): SheetCell | undefined {
  const m = /^([A-Z]+)(\d+)$/.exec(a1);
  if (!m) throw new Error(`not a cell: ${a1}`);
  return sheet.rows[Number(m[2]) - 1]?.[columnIndex(m[1]!)];
}

/** Every cell's value (and formula) as a dense grid without trailing empties, for before/after comparisons. */
export function valuesOf(sheet: SheetData): (CellValue | null)[][] {
  const rows = Array.from(sheet.rows, (row) => {
    const values = Array.from(row ?? [], (c) => (c?.formula ? `${c.formula} → ${JSON.stringify(c.value ?? null)}` : (c?.value ?? null)));
    while (values.length && values[values.length - 1] === null) values.pop();
    return values;
  });
  while (rows.length && rows[rows.length - 1]!.length === 0) rows.pop();
  return rows;
}
