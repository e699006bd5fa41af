// A1 notation for the stand-in: parses `'Møder'!A2:C`, `Punkter!F14`, `Sheet`, `A:C` into zero-based,
// end-exclusive grid ranges the way the Sheets API resolves them.

import { columnLetter } from '../../sheets-schema/schema.js';

export interface GridRange {
  /** Zero-based, end-exclusive; undefined means unbounded on that side. */
  readonly startRow?: number;
  readonly endRow?: number;
  readonly startCol?: number;
  readonly endCol?: number;
}

export interface ParsedA1 {
  /** Undefined when the range named no sheet (then the first sheet is meant). */
  readonly sheet?: string;
  readonly range: GridRange;
}

export function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** Zero-based column index → `A`, `B`, … `AA`: the project's own, as the schema declares it. */
export const columnLetters = columnLetter;

interface Corner {
  readonly col?: number;
  readonly row?: number;
}

function parseCorner(s: string): Corner | undefined {
  const m = /^\$?([A-Za-z]{0,3})\$?(\d*)$/.exec(s);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  return {
    col: m[1] ? columnIndex(m[1]) : undefined,
    row: m[2] ? Number(m[2]) - 1 : undefined,
  };
}

/** The cell part alone (`A2:C`, `F14`, `1:3`, `A:A`); undefined when it is not A1 notation. */
export function parseCells(s: string): GridRange | undefined {
  const [a, b, extra] = s.split(':');
  if (a === undefined || extra !== undefined) return undefined;
  const first = parseCorner(a);
  if (!first) return undefined;
  if (b === undefined) {
    // A single cell, a whole column (`A`) or a whole row (`3`).
    return {
      startRow: first.row,
      endRow: first.row === undefined ? undefined : first.row + 1,
      startCol: first.col,
      endCol: first.col === undefined ? undefined : first.col + 1,
    };
  }
  const second = parseCorner(b);
  if (!second) return undefined;
  // `A2:C` keeps the rows open below; `A:C` and `1:3` are whole columns / rows.
  const startRow = first.row ?? (second.row === undefined ? undefined : 0);
  const startCol = first.col ?? (second.col === undefined ? undefined : 0);
  return {
    startRow,
    endRow: second.row === undefined ? undefined : second.row + 1,
    startCol,
    endCol: second.col === undefined ? undefined : second.col + 1,
  };
}

/**
 * Splits `'It''s'!A1:B2` into sheet and cells. Returns the sheet part verbatim when there is no
 * `!` (the caller decides whether it is a sheet name or a range on the first sheet).
 */
export function splitA1(range: string): { sheet?: string; cells?: string } | undefined {
  const s = range.trim();
  if (s.startsWith("'")) {
    let i = 1;
    let name = '';
    while (i < s.length) {
      const ch = s[i]!;
      if (ch === "'") {
        if (s[i + 1] === "'") {
          name += "'";
          i += 2;
          continue;
        }
        break;
      }
      name += ch;
      i++;
    }
    if (i >= s.length) return undefined;
    const rest = s.slice(i + 1);
    if (rest === '') return { sheet: name };
    if (!rest.startsWith('!')) return undefined;
    return { sheet: name, cells: rest.slice(1) };
  }
  const bang = s.lastIndexOf('!');
  if (bang < 0) return { cells: s };
  return { sheet: s.slice(0, bang), cells: s.slice(bang + 1) };
}

/** `Møder` or `'Sheet 1'`: quoted the way the API quotes names in the ranges it returns. */
export function quoteSheet(title: string): string {
  return /^[\p{L}_][\p{L}\p{N}_]*$/u.test(title) ? title : `'${title.replace(/'/g, "''")}'`;
}

export function formatRange(title: string, r: Required<GridRange>): string {
  const a = `${columnLetters(r.startCol)}${r.startRow + 1}`;
  const b = `${columnLetters(r.endCol - 1)}${r.endRow}`;
  return `${quoteSheet(title)}!${a === b ? a : `${a}:${b}`}`;
}
