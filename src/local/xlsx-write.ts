// Writes a workbook laid out by sheets-schema/ to a local .xlsx: used to build the bundled example,
// the test workbooks and the benchmark's generated year.

import ExcelJS from 'exceljs';
import { TABS, type ColumnSpec, type TabSpec } from '../../sheets-schema/schema.js';

/** A cell as a writer gives it: text (written as typed), a number, a boolean, or a wall-clock date-time. */
export type WritableCell = string | number | boolean | Date | null | undefined | { formula: string; result?: unknown } | { error: string };

/** Rows keyed by header text; columns not in the schema are written after the schema's own. */
export type TabRows = readonly Readonly<Record<string, WritableCell>>[];

export interface WorkbookContent {
  /** Tab name → rows. A tab left out is not created. */
  readonly tabs: Readonly<Record<string, TabRows>>;
  /** Override a tab's header row (to test misspelt or reordered headers). */
  readonly headers?: Readonly<Record<string, readonly string[]>>;
  /** Cell ranges to merge per tab, e.g. `D2:D3` (to test what a merge does to the values). */
  readonly merges?: Readonly<Record<string, readonly string[]>>;
}

/** Wall-clock date-time as the UTC-based Date exceljs expects. */
export function wallClock(isoDate: string, time = '00:00'): Date {
  return new Date(`${isoDate}T${time}:00Z`);
}

const FORMATS: Partial<Record<ColumnSpec['kind'], string>> = { date: 'dd-mm-yyyy', time: 'hh:mm', datetime: 'dd-mm-yyyy hh:mm' };

function excelValue(c: WritableCell): ExcelJS.CellValue {
  if (c === undefined || c === null) return null;
  if (typeof c === 'object' && 'error' in c) return { error: c.error } as ExcelJS.CellErrorValue;
  if (typeof c === 'object' && 'formula' in c) return { formula: c.formula, result: c.result } as ExcelJS.CellFormulaValue;
  return c as ExcelJS.CellValue;
}

export function buildWorkbook(content: WorkbookContent): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  const specs = new Map<string, TabSpec>(TABS.map((t) => [t.name, t]));
  for (const [name, rows] of Object.entries(content.tabs)) {
    const spec = specs.get(name);
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    const headers = [...(content.headers?.[name] ?? spec?.columns.map((c) => c.header) ?? [])];
    for (const r of rows) for (const k of Object.keys(r)) if (!headers.includes(k) && !content.headers?.[name]) headers.push(k);
    ws.addRow(headers).font = { bold: true };
    for (const r of rows) ws.addRow(headers.map((h) => excelValue(r[h])));
    for (const range of content.merges?.[name] ?? []) ws.mergeCells(range);
    headers.forEach((h, i) => {
      const col = spec?.columns.find((c) => c.header === h);
      const fmt = col && FORMATS[col.kind];
      const column = ws.getColumn(i + 1);
      if (fmt) column.numFmt = fmt;
      column.width = col?.kind === 'richtext' ? 60 : Math.max(10, h.length + 2);
      if (col?.kind === 'richtext' || col?.kind === 'recommendation' || col?.kind === 'attachments') column.alignment = { wrapText: true, vertical: 'top' };
    });
  }
  return wb;
}

export async function writeWorkbookFile(path: string, content: WorkbookContent): Promise<void> {
  await buildWorkbook(content).xlsx.writeFile(path);
}
