// A workbook's content as the raw grid the readers return, without a file in between: for the
// generated suites, which read thousands of workbooks. It follows what the .xlsx reader makes of the
// same content (a handful of cases per suite still go through a real .xlsx to keep the two honest).

import { TABS } from '../../sheets-schema/schema.js';
import { formulaWithoutValue, mergedCell, serialFromUtcDate, type RawGrid, type RawValue, type RawWorkbook } from '../../src/workbook/raw.js';
import type { WorkbookContent, WritableCell } from '../../src/workbook/xlsx-write.js';

function rawValue(c: WritableCell): RawValue {
  if (c === undefined || c === null || c === '') return null;
  if (c instanceof Date) return serialFromUtcDate(c);
  if (typeof c === 'object' && 'error' in c) return { error: c.error };
  if (typeof c === 'object' && 'formula' in c) return c.result === undefined || c.result === null ? formulaWithoutValue() : rawValue(c.result as WritableCell);
  return c;
}

const column = (letters: string): number => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) - 1;

export function rawWorkbook(content: WorkbookContent): RawWorkbook {
  const grids = new Map<string, RawGrid>();
  for (const [name, rows] of Object.entries(content.tabs)) {
    const spec = TABS.find((t) => t.name === name);
    const headers = [...(content.headers?.[name] ?? spec?.columns.map((c) => c.header) ?? [])];
    for (const r of rows) for (const k of Object.keys(r)) if (!headers.includes(k) && !content.headers?.[name]) headers.push(k);
    const grid: RawValue[][] = [headers, ...rows.map((r) => headers.map((h) => rawValue(r[h])))];
    for (const range of content.merges?.[name] ?? []) {
      const m = /^([A-Z]+)(\d+):([A-Z]+)(\d+)$/.exec(range)!;
      const [c0, r0, c1, r1] = [column(m[1]!), Number(m[2]) - 1, column(m[3]!), Number(m[4]) - 1];
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) if (r !== r0 || c !== c0) grid[r]![c] = mergedCell(`${m[1]}${m[2]}`);
    }
    grids.set(name, { tab: name, rows: grid });
  }
  return { grids, tabNames: Object.keys(content.tabs) };
}
