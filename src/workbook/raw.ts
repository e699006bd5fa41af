// The raw shape every workbook source produces: a grid of plain values per tab, addressed like a
// spreadsheet. It mirrors what the Sheets API returns with UNFORMATTED_VALUE + SERIAL_NUMBER, so an
// .xlsx and a Google Sheet of the same content validate identically.

/**
 * A cell whose value cannot be known for certain: a formula that failed (`#REF!`), or, with
 * `unreadable` set, a cell inside a merged range that is not its top-left cell, or a formula the
 * file stores without a computed value. Readers mark these rather than reading them as empty,
 * because an empty `Lukket` means open: validation must see the difference.
 */
export interface CellError {
  /** The error as the spreadsheet shows it; for an unreadable cell, a short tag of the reason. */
  readonly error: string;
  readonly unreadable?: { readonly kind: 'merged'; readonly master: string } | { readonly kind: 'formula' };
}

/** A cell covered by the merged range whose top-left cell is `master` (e.g. `G3`). */
export function mergedCell(master: string): CellError {
  return { error: '#MERGED', unreadable: { kind: 'merged', master } };
}

/** A formula stored without its computed value (a file written by a program that does not calculate). */
export function formulaWithoutValue(): CellError {
  return { error: '#NOVALUE', unreadable: { kind: 'formula' } };
}

/**
 * One cell. Dates and times are serial numbers (days since 1899-12-30, wall-clock time), as the
 * Sheets API gives them; merged cells other than the top-left one are marked with `mergedCell`.
 */
export type RawValue = string | number | boolean | CellError | null;

export interface RawGrid {
  readonly tab: string;
  /** rows[0] is spreadsheet row 1 (the header). Rows may be ragged; missing cells are empty. */
  readonly rows: readonly (readonly RawValue[])[];
}

/** What a Google Sheet read learned besides the values: the write-back uses it so it needs no extra call. */
export interface SheetReadInfo {
  readonly spreadsheetId: string;
  /** Tab → its grid size (rows × columns) as reported by the read. */
  readonly gridSize: ReadonlyMap<string, { readonly rows: number; readonly columns: number }>;
  /** Tab → sheetId (gid) of every tab; known only after the fallback read, which lists them all. */
  readonly sheetIds?: ReadonlyMap<string, number>;
  /** Tab → sheetId of the tabs the read returned (all of them, or the ones it asked for). */
  readonly readIds?: ReadonlyMap<string, number>;
  /** Google calls the read made. */
  readonly calls: number;
}

export interface RawWorkbook {
  /** The tabs that were asked for and exist, by name. */
  readonly grids: ReadonlyMap<string, RawGrid>;
  /** Every tab name in the workbook, to suggest the right one for a missing tab. */
  readonly tabNames: readonly string[];
  /** Present when the workbook was read from a Google Sheet: what that read learned. */
  readonly sheet?: SheetReadInfo;
}

/** Anything the workbook can be read from. Both readers return the same raw shape. */
export interface WorkbookSource {
  /** Human-readable description for messages, e.g. the file name or spreadsheet id. */
  readonly description: string;
  /** Which family of adapters goes with it: local files, or Google Drive and the Sheet itself. */
  readonly kind?: 'xlsx' | 'google';
  readWorkbook(tabs: readonly string[]): Promise<RawWorkbook>;
}

export const FORMULA_ERRORS = ['#REF!', '#N/A', '#ERROR!', '#VALUE!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!'] as const;

export function isCellError(v: RawValue): v is CellError {
  return typeof v === 'object' && v !== null && 'error' in v;
}

/** Serial day number for a wall-clock date-time given as a UTC-based Date (as exceljs returns them). */
export function serialFromUtcDate(d: Date): number {
  return d.getTime() / 86_400_000 + 25_569;
}
