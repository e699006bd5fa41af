// The stand-in's in-memory spreadsheets: typed cell values (numbers for dates, as Sheets stores them),
// notes, formats, data validations, protected ranges and frozen rows, plus the value rendering and
// input parsing rules of the Sheets API.

import { columnLetters, quoteSheet, type GridRange } from './a1.js';
import { ApiError } from './http.js';

/** What a cell holds: text, a number (dates and times are day serials), a boolean, or a formula error. */
export type CellValue = string | number | boolean | { readonly error: string };

export interface NumberFormat {
  readonly type: 'TEXT' | 'NUMBER' | 'PERCENT' | 'CURRENCY' | 'DATE' | 'TIME' | 'DATE_TIME' | 'SCIENTIFIC';
  readonly pattern?: string;
}

export interface SheetCell {
  /** The effective value (a formula's result). */
  value?: CellValue;
  /** `=...` when the cell holds a formula. */
  formula?: string;
  note?: string;
  /** userEnteredFormat: `{ numberFormat, textFormat: { bold, link }, wrapStrategy, ... }`. */
  format?: Record<string, unknown>;
  dataValidation?: DataValidationRule;
  textFormatRuns?: { startIndex?: number; format?: Record<string, unknown> }[];
  /**
   * Smart chips in the cell's text (CellData.chipRuns), the runs that carry a chip only: each stands
   * on one "@" placeholder of `value` (a run of length 1). Reads list every run, plain ones with an
   * empty chip, as Sheets does.
   */
  chipRuns?: ChipRun[];
}

/** A smart chip at one "@" of the cell's text: a link to a Google resource (a Drive file) or a person. */
export interface ChipRun {
  readonly startIndex?: number;
  readonly chip: { readonly richLinkProperties?: { readonly uri: string; readonly mimeType?: string }; readonly personProperties?: { readonly email: string; readonly displayFormat?: string } };
}

/**
 * The runs a read gives for a cell's chips: every run, plain ones with an empty chip (Sheets:
 * "When reading, all chipped and non-chipped runs are included. Non-chipped runs will have an empty
 * Chip."). A zero start index is left out, as Sheets' JSON leaves out default values.
 */
export function readChipRuns(text: string, runs: readonly ChipRun[]): Record<string, unknown>[] {
  const chips = [...runs].sort((a, b) => (a.startIndex ?? 0) - (b.startIndex ?? 0));
  const out: Record<string, unknown>[] = [];
  const at = (i: number, chip: ChipRun['chip']) => out.push({ ...(i ? { startIndex: i } : {}), chip: structuredClone(chip) });
  let pos = 0;
  for (const run of chips) {
    const start = run.startIndex ?? 0;
    if (start > pos) at(pos, {});
    at(start, run.chip);
    pos = start + 1;
  }
  if (pos < text.length) at(pos, {});
  return out;
}

