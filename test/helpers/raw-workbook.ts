// A workbook's content as the raw grid the readers return, without a file in between: for the
// generated suites, which read thousands of workbooks, and the table of bad input. It follows what the
// .xlsx reader makes of the same content (a handful of cases per suite still go through a real .xlsx
// to keep the two honest; the one known difference: XML reads a CR LF in a cell as LF).

import { parseA1, TABS } from '../../sheets-schema/schema.js';
import { formulaWithoutValue, mergedCell, serialFromUtcDate, type RawGrid, type RawValue, type RawWorkbook } from '../../src/workbook/raw.js';
import type { WorkbookContent, WritableCell } from '../../src/local/xlsx-write.js';

function rawValue(c: WritableCell): RawValue {
  if (c === undefined || c === null || c === '') return null;
  if (c instanceof Date) return serialFromUtcDate(c);
  if (typeof c === 'object' && 'error' in c) return { error: c.error };
  if (typeof c === 'object' && 'formula' in c) return c.result === undefined || c.result === null ? formulaWithoutValue() : rawValue(c.result as WritableCell);
  return c;
}

export function rawWorkbook(content: WorkbookContent): RawWorkbook {
  const grids = new Map<string, RawGrid>();
  for (const [name, rows] of Object.entries(content.tabs)) {
    const spec = TABS.find((t) => t.name === name);
    const headers = [...(content.headers?.[name] ?? spec?.columns.map((c) => c.header) ?? [])];
    for (const r of rows) for (const k of Object.keys(r)) if (!headers.includes(k) && !content.headers?.[name]) headers.push(k);
    const grid: RawValue[][] = [headers, ...rows.map((r) => headers.map((h) => rawValue(r[h])))];
    for (const range of content.merges?.[name] ?? []) {
      const [from, to] = range.split(':').map((c) => parseA1(c)!) as [{ row: number; col: number }, { row: number; col: number }];
      for (let r = from.row; r <= to.row; r++) for (let c = from.col; c <= to.col; c++) if (r !== from.row || c !== from.col) grid[r]![c] = mergedCell(range.split(':')[0]!);
    }
    grids.set(name, { tab: name, rows: grid });
  }
  return { grids, tabNames: Object.keys(content.tabs) };
}
