// Builds examples/chefforum.xlsx from the reviewable YAML in examples/chefforum/, so a change to the
// example shows in a diff. Run by `npm run build`; the .xlsx itself is not committed.

import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ITEMS_TAB, MEETINGS_TAB, MEMBERS_TAB, SETTINGS_TAB, type ColumnSpec } from '../sheets-schema/schema.js';
import { parseDate, parseDateTime, parseTime } from '../src/validate/values.js';
import { wallClock, writeWorkbookFile, type WritableCell } from '../src/local/xlsx-write.js';

type Row = Record<string, WritableCell>;

/** The example's folder in the source tree, also when run from dist/. */
export function exampleSourceDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  return here.includes(`${'dist'}`) ? join(here, '..', '..', 'examples', 'chefforum') : join(here, 'chefforum');
}

/** Typed text becomes the cell a secretary's spreadsheet would hold: real date and time cells. */
function typedCell(kind: string, value: unknown): WritableCell {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string') return value as WritableCell;
  const r = kind === 'date' ? parseDate(value) : kind === 'time' ? parseTime(value) : kind === 'datetime' ? parseDateTime(value) : null;
  if (!r) return value;
  if (!r.ok) throw new Error(`Eksemplet har en ugyldig værdi "${value}": ${r.message}`);
  const s = r.value as string;
  return kind === 'time' ? wallClock('1899-12-30', s) : s.includes('T') ? wallClock(s.slice(0, 10), s.slice(11)) : wallClock(s);
}

function typedRow(columns: readonly ColumnSpec[], row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [header, value] of Object.entries(row)) {
    const col = columns.find((c) => c.header === header);
    if (!col) throw new Error(`Ukendt kolonne "${header}" i eksemplet.`);
    out[header] = typedCell(col.kind, value);
  }
  return out;
}

export async function buildExample(outFile: string, sourceDir = exampleSourceDir()): Promise<void> {
  const meetings: Row[] = [];
  const items: Row[] = [];
  const files = (await readdir(sourceDir)).filter((f) => /^[A-Z].*\.yaml$/.test(f)).sort();
  for (const f of files) {
    const doc = parse(await readFile(join(sourceDir, f), 'utf8')) as { møde: Record<string, unknown>; punkter: Record<string, unknown>[] };
    meetings.push(typedRow(MEETINGS_TAB.columns, doc.møde));
    for (const p of doc.punkter) items.push(typedRow(ITEMS_TAB.columns, { 'Møde-id': doc.møde['Møde-id'], ...p }));
  }
  const members = (parse(await readFile(join(sourceDir, 'medlemmer.yaml'), 'utf8')) as Record<string, unknown>[]).map((r) => typedRow(MEMBERS_TAB.columns, r));
  const settings = (parse(await readFile(join(sourceDir, 'indstillinger.yaml'), 'utf8')) as Record<string, unknown>[]).map((r) => typedRow(SETTINGS_TAB.columns, r));
  await writeWorkbookFile(outFile, {
    tabs: { [MEETINGS_TAB.name]: meetings, [ITEMS_TAB.name]: items, [MEMBERS_TAB.name]: members, [SETTINGS_TAB.name]: settings },
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(exampleSourceDir(), '..', 'chefforum.xlsx');
  await buildExample(out);
  console.log(`Skrev ${out}`);
}
