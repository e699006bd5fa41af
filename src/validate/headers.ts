// Finds each declared column by its header text and names a missing or misspelt one with a suggestion.

import { columnLetter, type TabSpec } from '../../sheets-schema/schema.js';
import { isCellError, type RawValue } from '../workbook/raw.js';

/** Schema key → zero-based column index. */
export type ColumnMap = ReadonlyMap<string, number>;

/** Lower case, no accents, no punctuation or spaces: "Sagsnr." and "sagsnr" compare equal. */
function fold(s: string): string {
  return s
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]/g, '');
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j]!;
      d[j] = Math.min(d[j]! + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length]!;
}

/** Close enough to be the same name mistyped. */
function similar(wanted: string, found: string): boolean {
  const a = fold(wanted);
  const b = fold(found);
  if (!a || !b) return false;
  return a === b || editDistance(a, b) <= Math.max(1, Math.floor(a.length / 6));
}

export function suggestTab(wanted: string, existing: readonly string[]): string | undefined {
  return existing.find((name) => similar(wanted, name));
}

export interface HeaderProblem {
  readonly cell: string;
  readonly message: string;
}

export interface LocatedColumns {
  readonly columns: ColumnMap;
  readonly problems: readonly HeaderProblem[];
  /** False when a required column is missing: the tab's rows cannot be read at all. */
  readonly usable: boolean;
}

export function locateColumns(tab: TabSpec, headerRow: readonly RawValue[]): LocatedColumns {
  const headers = headerRow.map((h) => (h === null || isCellError(h) ? '' : String(h).trim()));
  const columns = new Map<string, number>();
  const problems: HeaderProblem[] = [];
  const claimed = new Set<number>();
  let usable = true;
  for (const col of tab.columns) {
    const at = headers.findIndex((h) => h === col.header);
    if (at >= 0) {
      columns.set(col.key, at);
      claimed.add(at);
      const again = headers.indexOf(col.header, at + 1);
      if (again >= 0) {
        problems.push({ cell: `${columnLetter(again)}1`, message: `Kolonnen "${col.header}" står to gange i fanen ${tab.name} (${columnLetter(at)}1 og ${columnLetter(again)}1). Slet eller omdøb den ene.` });
      }
    }
  }
  for (const col of tab.columns) {
    if (columns.has(col.key)) continue;
    const near = headers.findIndex((h, i) => h !== '' && !claimed.has(i) && similar(col.header, h));
    if (near >= 0) {
      claimed.add(near);
      problems.push({ cell: `${columnLetter(near)}1`, message: `Overskriften "${headers[near]}" skal hedde "${col.header}". Ret overskriften, så kolonnen kan læses.` });
      if (col.required) usable = false;
    } else if (col.required) {
      problems.push({ cell: '', message: `Kolonnen "${col.header}" mangler i fanen ${tab.name}. Tilføj den med overskriften "${col.header}" i første række.` });
      usable = false;
    }
  }
  return { columns, problems, usable };
}