/** Puts chips into a cell whose text has an "@" at each run's start (Sheets refuses anything else). */
export function setChipRuns(cell: SheetCell, runs: readonly ChipRun[]): void {
  const text = typeof cell.value === 'string' ? cell.value : '';
  for (const r of runs) {
    if (text[r.startIndex ?? 0] !== '@') throw new ApiError(400, `Invalid chip run at index ${r.startIndex ?? 0}: the cell's text must hold an "@" placeholder for each chip.`);
    if (r.chip.richLinkProperties && !/^https:\/\/(drive|docs)\.google\.com\//.test(r.chip.richLinkProperties.uri)) throw new ApiError(400, 'Invalid chip run: only Drive file links can be written as rich link chips.');
  }
  if (runs.length) cell.chipRuns = runs.map((r) => structuredClone(r));
  else delete cell.chipRuns;
}

export interface DataValidationRule {
  readonly condition: { readonly type: string; readonly values?: readonly { userEnteredValue?: string }[] };
  readonly strict?: boolean;
  readonly showCustomUi?: boolean;
  readonly inputMessage?: string;
}

export interface ApiGridRange {
  readonly sheetId?: number;
  readonly startRowIndex?: number;
  readonly endRowIndex?: number;
  readonly startColumnIndex?: number;
  readonly endColumnIndex?: number;
}

export interface ProtectedRange {
  readonly protectedRangeId: number;
  readonly range: ApiGridRange;
  readonly description?: string;
  readonly warningOnly?: boolean;
  readonly requestingUserCanEdit: boolean;
  readonly editors?: unknown;
}

export interface SheetProperties {
  sheetId: number;
  title: string;
  index: number;
  sheetType: 'GRID';
  gridProperties: { rowCount: number; columnCount: number; frozenRowCount?: number; frozenColumnCount?: number };
  hidden?: boolean;
  tabColor?: unknown;
  tabColorStyle?: unknown;
}

export interface SheetData {
  properties: SheetProperties;
  /** rows[r][c]; sparse. */
  rows: (SheetCell | undefined)[][];
  protectedRanges: ProtectedRange[];
  /** Merged ranges (`Sheet.merges`: zero-based, end-exclusive GridRanges with the sheet's id). */
  merges: Required<ApiGridRange>[];
  /** Column index → pixel width, when set. */
  columnWidths: Map<number, number>;
}

export interface Spreadsheet {
  readonly spreadsheetId: string;
  properties: { title: string; locale: string; timeZone: string; autoRecalc: string; [k: string]: unknown };
  sheets: SheetData[];
  /** What the calling account may do: `none` answers 403 to everything, `view` to writes. */
  access: 'edit' | 'view' | 'none';
  nextSheetId: number;
  nextProtectedRangeId: number;
  /** Developer metadata on rows (the only location the stand-in implements). */
  developerMetadata: RowMetadata[];
}

/**
 * Developer metadata on rows: as Google documents it, it stays with its rows as rows are inserted or
 * deleted around them, and is deleted with them.
 */
export interface RowMetadata {
  metadataId: number;
  metadataKey: string;
  metadataValue?: string;
  visibility: 'DOCUMENT' | 'PROJECT';
  sheetId: number;
  startIndex: number;
  endIndex: number;
}

/** A row range [a, b) after rows [at, at + count) were inserted. */
function shiftedByInsert(a: number, b: number, at: number, count: number): [number, number] {
  return [a >= at ? a + count : a, b > at ? b + count : b];
}

/** A row range [a, b) after rows [s, e) were deleted; empty when it lay wholly inside them. */
function shiftedByDelete(a: number, b: number, s: number, e: number): [number, number] {
  const map = (x: number) => (x <= s ? x : x >= e ? x - (e - s) : s);
  return [map(a), map(b)];
}

function moveRowRanges(ss: Spreadsheet, sheet: SheetData, shift: (a: number, b: number) => [number, number]): void {
  const id = sheet.properties.sheetId;
  const rowsOf = (r: ApiGridRange): ApiGridRange => {
    if (r.startRowIndex === undefined && r.endRowIndex === undefined) return r;
    const [a, b] = shift(r.startRowIndex ?? 0, r.endRowIndex ?? sheet.properties.gridProperties.rowCount);
    return { ...r, ...(r.startRowIndex !== undefined ? { startRowIndex: a } : {}), ...(r.endRowIndex !== undefined ? { endRowIndex: b } : {}) };
  };
  sheet.merges = sheet.merges.map((m) => rowsOf(m) as Required<ApiGridRange>).filter((m) => m.endRowIndex > m.startRowIndex);
  sheet.protectedRanges = sheet.protectedRanges.map((p) => ({ ...p, range: rowsOf(p.range) }));
  ss.developerMetadata = ss.developerMetadata
    .map((m) => {
      if (m.sheetId !== id) return m;
      const [a, b] = shift(m.startIndex, m.endIndex);
      return { ...m, startIndex: a, endIndex: b };
    })
    .filter((m) => m.endIndex > m.startIndex);
}

/** InsertDimensionRequest on rows: empty rows before `at`; what lies below moves down with its metadata. */
export function insertRows(ss: Spreadsheet, sheet: SheetData, at: number, count: number): void {
  const g = sheet.properties.gridProperties;
  if (at < 0 || at > g.rowCount || count <= 0) throw new ApiError(400, `Invalid InsertDimensionRequest: the range [${at}, ${at + count}) is outside the sheet (${g.rowCount} rows)`);
  if (at < sheet.rows.length) sheet.rows.splice(at, 0, ...Array.from({ length: count }, () => []));
  g.rowCount += count;
  moveRowRanges(ss, sheet, (a, b) => shiftedByInsert(a, b, at, count));
}

/** DeleteDimensionRequest on rows: rows [start, end) go, with their metadata; what lies below moves up. */
export function deleteRows(ss: Spreadsheet, sheet: SheetData, start: number, end: number): void {
  const g = sheet.properties.gridProperties;
  if (start < 0 || end > g.rowCount || end <= start) throw new ApiError(400, `Invalid DeleteDimensionRequest: the range [${start}, ${end}) is outside the sheet (${g.rowCount} rows)`);
  if (end - start >= g.rowCount) throw new ApiError(400, "Invalid requests[0].deleteDimension: You can't delete all the rows on the sheet.");
  sheet.rows.splice(start, end - start);
  g.rowCount -= end - start;
  moveRowRanges(ss, sheet, (a, b) => shiftedByDelete(a, b, start, end));
}

export interface SheetsState {
  readonly spreadsheets: Map<string, Spreadsheet>;
  counter: number;
}

export function newSheetsState(): SheetsState {
  return { spreadsheets: new Map(), counter: 0 };
}

export const DEFAULT_ROWS = 1000;
export const DEFAULT_COLUMNS = 26;

export function newSheet(ss: Spreadsheet, props: Partial<SheetProperties> & { gridProperties?: Partial<SheetProperties['gridProperties']> }): SheetData {
  const sheetId = props.sheetId ?? (ss.sheets.length === 0 ? 0 : ss.nextSheetId++);
  if (ss.sheets.some((s) => s.properties.sheetId === sheetId)) throw new ApiError(400, `Invalid requests[0].addSheet: Sheet with id ${sheetId} already exists.`);
  const title = props.title ?? `Sheet${ss.sheets.length + 1}`;
  if (ss.sheets.some((s) => s.properties.title.toLowerCase() === title.toLowerCase()))
    throw new ApiError(400, `Invalid requests[0].addSheet: A sheet with the name "${title}" already exists. Please enter another name.`);
  const g: Partial<SheetProperties['gridProperties']> = props.gridProperties ?? {};
  const sheet: SheetData = {
    properties: {
      sheetId,
      title,
      index: props.index ?? ss.sheets.length,
      sheetType: 'GRID',
      gridProperties: {
        rowCount: g.rowCount ?? DEFAULT_ROWS,
        columnCount: g.columnCount ?? DEFAULT_COLUMNS,
        ...(g.frozenRowCount ? { frozenRowCount: g.frozenRowCount } : {}),
        ...(g.frozenColumnCount ? { frozenColumnCount: g.frozenColumnCount } : {}),
      },
      ...(props.hidden ? { hidden: true } : {}),
    },
    rows: [],
    protectedRanges: [],
    merges: [],
    columnWidths: new Map(),
  };
  const at = Math.min(sheet.properties.index, ss.sheets.length);
  ss.sheets.splice(at, 0, sheet);
  ss.sheets.forEach((s, i) => (s.properties.index = i));
  if (sheetId >= ss.nextSheetId) ss.nextSheetId = sheetId + 1;
  return sheet;
}

export function newSpreadsheet(state: SheetsState, id?: string, title = 'Untitled spreadsheet'): Spreadsheet {
  state.counter += 1;
  const spreadsheetId = id ?? `1StandIn${String(state.counter).padStart(4, '0')}${'x'.repeat(31)}`;
  const ss: Spreadsheet = {
    spreadsheetId,
    properties: { title, locale: 'en_US', timeZone: 'Etc/GMT', autoRecalc: 'ON_CHANGE' },
    sheets: [],
    access: 'edit',
    nextSheetId: 1_000_000_001,
    nextProtectedRangeId: 1_500_000_001,
    developerMetadata: [],
  };
  state.spreadsheets.set(spreadsheetId, ss);
  return ss;
}

export function spreadsheetUrl(id: string): string {
  return `https://docs.google.com/spreadsheets/d/${id}/edit`;
}

export function cellAt(sheet: SheetData, r: number, c: number): SheetCell | undefined {
  return sheet.rows[r]?.[c];
}

export function ensureCell(sheet: SheetData, r: number, c: number): SheetCell {
  const row = (sheet.rows[r] ??= []);
  return (row[c] ??= {});
}

export function isEmptyCell(cell: SheetCell | undefined): boolean {
  return !cell || (cell.value === undefined && cell.formula === undefined);
}

/** Whether anything at all is set (value, note, format, validation): what grid data lists. */
export function hasContent(cell: SheetCell | undefined): boolean {
  return !!cell && (cell.value !== undefined || cell.formula !== undefined || cell.note !== undefined || cell.format !== undefined || cell.dataValidation !== undefined || cell.textFormatRuns !== undefined || cell.chipRuns !== undefined);
}

/** A request's grid range resolved against a sheet: bounded, zero-based, end-exclusive. */
export function bounded(sheet: SheetData, r: GridRange): Required<GridRange> {
  const g = sheet.properties.gridProperties;
  return {
    startRow: r.startRow ?? 0,
    endRow: r.endRow ?? g.rowCount,
    startCol: r.startCol ?? 0,
    endCol: r.endCol ?? g.columnCount,
  };
}

export function checkInGrid(sheet: SheetData, r: Required<GridRange>, label: string): void {
  const g = sheet.properties.gridProperties;
  if (r.endRow > g.rowCount || r.endCol > g.columnCount || r.startRow >= g.rowCount || r.startCol >= g.columnCount) {
    throw new ApiError(400, `Range (${label}) exceeds grid limits. Max rows: ${g.rowCount}, max columns: ${g.columnCount}`);
  }
}

export function a1Label(sheet: SheetData, r: Required<GridRange>): string {
  const a = `${columnLetters(r.startCol)}${r.startRow + 1}`;
  const b = `${columnLetters(r.endCol - 1)}${r.endRow}`;
  return `${quoteSheet(sheet.properties.title)}!${a === b ? a : `${a}:${b}`}`;
}

export function fromApiRange(ss: Spreadsheet, r: ApiGridRange, where: string): { sheet: SheetData; range: GridRange } {
  const sheet = ss.sheets.find((s) => s.properties.sheetId === (r.sheetId ?? 0));
  if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${r.sheetId ?? 0}`);
  return { sheet, range: { startRow: r.startRowIndex, endRow: r.endRowIndex, startCol: r.startColumnIndex, endCol: r.endColumnIndex } };
}

// ---- values: rendering ----------------------------------------------------------------------

const ERROR_TYPES: Record<string, string> = {
  '#REF!': 'REF',
  '#N/A': 'N_A',
  '#ERROR!': 'ERROR',
  '#VALUE!': 'VALUE',
  '#DIV/0!': 'DIVIDE_BY_ZERO',
  '#NAME?': 'NAME',
  '#NUM!': 'NUM',
  '#NULL!': 'NULL_VALUE',
};

/** CellData.effectiveValue / userEnteredValue as the API writes them. */
export function extendedValue(v: CellValue): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return { errorValue: { type: ERROR_TYPES[v.error] ?? 'ERROR', message: `Error ${v.error}` } };
}

function dateKind(cell: SheetCell | undefined): NumberFormat['type'] | undefined {
  const nf = cell?.format?.numberFormat as NumberFormat | undefined;
  return nf && (nf.type === 'DATE' || nf.type === 'TIME' || nf.type === 'DATE_TIME') ? nf.type : undefined;
}

const DEFAULT_PATTERNS: Record<string, string> = { DATE: 'yyyy-mm-dd', TIME: 'hh:mm:ss', DATE_TIME: 'yyyy-mm-dd hh:mm:ss' };

/** Formats a day serial with a Sheets date pattern (`dd-mm-yyyy hh:mm`): enough for the patterns the project uses. */
export function formatSerial(serial: number, pattern: string): string {
  const ms = Math.round((serial - 25569) * 86_400_000);
  const d = new Date(ms);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const hasHours = /h/i.test(pattern);
  // `mm` after `hh` (or before `ss`) is minutes, otherwise months.
  return pattern.replace(/yyyy|yy|dd|d|hh|h|mm|m|ss/gi, (tok, offset: number, whole: string) => {
    const lower = tok.toLowerCase();
    if (lower === 'yyyy') return String(d.getUTCFullYear());
    if (lower === 'yy') return p2(d.getUTCFullYear() % 100);
    if (lower === 'dd') return p2(d.getUTCDate());
    if (lower === 'd') return String(d.getUTCDate());
    if (lower === 'hh') return p2(d.getUTCHours());
    if (lower === 'h') return String(d.getUTCHours());
    if (lower === 'ss') return p2(d.getUTCSeconds());
    const before = whole.slice(0, offset).toLowerCase();
    const minutes = hasHours && (/h[^dmy]*$/.test(before) || /^[^dmy]*s/.test(whole.slice(offset + tok.length).toLowerCase()));
    if (minutes) return lower === 'mm' ? p2(d.getUTCMinutes()) : String(d.getUTCMinutes());
    return lower === 'mm' ? p2(d.getUTCMonth() + 1) : String(d.getUTCMonth() + 1);
  });
}

function formatted(cell: SheetCell | undefined, locale: string): string {
  const v = cell?.value;
  if (v === undefined) return '';
  if (typeof v === 'object') return v.error;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return v;
  const kind = dateKind(cell);
  if (kind) {
    const nf = cell!.format!.numberFormat as NumberFormat;
    return formatSerial(v, nf.pattern ?? DEFAULT_PATTERNS[kind]!);
  }
  const s = String(v);
  return locale.startsWith('da') || locale.startsWith('de') ? s.replace('.', ',') : s;
}

export type ValueRenderOption = 'FORMATTED_VALUE' | 'UNFORMATTED_VALUE' | 'FORMULA';
export type DateTimeRenderOption = 'SERIAL_NUMBER' | 'FORMATTED_STRING';

/** One cell as `values:batchGet` returns it. */
export function renderCell(cell: SheetCell | undefined, vro: ValueRenderOption, dtro: DateTimeRenderOption, locale: string): string | number | boolean {
  if (vro === 'FORMULA' && cell?.formula !== undefined) return cell.formula;
  if (vro === 'FORMATTED_VALUE') return formatted(cell, locale);
  const v = cell?.value;
  if (v === undefined) return '';
  if (typeof v === 'object') return v.error;
  if (typeof v === 'number' && dtro === 'FORMATTED_STRING' && dateKind(cell)) return formatted(cell, locale);
  return v;
}

// ---- values: input ---------------------------------------------------------------------------

function serialOf(y: number, m: number, d: number, hh = 0, mm = 0, ss = 0): number | undefined {
  const ms = Date.UTC(y, m - 1, d, hh, mm, ss);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d || hh > 23 || mm > 59 || ss > 59) return undefined;
  return ms / 86_400_000 + 25569;
}

/** Evaluates the few formulas the stand-in understands (HYPERLINK, literals); others stay without a value. */
function evaluate(formula: string): CellValue | undefined {
  const body = formula.slice(1).trim();
  const link = /^HYPERLINK\(\s*"((?:[^"]|"")*)"\s*[,;]\s*"((?:[^"]|"")*)"\s*\)$/i.exec(body);
  if (link) return link[2]!.replace(/""/g, '"');
  const bare = /^HYPERLINK\(\s*"((?:[^"]|"")*)"\s*\)$/i.exec(body);
  if (bare) return bare[1]!.replace(/""/g, '"');
  if (/^"((?:[^"]|"")*)"$/.test(body)) return body.slice(1, -1).replace(/""/g, '"');
  if (/^-?\d+(\.\d+)?$/.test(body)) return Number(body);
  return undefined;
}

export interface ParsedInput {
  readonly value?: CellValue;
  readonly formula?: string;
  /** A number format Sheets applies on its own (typing a date makes a date cell). */
  readonly autoFormat?: NumberFormat;
}

/**
 * A value as `USER_ENTERED` interprets it: `'x` is text, `=...` a formula, numbers, TRUE/FALSE,
 * dates (`2022-03-24`, and `24-03-2022` / `24.03.2022` in a Danish sheet), times (`09:00`).
 */
export function parseUserEntered(input: string | number | boolean, locale: string): ParsedInput {
  if (typeof input !== 'string') return { value: input };
  if (input.startsWith("'")) return { value: input.slice(1) };
  if (input.startsWith('=') && input.length > 1) return { formula: input, value: evaluate(input) };
  const s = input.trim();
  if (s === '') return {};
  if (/^(true|false)$/i.test(s)) return { value: s.toLowerCase() === 'true' };
  const danish = locale.startsWith('da');
  const num = danish ? /^-?\d+(,\d+)?$/ : /^-?\d+(\.\d+)?$/;
  if (num.test(s)) return { value: Number(danish ? s.replace(',', '.') : s) };
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(s);
  if (m) {
    const v = serialOf(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
    if (v !== undefined) return { value: v, autoFormat: m[4] ? { type: 'DATE_TIME', pattern: 'yyyy-mm-dd hh:mm:ss' } : { type: 'DATE', pattern: 'yyyy-mm-dd' } };
  }
  m = /^(\d{1,2})[-./](\d{1,2})[-./](\d{4})(?: (\d{1,2})[:.](\d{2}))?$/.exec(s);
  if (m) {
    // NOTE: day first in a Danish sheet, month first in en_US, as Sheets does.
    const [a, b] = [+m[1]!, +m[2]!];
    const v = danish ? serialOf(+m[3]!, b, a, +(m[4] ?? 0), +(m[5] ?? 0)) : serialOf(+m[3]!, a, b, +(m[4] ?? 0), +(m[5] ?? 0));
    if (v !== undefined) return { value: v, autoFormat: m[4] ? { type: 'DATE_TIME', pattern: 'dd-mm-yyyy hh:mm' } : { type: 'DATE', pattern: 'dd-mm-yyyy' } };
  }
  m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(s);
  if (m && +m[1]! < 24 && +m[2]! < 60) return { value: (+m[1]! * 3600 + +m[2]! * 60 + +(m[3] ?? 0)) / 86400, autoFormat: { type: 'TIME', pattern: 'hh:mm' } };
  return { value: input };
}

export type InputOption = 'RAW' | 'USER_ENTERED';

/**
 * Writes one value from a `values` array. `null` leaves the cell alone, `""` clears it; with RAW a
 * string is stored verbatim, so `=1+1` stays text.
 */
export function writeValue(sheet: SheetData, r: number, c: number, input: unknown, option: InputOption, locale: string): boolean {
  if (input === null || input === undefined) return false;
  if (typeof input !== 'string' && typeof input !== 'number' && typeof input !== 'boolean') {
    throw new ApiError(400, `Invalid values[${r}][${c}]: ${JSON.stringify(input)}`);
  }
  const cell = ensureCell(sheet, r, c);
  delete cell.formula;
  delete cell.textFormatRuns;
  delete cell.chipRuns;
  if (input === '') {
    delete cell.value;
    return true;
  }
  if (option === 'RAW') {
    cell.value = input;
    return true;
  }
  const parsed = parseUserEntered(input, locale);
  if (parsed.value === undefined) delete cell.value;
  else cell.value = parsed.value;
  if (parsed.formula) cell.formula = parsed.formula;
  if (parsed.autoFormat) {
    const nf = cell.format?.numberFormat as NumberFormat | undefined;
    if (!nf || (nf.type !== 'DATE' && nf.type !== 'TIME' && nf.type !== 'DATE_TIME')) cell.format = { ...cell.format, numberFormat: parsed.autoFormat };
  }
  return true;
}

/** The rectangle of rendered values the API returns: trailing empty rows and cells left out. */
export function readValues(sheet: SheetData, r: Required<GridRange>, vro: ValueRenderOption, dtro: DateTimeRenderOption, locale: string): (string | number | boolean)[][] {
  const out: (string | number | boolean)[][] = [];
  for (let row = r.startRow; row < r.endRow && row < sheet.rows.length; row++) {
    const cells: (string | number | boolean)[] = [];
    let last = -1;
    for (let col = r.startCol; col < r.endCol; col++) {
      const cell = cellAt(sheet, row, col);
      const v = isEmptyCell(cell) ? '' : renderCell(cell, vro, dtro, locale);
      cells.push(v);
      if (v !== '') last = cells.length - 1;
    }
    out.push(cells.slice(0, last + 1));
  }
  while (out.length && out[out.length - 1]!.length === 0) out.pop();
  return out;
}
