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
export function similar(wanted: string, found: string): boolean {
  const a = fold(wanted);
  const b = fold(found);
  if (!a || !b) return false;
  return a === b || editDistance(a, b) <= Math.max(1, Math.floor(a.length / 6));
}

/** One name holds the other, folded: "Lukket punkt" holds "Lukket". */
function contains(found: string, wanted: string): boolean {
  const a = fold(found);
  const b = fold(wanted);
  return a !== '' && b !== '' && (a.includes(b) || b.includes(a));
}

export function suggestTab(wanted: string, existing: readonly string[]): string | undefined {
  return existing.find((name) => similar(wanted, name));
}

export interface HeaderProblem {
  readonly cell: string;
  readonly message: string;
  /** A column that decides who sees what is missing or misnamed: nothing may be published or sent. */
  readonly holdsBackAll: boolean;
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
        problems.push({ cell: `${columnLetter(again)}1`, message: `Kolonnen "${col.header}" står to gange i fanen ${tab.name} (${columnLetter(at)}1 og ${columnLetter(again)}1). Slet eller omdøb den ene.`, holdsBackAll: col.confidentiality === true });
        // NOTE: two Lukket columns may disagree; which one counts cannot be told.
        if (col.confidentiality) usable = false;
      }
    }
  }
  // NOTE: the first free cell of the header row, where a missing column can be added.
  let free = headers.length;
  while (free > 0 && headers[free - 1] === '') free--;
  for (const col of tab.columns) {
    if (columns.has(col.key)) continue;
    const guard = col.confidentiality === true;
    // A confidentiality column is looked for more widely ("Lukket punkt" for Lukket), so a renamed
    // one is named as renamed rather than silently ignored.
    const near = headers.findIndex((h, i) => h !== '' && !claimed.has(i) && (similar(col.header, h) || (guard && contains(h, col.header))));
    const why = guard ? ` Kolonnen afgør, hvem der må se eller modtage hvad, så intet udgives eller sendes, før den er rettet.` : '';
    if (near >= 0) {
      claimed.add(near);
      problems.push({ cell: `${columnLetter(near)}1`, message: `Overskriften "${headers[near]}" skal hedde "${col.header}". Ret overskriften, så kolonnen kan læses.${why}`, holdsBackAll: guard });
      if (col.required || guard) usable = false;
    } else if (guard) {
      problems.push({ cell: `${columnLetter(free)}1`, message: `Kolonnen "${col.header}" mangler i fanen ${tab.name}.${why} Tilføj overskriften "${col.header}" i første række, fx i ${columnLetter(free)}1.`, holdsBackAll: true });
      free++;
      usable = false;
    } else if (col.required) {
      problems.push({ cell: '', message: `Kolonnen "${col.header}" mangler i fanen ${tab.name}. Tilføj den med overskriften "${col.header}" i første række.`, holdsBackAll: false });
      usable = false;
    }
  }
  return { columns, problems, usable };
}
