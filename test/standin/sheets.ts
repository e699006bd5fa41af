// Sheets v4 for the stand-in: spreadsheets.create/get/batchUpdate and values.get/batchGet/update/
// batchUpdate/append/batchClear, with the documented request and response shapes and errors.

import { formatRange, parseCells, splitA1, type GridRange } from './a1.js';
import { ApiError, applyFields, json, parseJsonBody, type StandinRequest } from './http.js';
import type { RouteMatch } from './routes.js';
import {
  a1Label,
  bounded,
  cellAt,
  checkInGrid,
  ensureCell,
  extendedValue,
  fromApiRange,
  hasContent,
  newSheet,
  newSpreadsheet,
  readChipRuns,
  readValues,
  setChipRuns,
  spreadsheetUrl,
  writeValue,
  parseUserEntered,
  type ApiGridRange,
  type CellValue,
  type ChipRun,
  type DataValidationRule,
  type DateTimeRenderOption,
  type InputOption,
  type SheetCell,
  type SheetData,
  type SheetsState,
  type Spreadsheet,
  type ValueRenderOption,
  isEmptyCell,
  insertRows,
  deleteRows,
  type RowMetadata,
} from './sheets-model.js';

export { newSheetsState, type SheetsState } from './sheets-model.js';

interface Resolved {
  readonly sheet: SheetData;
  readonly range: Required<GridRange>;
  readonly label: string;
}

/** Resolves an A1 range the way Sheets does; a missing sheet is `Unable to parse range`. */
export function resolveA1(ss: Spreadsheet, a1: string, forWrite = false): Resolved {
  const fail = () => new ApiError(400, `Unable to parse range: ${a1}`);
  const parts = splitA1(a1);
  if (!parts) throw fail();
  let sheet: SheetData | undefined;
  let cells: GridRange | undefined;
  if (parts.sheet !== undefined) {
    sheet = ss.sheets.find((s) => s.properties.title === parts.sheet) ?? ss.sheets.find((s) => s.properties.title.toLowerCase() === parts.sheet!.toLowerCase());
    if (!sheet) throw fail();
    cells = parts.cells === undefined ? {} : parseCells(parts.cells);
  } else {
    // A bare name is a sheet when one has that name, otherwise A1 cells on the first sheet.
    sheet = ss.sheets.find((s) => s.properties.title === parts.cells);
    if (sheet) cells = {};
    else {
      sheet = ss.sheets[0];
      cells = parseCells(parts.cells ?? '');
    }
  }
  if (!sheet || !cells) throw fail();
  const range = bounded(sheet, cells);
  const g = sheet.properties.gridProperties;
  if (forWrite || range.startRow >= g.rowCount || range.startCol >= g.columnCount) checkInGrid(sheet, range, a1Label(sheet, range));
  const clamped = { ...range, endRow: Math.min(range.endRow, g.rowCount), endCol: Math.min(range.endCol, g.columnCount) };
  return { sheet, range: clamped, label: formatRange(sheet.properties.title, clamped) };
}

function enumParam<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[], fallback: T, proto: string): T {
  const v = q.get(name);
  if (v === null) return fallback;
  if (!(allowed as readonly string[]).includes(v)) throw new ApiError(400, `Invalid value at '${name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase())}' (type.googleapis.com/google.apps.sheets.v4.${proto}), "${v}"`);
  return v as T;
}

const VROS = ['FORMATTED_VALUE', 'UNFORMATTED_VALUE', 'FORMULA'] as const;
const DTROS = ['SERIAL_NUMBER', 'FORMATTED_STRING'] as const;

function valueRange(ss: Spreadsheet, a1: string, q: URLSearchParams | Record<string, string | undefined>, major?: string) {
  const get = (k: string) => (q instanceof URLSearchParams ? q.get(k) : (q[k] ?? null));
  const params = new URLSearchParams();
  for (const k of ['valueRenderOption', 'dateTimeRenderOption']) if (get(k)) params.set(k, get(k)!);
  const vro = enumParam(params, 'valueRenderOption', VROS, 'FORMATTED_VALUE', 'ValueRenderOption') as ValueRenderOption;
  const dtro = enumParam(params, 'dateTimeRenderOption', DTROS, 'SERIAL_NUMBER', 'DateTimeRenderOption') as DateTimeRenderOption;
  const { sheet, range, label } = resolveA1(ss, a1);
  let values = readValues(sheet, range, vro, dtro, ss.properties.locale);
  const majorDimension = major === 'COLUMNS' ? 'COLUMNS' : 'ROWS';
  if (majorDimension === 'COLUMNS') values = transpose(values);
  return { range: label, majorDimension, ...(values.length ? { values } : {}) };
}

function transpose<T>(rows: T[][]): T[][] {
  const width = Math.max(0, ...rows.map((r) => r.length));
  const out: T[][] = [];
  for (let c = 0; c < width; c++) {
    const col: T[] = [];
    for (const r of rows) col.push(r[c] ?? ('' as T));
    while (col.length && col[col.length - 1] === '') col.pop();
    out.push(col);
  }
  return out;
}

function inputOption(v: unknown): InputOption {
  if (v === undefined || v === null || v === '') throw new ApiError(400, "'valueInputOption' is required but not specified");
  if (v !== 'RAW' && v !== 'USER_ENTERED') throw new ApiError(400, `Invalid value at 'value_input_option' (type.googleapis.com/google.apps.sheets.v4.ValueInputOption), "${String(v)}"`);
  return v;
}

/** Writes a ValueRange into the sheet; returns the UpdateValuesResponse. */
function writeRange(ss: Spreadsheet, a1: string, values: unknown, option: InputOption, major?: string, where = '') {
  if (!Array.isArray(values)) throw new ApiError(400, `Invalid ${where}values: must be a list of rows`);
  let rows = values as unknown[][];
  if (major === 'COLUMNS') rows = transpose(rows.map((r) => (Array.isArray(r) ? r : [])) as unknown[][]) as unknown[][];
  const parts = resolveA1(ss, a1);
  const { sheet, range } = parts;
  const height = rows.length;
  const width = Math.max(0, ...rows.map((r) => (Array.isArray(r) ? r.length : 0)));
  if (height > range.endRow - range.startRow) throw new ApiError(400, `Requested writing within range [${a1}], but tried writing to row [${range.startRow + height}]`);
  if (width > range.endCol - range.startCol) throw new ApiError(400, `Requested writing within range [${a1}], but tried writing to column [${range.startCol + width}]`);
  if (height && width) checkInGrid(sheet, { startRow: range.startRow, endRow: range.startRow + height, startCol: range.startCol, endCol: range.startCol + width }, a1Label(sheet, { startRow: range.startRow, endRow: range.startRow + height, startCol: range.startCol, endCol: range.startCol + width }));
  let cells = 0;
  rows.forEach((row, i) => {
    if (!Array.isArray(row)) throw new ApiError(400, `Invalid ${where}values[${i}]: must be a list`);
    row.forEach((v, j) => {
      if (writeValue(sheet, range.startRow + i, range.startCol + j, v, option, ss.properties.locale)) cells++;
    });
  });
  const written = { startRow: range.startRow, endRow: range.startRow + Math.max(height, 1), startCol: range.startCol, endCol: range.startCol + Math.max(width, 1) };
  return {
    spreadsheetId: ss.spreadsheetId,
    updatedRange: formatRange(sheet.properties.title, written),
    updatedRows: height,
    updatedColumns: width,
    updatedCells: cells,
    sheetTitle: sheet.properties.title,
  };
}

// ---- spreadsheets.batchUpdate ---------------------------------------------------------------

type Mask = Map<string, Mask | true>;

function maskOf(fields: string): Mask {
  const root: Mask = new Map();
  let i = 0;
  const parse = (into: Mask) => {
    while (i < fields.length && fields[i] !== ')') {
      let path = '';
      while (i < fields.length && !',()'.includes(fields[i]!)) path += fields[i++];
      path = path.trim();
      const keys = path.split('.').filter(Boolean);
      let node = into;
      keys.slice(0, -1).forEach((k) => {
        const child = node.get(k);
        if (child instanceof Map) node = child;
        else {
          const m: Mask = new Map();
          node.set(k, m);
          node = m;
        }
      });
      const last = keys[keys.length - 1];
      if (fields[i] === '(') {
        i++;
        const sub: Mask = new Map();
        parse(sub);
        i++;
        if (last) node.set(last, sub);
      } else if (last) node.set(last, true);
      if (fields[i] === ',') i++;
    }
  };
  parse(root);
  return root;
}

/** Copies the masked fields from `src` onto `dst` (absent in src → removed from dst), as FieldMasks do. */
function applyMask(dst: Record<string, unknown>, src: Record<string, unknown> | undefined, mask: Mask | true): void {
  if (mask === true) {
    for (const k of Object.keys(dst)) delete dst[k];
    Object.assign(dst, structuredClone(src ?? {}));
    return;
  }
  for (const [k, sub] of mask) {
    if (k === '*') {
      applyMask(dst, src, true);
      continue;
    }
    const v = src?.[k];
    if (sub === true || v === undefined || v === null || typeof v !== 'object' || Array.isArray(v)) {
      if (sub !== true && (v === undefined || v === null)) {
        const d = dst[k];
        if (d && typeof d === 'object' && !Array.isArray(d)) {
          applyMask(d as Record<string, unknown>, undefined, sub);
          if (Object.keys(d).length === 0) delete dst[k];
        }
        continue;
      }
      if (v === undefined) delete dst[k];
      else dst[k] = structuredClone(v);
      continue;
    }
    const child = (dst[k] && typeof dst[k] === 'object' ? dst[k] : {}) as Record<string, unknown>;
    applyMask(child, v as Record<string, unknown>, sub);
    if (Object.keys(child).length) dst[k] = child;
    else delete dst[k];
  }
}

interface ApiCellData {
  userEnteredValue?: { stringValue?: string; numberValue?: number; boolValue?: boolean; formulaValue?: string; errorValue?: { type: string } };
  userEnteredFormat?: Record<string, unknown>;
  note?: string;
  dataValidation?: DataValidationRule;
  textFormatRuns?: SheetCell['textFormatRuns'];
  chipRuns?: ChipRun[];
}

const ERROR_STRINGS: Record<string, string> = { REF: '#REF!', N_A: '#N/A', ERROR: '#ERROR!', VALUE: '#VALUE!', DIVIDE_BY_ZERO: '#DIV/0!', NAME: '#NAME?', NUM: '#NUM!', NULL_VALUE: '#NULL!' };

/** Applies one CellData to a cell under a field mask (updateCells / repeatCell). */
function applyCellData(cell: SheetCell, data: ApiCellData | undefined, mask: Mask, locale: string): void {
  const all = mask.has('*');
  const want = (k: string) => all || mask.has(k);
  if (want('userEnteredValue')) {
    const v = data?.userEnteredValue;
    delete cell.value;
    delete cell.formula;
    // Sheets: "Writing a new user_entered_value will erase previous runs."
    delete cell.chipRuns;
    if (v?.stringValue !== undefined) cell.value = v.stringValue;
    else if (v?.numberValue !== undefined) cell.value = v.numberValue;
    else if (v?.boolValue !== undefined) cell.value = v.boolValue;
    else if (v?.errorValue) cell.value = { error: ERROR_STRINGS[v.errorValue.type] ?? '#ERROR!' };
    else if (v?.formulaValue !== undefined) {
      const parsed = parseUserEntered(v.formulaValue, locale);
      cell.formula = v.formulaValue;
      if (parsed.value !== undefined) cell.value = parsed.value;
    }
  }
  if (want('userEnteredFormat')) {
    const sub = all ? true : mask.get('userEnteredFormat')!;
    const fmt = (cell.format ?? {}) as Record<string, unknown>;
    applyMask(fmt, data?.userEnteredFormat, sub);
    if (Object.keys(fmt).length) cell.format = fmt;
    else delete cell.format;
  }
  if (want('note')) {
    if (data?.note) cell.note = data.note;
    else delete cell.note;
  }
  if (want('dataValidation')) {
    if (data?.dataValidation) cell.dataValidation = structuredClone(data.dataValidation);
    else delete cell.dataValidation;
  }
  if (want('textFormatRuns')) {
    if (data?.textFormatRuns?.length) cell.textFormatRuns = structuredClone(data.textFormatRuns);
    else delete cell.textFormatRuns;
  }
  if (want('chipRuns')) setChipRuns(cell, (data?.chipRuns ?? []).filter((r) => r.chip && (r.chip.richLinkProperties || r.chip.personProperties)));
}

/** Clears values and formulas (not formats or notes) in an A1 range, as values.clear does; returns the range's label. */
function clearRange(ss: Parameters<typeof resolveA1>[0], a1: string): string {
  const { sheet, range, label } = resolveA1(ss, a1);
  forEachCell(sheet, range, (row, col) => {
    const cell = cellAt(sheet, row, col);
    if (cell) {
      delete cell.value;
      delete cell.formula;
    }
  });
  return label;
}

function forEachCell(sheet: SheetData, r: Required<GridRange>, f: (row: number, col: number) => void): void {
  for (let row = r.startRow; row < r.endRow; row++) for (let col = r.startCol; col < r.endCol; col++) f(row, col);
}

function validateRule(rule: DataValidationRule, where: string): void {
  const t = rule.condition?.type;
  const allowed = ['ONE_OF_LIST', 'ONE_OF_RANGE', 'BOOLEAN', 'DATE_IS_VALID', 'NUMBER_BETWEEN', 'NUMBER_GREATER', 'TEXT_IS_EMAIL', 'TEXT_IS_URL', 'CUSTOM_FORMULA', 'DATE_AFTER', 'DATE_BEFORE', 'NUMBER_GREATER_THAN_EQ', 'TEXT_CONTAINS', 'TEXT_EQ'];
  if (!t || !allowed.includes(t)) throw new ApiError(400, `Invalid ${where}: Invalid ConditionType: ${String(t)}`);
  if (t === 'ONE_OF_LIST' && !rule.condition.values?.length) throw new ApiError(400, `Invalid ${where}: ONE_OF_LIST condition must have at least one value`);
  if (t === 'BOOLEAN' && (rule.condition.values?.length ?? 0) > 2) throw new ApiError(400, `Invalid ${where}: BOOLEAN condition must have at most two values`);
}

type Request = Record<string, Record<string, unknown>>;

interface DataFilter {
  readonly developerMetadataLookup?: { metadataId?: number; metadataKey?: string; metadataValue?: string; locationType?: string; visibility?: string; metadataLocation?: unknown; locationMatchingStrategy?: string };
  readonly a1Range?: string;
  readonly gridRange?: ApiGridRange;
}

function metadataResource(m: RowMetadata): unknown {
  return {
    metadataId: m.metadataId,
    metadataKey: m.metadataKey,
    ...(m.metadataValue !== undefined ? { metadataValue: m.metadataValue } : {}),
    location: { locationType: 'ROW', dimensionRange: { sheetId: m.sheetId, dimension: 'ROWS', startIndex: m.startIndex, endIndex: m.endIndex } },
    visibility: m.visibility,
  };
}

/** The row metadata a DataFilter's developerMetadataLookup selects: every field given must match. */
function matchingMetadata(ss: Spreadsheet, filter: DataFilter | undefined, where: string): RowMetadata[] {
  const l = filter?.developerMetadataLookup;
  if (!l || filter.a1Range !== undefined || filter.gridRange !== undefined) throw new ApiError(400, `Invalid ${where}: the stand-in implements data filters by developerMetadataLookup only`);
  if (l.metadataLocation !== undefined || l.locationMatchingStrategy !== undefined) throw new ApiError(400, `Invalid ${where}: the stand-in does not implement metadataLocation lookups`);
  if (l.metadataId === undefined && l.metadataKey === undefined && l.metadataValue === undefined && l.locationType === undefined && l.visibility === undefined)
    throw new ApiError(400, `Invalid ${where}: the developerMetadataLookup selects nothing`);
  if (l.locationType !== undefined && l.locationType !== 'ROW') return [];
  return ss.developerMetadata.filter(
    (m) => (l.metadataId === undefined || m.metadataId === l.metadataId) && (l.metadataKey === undefined || m.metadataKey === l.metadataKey) && (l.metadataValue === undefined || m.metadataValue === l.metadataValue) && (l.visibility === undefined || m.visibility === l.visibility),
  );
}

/** The A1 range of the rows a metadata entry sits on, every column of the sheet. */
function metadataA1(ss: Spreadsheet, m: RowMetadata): string {
  const sheet = ss.sheets.find((x) => x.properties.sheetId === m.sheetId)!;
  return formatRange(sheet.properties.title, { startRow: m.startIndex, endRow: m.endIndex, startCol: 0, endCol: sheet.properties.gridProperties.columnCount });
}

function applyRequest(ss: Spreadsheet, req: Request, i: number): unknown {
  const kinds = Object.keys(req);
  if (kinds.length !== 1) throw new ApiError(400, `Invalid requests[${i}]: exactly one kind of request must be set`);
  const kind = kinds[0]!;
  const body = req[kind]!;
  const where = `requests[${i}].${kind}`;
  const locale = ss.properties.locale;
  switch (kind) {
    case 'addSheet': {
      const props = (body.properties ?? {}) as Parameters<typeof newSheet>[1];
      try {
        const sheet = newSheet(ss, props);
        return { addSheet: { properties: structuredClone(sheet.properties) } };
      } catch (e) {
        if (e instanceof ApiError) throw new ApiError(400, e.message.replace('requests[0]', `requests[${i}]`));
        throw e;
      }
    }
    case 'deleteSheet': {
      const at = ss.sheets.findIndex((s) => s.properties.sheetId === body.sheetId);
      if (at < 0) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(body.sheetId)}`);
      if (ss.sheets.length === 1) throw new ApiError(400, `Invalid ${where}: You can't remove all the sheets in a document.`);
      ss.sheets.splice(at, 1);
      ss.sheets.forEach((s, n) => (s.properties.index = n));
      return {};
    }
    case 'updateSheetProperties': {
      const props = body.properties as Record<string, unknown> & { sheetId?: number };
      const sheet = ss.sheets.find((s) => s.properties.sheetId === (props.sheetId ?? 0));
      if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(props.sheetId)}`);
      if (!body.fields) throw new ApiError(400, `Invalid ${where}: At least one field must be updated, but 'fields' is empty.`);
      const { sheetId: _id, ...rest } = props;
      const target = sheet.properties as unknown as Record<string, unknown>;
      const keep = sheet.properties.sheetId;
      applyMask(target, { ...rest, sheetId: keep } as Record<string, unknown>, maskOf(String(body.fields)));
      sheet.properties.sheetId = keep;
      sheet.properties.gridProperties ??= { rowCount: 1000, columnCount: 26 };
      return {};
    }
    case 'updateSpreadsheetProperties': {
      applyMask(ss.properties, body.properties as Record<string, unknown>, maskOf(String(body.fields ?? '')));
      return {};
    }
    case 'appendDimension': {
      const sheet = ss.sheets.find((s) => s.properties.sheetId === body.sheetId);
      if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(body.sheetId)}`);
      const length = Number(body.length);
      if (!(length > 0)) throw new ApiError(400, `Invalid ${where}: length must be > 0`);
      if (body.dimension === 'ROWS') sheet.properties.gridProperties.rowCount += length;
      else if (body.dimension === 'COLUMNS') sheet.properties.gridProperties.columnCount += length;
      else throw new ApiError(400, `Invalid ${where}: dimension must be ROWS or COLUMNS`);
      return {};
    }
    case 'appendCells': {
      // Appends the rows after the last row with data in the sheet, growing the grid as needed (AppendCellsRequest).
      if (!body.fields) throw new ApiError(400, `Invalid ${where}: 'fields' is required`);
      const sheet = ss.sheets.find((x) => x.properties.sheetId === body.sheetId);
      if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(body.sheetId)}`);
      const rows = (body.rows ?? []) as { values?: ApiCellData[] }[];
      const mask = maskOf(String(body.fields));
      let start = sheet.rows.length;
      while (start > 0 && (sheet.rows[start - 1] ?? []).every((c) => isEmptyCell(c))) start--;
      const g = sheet.properties.gridProperties;
      const width = Math.max(0, ...rows.map((x) => x.values?.length ?? 0));
      if (width > g.columnCount) throw new ApiError(400, `Invalid ${where}: the rows are wider than the sheet`);
      if (start + rows.length > g.rowCount) g.rowCount = start + rows.length;
      rows.forEach((row, i) => (row.values ?? []).forEach((data, col) => applyCellData(ensureCell(sheet, start + i, col), data ?? {}, mask, locale)));
      return {};
    }
    case 'updateDimensionProperties': {
      const range = body.range as { sheetId?: number; dimension?: string; startIndex?: number; endIndex?: number };
      const sheet = ss.sheets.find((s) => s.properties.sheetId === (range?.sheetId ?? 0));
      if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(range?.sheetId)}`);
      const px = (body.properties as { pixelSize?: number } | undefined)?.pixelSize;
      if (range.dimension === 'COLUMNS' && px !== undefined) for (let c = range.startIndex ?? 0; c < (range.endIndex ?? sheet.properties.gridProperties.columnCount); c++) sheet.columnWidths.set(c, px);
      return {};
    }
    case 'repeatCell': {
      if (!body.fields) throw new ApiError(400, `Invalid ${where}: 'fields' is required`);
      const { sheet, range } = fromApiRange(ss, body.range as ApiGridRange, where);
      const r = bounded(sheet, range);
      checkInGrid(sheet, r, a1Label(sheet, r));
      const mask = maskOf(String(body.fields));
      forEachCell(sheet, r, (row, col) => applyCellData(ensureCell(sheet, row, col), body.cell as ApiCellData, mask, locale));
      return {};
    }
    case 'updateCells': {
      if (!body.fields) throw new ApiError(400, `Invalid ${where}: 'fields' is required`);
      const rows = (body.rows ?? []) as { values?: ApiCellData[] }[];
      const mask = maskOf(String(body.fields));
      let sheet: SheetData;
      let r: Required<GridRange>;
      let clearRest = false;
      if (body.range) {
        const got = fromApiRange(ss, body.range as ApiGridRange, where);
        sheet = got.sheet;
        r = bounded(sheet, got.range);
        clearRest = true;
      } else if (body.start) {
        const start = body.start as { sheetId?: number; rowIndex?: number; columnIndex?: number };
        const got = fromApiRange(ss, { sheetId: start.sheetId }, where);
        sheet = got.sheet;
        const width = Math.max(1, ...rows.map((x) => x.values?.length ?? 0));
        r = { startRow: start.rowIndex ?? 0, endRow: (start.rowIndex ?? 0) + Math.max(rows.length, 1), startCol: start.columnIndex ?? 0, endCol: (start.columnIndex ?? 0) + width };
      } else throw new ApiError(400, `Invalid ${where}: either 'start' or 'range' must be set`);
      checkInGrid(sheet, r, a1Label(sheet, r));
      if (rows.length > r.endRow - r.startRow) throw new ApiError(400, `Invalid ${where}: more rows than the range holds`);
      forEachCell(sheet, r, (row, col) => {
        const data = rows[row - r.startRow]?.values?.[col - r.startCol];
        if (data === undefined && !clearRest) return;
        if (data === undefined && !cellAt(sheet, row, col)) return;
        applyCellData(ensureCell(sheet, row, col), data ?? {}, mask, locale);
      });
      return {};
    }
    case 'mergeCells': {
      // Google: MERGE_ALL makes one merge of the range, MERGE_COLUMNS one per column, MERGE_ROWS one
      // per row; only the top-left value of each merge is kept; a merge may not overlap another.
      const { sheet, range } = fromApiRange(ss, body.range as ApiGridRange, where);
      const r = bounded(sheet, range);
      checkInGrid(sheet, r, a1Label(sheet, r));
      const type = (body.mergeType as string | undefined) ?? 'MERGE_ALL';
      const parts: Required<GridRange>[] =
        type === 'MERGE_ALL'
          ? [r]
          : type === 'MERGE_COLUMNS'
            ? Array.from({ length: r.endCol - r.startCol }, (_, k) => ({ ...r, startCol: r.startCol + k, endCol: r.startCol + k + 1 }))
            : type === 'MERGE_ROWS'
              ? Array.from({ length: r.endRow - r.startRow }, (_, k) => ({ ...r, startRow: r.startRow + k, endRow: r.startRow + k + 1 }))
              : [];
      if (!parts.length) throw new ApiError(400, `Invalid ${where}: Invalid value at 'requests[${i}].merge_cells.merge_type' (type.googleapis.com/google.apps.sheets.v4.MergeCellsRequest.MergeType), "${type}"`);
      const overlaps = (a: Required<GridRange>, b: Required<ApiGridRange>) =>
        a.startRow < b.endRowIndex && b.startRowIndex < a.endRow && a.startCol < b.endColumnIndex && b.startColumnIndex < a.endCol;
      for (const part of parts) {
        if (sheet.merges.some((m) => overlaps(part, m))) throw new ApiError(400, `Invalid ${where}: You can't merge cells that are already partially merged.`);
        if ((part.endRow - part.startRow) * (part.endCol - part.startCol) < 2) continue;
        forEachCell(sheet, part, (row, col) => {
          if (row === part.startRow && col === part.startCol) return;
          const cell = cellAt(sheet, row, col);
          if (cell) {
            delete cell.value;
            delete cell.formula;
          }
        });
        sheet.merges.push({ sheetId: sheet.properties.sheetId, startRowIndex: part.startRow, endRowIndex: part.endRow, startColumnIndex: part.startCol, endColumnIndex: part.endCol });
      }
      return {};
    }
    case 'unmergeCells': {
      const { sheet, range } = fromApiRange(ss, body.range as ApiGridRange, where);
      const r = bounded(sheet, range);
      sheet.merges = sheet.merges.filter((m) => !(m.startRowIndex >= r.startRow && m.endRowIndex <= r.endRow && m.startColumnIndex >= r.startCol && m.endColumnIndex <= r.endCol));
      return {};
    }
    case 'setDataValidation': {
      const { sheet, range } = fromApiRange(ss, body.range as ApiGridRange, where);
      const r = bounded(sheet, range);
      checkInGrid(sheet, r, a1Label(sheet, r));
      const rule = body.rule as DataValidationRule | undefined;
      if (rule) validateRule(rule, where);
      forEachCell(sheet, r, (row, col) => {
        const cell = ensureCell(sheet, row, col);
        if (rule) cell.dataValidation = structuredClone(rule);
        else delete cell.dataValidation;
      });
      return {};
    }
    case 'addProtectedRange': {
      const pr = body.protectedRange as { range?: ApiGridRange; description?: string; warningOnly?: boolean; editors?: unknown; protectedRangeId?: number };
      if (!pr?.range) throw new ApiError(400, `Invalid ${where}: protectedRange.range is required`);
      if (pr.warningOnly && pr.editors) throw new ApiError(400, `Invalid ${where}: Cannot set editors on a warning-only protected range.`);
      const { sheet, range } = fromApiRange(ss, pr.range, where);
      checkInGrid(sheet, bounded(sheet, range), a1Label(sheet, bounded(sheet, range)));
      const created = {
        protectedRangeId: pr.protectedRangeId ?? ss.nextProtectedRangeId++,
        range: { ...pr.range, sheetId: sheet.properties.sheetId },
        ...(pr.description !== undefined ? { description: pr.description } : {}),
        ...(pr.warningOnly ? { warningOnly: true } : {}),
        requestingUserCanEdit: true,
        ...(pr.editors ? { editors: pr.editors } : {}),
      };
      sheet.protectedRanges.push(created);
      return { addProtectedRange: { protectedRange: structuredClone(created) } };
    }
    case 'deleteProtectedRange': {
      for (const s of ss.sheets) {
        const at = s.protectedRanges.findIndex((p) => p.protectedRangeId === body.protectedRangeId);
        if (at >= 0) {
          s.protectedRanges.splice(at, 1);
          return {};
        }
      }
      throw new ApiError(400, `Invalid ${where}: No protected range with id: ${String(body.protectedRangeId)}`);
    }
    case 'insertDimension':
    case 'deleteDimension': {
      const range = (body.range ?? {}) as { sheetId?: number; dimension?: string; startIndex?: number; endIndex?: number };
      const sheet = ss.sheets.find((x) => x.properties.sheetId === (range.sheetId ?? 0));
      if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(range.sheetId)}`);
      if (range.dimension !== 'ROWS') throw new ApiError(400, `Invalid ${where}: the stand-in implements ROWS only`);
      if (range.startIndex === undefined || range.endIndex === undefined) throw new ApiError(400, `Invalid ${where}: startIndex and endIndex are required`);
      if (kind === 'insertDimension') {
        if (body.inheritFromBefore === true && range.startIndex === 0) throw new ApiError(400, `Invalid ${where}: inheritFromBefore cannot be true when inserting at row 0`);
        insertRows(ss, sheet, range.startIndex, range.endIndex - range.startIndex);
      } else deleteRows(ss, sheet, range.startIndex, range.endIndex);
      return {};
    }
    case 'createDeveloperMetadata': {
      const m = (body.developerMetadata ?? {}) as { metadataId?: number; metadataKey?: string; metadataValue?: string; visibility?: string; location?: { dimensionRange?: { sheetId?: number; dimension?: string; startIndex?: number; endIndex?: number } } };
      if (!m.metadataKey) throw new ApiError(400, `Invalid ${where}: Developer metadata must always have a key specified.`);
      if (m.visibility !== 'DOCUMENT' && m.visibility !== 'PROJECT') throw new ApiError(400, `Invalid ${where}: Developer metadata must always have a visibility specified.`);
      const d = m.location?.dimensionRange;
      if (!d || d.dimension !== 'ROWS') throw new ApiError(400, `Invalid ${where}: the stand-in implements metadata on rows (location.dimensionRange, ROWS) only`);
      const sheet = ss.sheets.find((x) => x.properties.sheetId === (d.sheetId ?? 0));
      if (!sheet) throw new ApiError(400, `Invalid ${where}: No grid with id: ${String(d.sheetId)}`);
      const start = d.startIndex ?? 0;
      const end = d.endIndex ?? sheet.properties.gridProperties.rowCount;
      if (start < 0 || end > sheet.properties.gridProperties.rowCount || end <= start) throw new ApiError(400, `Invalid ${where}: the location is outside the sheet`);
      if (m.metadataId !== undefined && (m.metadataId <= 0 || ss.developerMetadata.some((x) => x.metadataId === m.metadataId))) throw new ApiError(400, `Invalid ${where}: metadataId ${m.metadataId} is taken or not positive`);
      let metadataId = m.metadataId;
      while (metadataId === undefined || ss.developerMetadata.some((x) => x.metadataId === metadataId)) metadataId = 1 + Math.floor(Math.random() * 2_000_000_000);
      const entry: RowMetadata = { metadataId, metadataKey: m.metadataKey, ...(m.metadataValue !== undefined ? { metadataValue: m.metadataValue } : {}), visibility: m.visibility, sheetId: sheet.properties.sheetId, startIndex: start, endIndex: end };
      ss.developerMetadata.push(entry);
      return { createDeveloperMetadata: { developerMetadata: metadataResource(entry) } };
    }
    case 'deleteDeveloperMetadata': {
      const found = matchingMetadata(ss, body.dataFilter as DataFilter | undefined, where);
      ss.developerMetadata = ss.developerMetadata.filter((m) => !found.includes(m));
      return { deleteDeveloperMetadata: { deletedDeveloperMetadata: found.map(metadataResource) } };
    }
    default:
      throw new ApiError(400, `Invalid requests[${i}]: the stand-in does not implement "${kind}"`);
  }
}

// ---- spreadsheets.get ------------------------------------------------------------------------

function gridData(sheet: SheetData, r?: Required<GridRange>, ss?: Spreadsheet): unknown {
  const g = sheet.properties.gridProperties;
  const range = r ?? { startRow: 0, endRow: g.rowCount, startCol: 0, endCol: g.columnCount };
  const rowData: { values?: unknown[] }[] = [];
  for (let row = range.startRow; row < range.endRow && row < sheet.rows.length; row++) {
    const values: unknown[] = [];
    let last = -1;
    for (let col = range.startCol; col < range.endCol; col++) {
      const cell = cellAt(sheet, row, col);
      const data: Record<string, unknown> = {};
      if (cell && hasContent(cell)) {
        if (cell.formula !== undefined) data.userEnteredValue = { formulaValue: cell.formula };
        else if (cell.value !== undefined) data.userEnteredValue = extendedValue(cell.value);
        if (cell.value !== undefined) data.effectiveValue = extendedValue(cell.value as CellValue);
        if (cell.format) data.userEnteredFormat = structuredClone(cell.format);
        if (cell.note) data.note = cell.note;
        if (cell.dataValidation) data.dataValidation = structuredClone(cell.dataValidation);
        if (cell.textFormatRuns) data.textFormatRuns = structuredClone(cell.textFormatRuns);
        if (cell.chipRuns) data.chipRuns = readChipRuns(typeof cell.value === 'string' ? cell.value : '', cell.chipRuns);
        last = values.length;
      }
      values.push(data);
    }
    rowData.push(last >= 0 ? { values: values.slice(0, last + 1) } : {});
  }
  while (rowData.length && !rowData[rowData.length - 1]!.values) rowData.pop();
  // Each row's properties (DimensionProperties), with the developer metadata on it: Google lists every
  // row of the range; here rows up to the last with data or metadata (the rest would be alike).
  const onRows = (ss?.developerMetadata ?? []).filter((m) => m.sheetId === sheet.properties.sheetId && m.endIndex > range.startRow && m.startIndex < range.endRow);
  const lastRow = Math.max(range.startRow + rowData.length, ...onRows.map((m) => Math.min(m.endIndex, range.endRow)));
  const rowMetadata = Array.from({ length: lastRow - range.startRow }, (_, k) => {
    const here = onRows.filter((m) => m.startIndex <= range.startRow + k && range.startRow + k < m.endIndex);
    return { pixelSize: 21, ...(here.length ? { developerMetadata: here.map(metadataResource) } : {}) };
  });
  return {
    ...(range.startRow ? { startRow: range.startRow } : {}),
    ...(range.startCol ? { startColumn: range.startCol } : {}),
    ...(rowData.length ? { rowData } : {}),
    ...(rowMetadata.length ? { rowMetadata } : {}),
  };
}

function spreadsheetResource(ss: Spreadsheet, opts: { includeGridData: boolean; ranges: string[] }): unknown {
  const dataFor = new Map<SheetData, Required<GridRange>[]>();
  for (const a1 of opts.ranges) {
    const { sheet, range } = resolveA1(ss, a1);
    dataFor.set(sheet, [...(dataFor.get(sheet) ?? []), range]);
  }
  const sheets = ss.sheets
    .filter((s) => opts.ranges.length === 0 || dataFor.has(s))
    .map((s) => ({
      properties: structuredClone(s.properties),
      ...(s.protectedRanges.length ? { protectedRanges: structuredClone(s.protectedRanges) } : {}),
      // Like Google, every merge of the sheet, whatever ranges were asked for; absent when none.
      ...(s.merges.length ? { merges: structuredClone(s.merges) } : {}),
      ...(opts.includeGridData ? { data: opts.ranges.length ? dataFor.get(s)!.map((r) => gridData(s, r, ss)) : [gridData(s, undefined, ss)] } : {}),
    }));
  return { spreadsheetId: ss.spreadsheetId, properties: structuredClone(ss.properties), sheets, spreadsheetUrl: spreadsheetUrl(ss.spreadsheetId) };
}

// ---- routes ------------------------------------------------------------------------------------

function findSpreadsheet(state: SheetsState, id: string | undefined, write: boolean): Spreadsheet {
  const ss = id ? state.spreadsheets.get(id) : undefined;
  if (!ss) throw new ApiError(404, 'Requested entity was not found.');
  if (ss.access === 'none' || (write && ss.access === 'view')) throw new ApiError(403, 'The caller does not have permission');
  return ss;
}

/** Runs a write on a copy and keeps it only when every part succeeded (batch requests are atomic). */
function atomically<T>(state: SheetsState, ss: Spreadsheet, f: (copy: Spreadsheet) => T): T {
  const copy = cloneSpreadsheet(ss);
  const result = f(copy);
  state.spreadsheets.set(ss.spreadsheetId, copy);
  return result;
}

export function cloneSpreadsheet(ss: Spreadsheet): Spreadsheet {
  return {
    ...ss,
    properties: structuredClone(ss.properties),
    sheets: ss.sheets.map((s) => ({
      properties: structuredClone(s.properties),
      rows: s.rows.map((row) => (row ? row.map((c) => (c ? structuredClone(c) : c)) : row)),
      protectedRanges: structuredClone(s.protectedRanges),
      merges: structuredClone(s.merges),
      columnWidths: new Map(s.columnWidths),
    })),
    developerMetadata: ss.developerMetadata.map((m) => ({ ...m })),
  };
}

export function matchSheets(req: StandinRequest, state: SheetsState, _baseUrl: () => string): RouteMatch | undefined {
  const s = req.segments;
  if (s[0] !== 'v4' || s[1] !== 'spreadsheets') return undefined;
  const r = (name: string, handle: () => ReturnType<RouteMatch['handle']>): RouteMatch => ({ name: `sheets.spreadsheets.${name}`, family: 'sheets', handle });
  const m = req.method;
  const q = req.query;

  if (s.length === 2 && m === 'POST')
    return r('create', () => {
      const body = parseJsonBody(req) as { properties?: Record<string, unknown>; sheets?: { properties?: Record<string, unknown> }[] };
      const ss = newSpreadsheet(state, undefined, (body.properties?.title as string) ?? 'Untitled spreadsheet');
      Object.assign(ss.properties, body.properties ?? {});
      const sheets = body.sheets?.length ? body.sheets : [{ properties: { title: 'Sheet1' } }];
      sheets.forEach((sh, i) => newSheet(ss, { ...(sh.properties ?? {}), index: i } as Parameters<typeof newSheet>[1]));
      return json(applyFields(spreadsheetResource(ss, { includeGridData: false, ranges: [] }), q.get('fields')));
    });

  const idSeg = s[2];
  if (idSeg === undefined) return undefined;
  // `id:batchUpdate` arrives as one segment.
  const [id, verb] = idSeg.includes(':') ? [idSeg.slice(0, idSeg.indexOf(':')), idSeg.slice(idSeg.indexOf(':') + 1)] : [idSeg, undefined];

  if (s.length === 3 && verb === undefined && m === 'GET')
    return r('get', () => {
      const ss = findSpreadsheet(state, id, false);
      const fields = q.get('fields');
      const include = q.get('includeGridData') === 'true' || /(^|[,(.])data\b/.test(fields ?? '');
      return json(applyFields(spreadsheetResource(ss, { includeGridData: include, ranges: q.getAll('ranges') }), fields));
    });

  if (s.length === 3 && verb === 'batchUpdate' && m === 'POST')
    return r('batchUpdate', () => {
      const ss = findSpreadsheet(state, id, true);
      const body = parseJsonBody(req) as { requests?: Request[]; includeSpreadsheetInResponse?: boolean };
      const requests = body.requests ?? [];
      if (!requests.length) throw new ApiError(400, 'Must specify at least one request.');
      const replies = atomically(state, ss, (copy) => requests.map((x, i) => applyRequest(copy, x, i)));
      const after = state.spreadsheets.get(id)!;
      return json({
        spreadsheetId: id,
        replies,
        ...(body.includeSpreadsheetInResponse ? { updatedSpreadsheet: spreadsheetResource(after, { includeGridData: false, ranges: [] }) } : {}),
      });
    });

  return matchSheetValues(req, state);
}

/** The totals of a batch of value writes (absent when nothing was written, as Google leaves them out). */
function updateTotals(parts: readonly { sheetTitle: string; updatedRows: number; updatedColumns: number; updatedCells: number }[]): Record<string, number> {
  if (!parts.length) return {};
  return {
    totalUpdatedRows: parts.reduce((n, x) => n + x.updatedRows, 0),
    totalUpdatedColumns: Math.max(...parts.map((x) => x.updatedColumns)),
    totalUpdatedCells: parts.reduce((n, x) => n + x.updatedCells, 0),
    totalUpdatedSheets: new Set(parts.map((x) => x.sheetTitle)).size,
  };
}

/** values.* routes: `/v4/spreadsheets/{id}/values:batchGet`, `/values/{range}`, `/values/{range}:append`, ... */
export function matchSheetValues(req: StandinRequest, state: SheetsState): RouteMatch | undefined {
  const s = req.segments;
  if (s[0] !== 'v4' || s[1] !== 'spreadsheets' || s.length < 4) return undefined;
  const id = s[2]!;
  const r = (name: string, handle: () => ReturnType<RouteMatch['handle']>): RouteMatch => ({ name: `sheets.spreadsheets.values.${name}`, family: 'sheets', handle });
  const m = req.method;
  const q = req.query;

  if (s.length === 4 && s[3]!.startsWith('values:')) {
    const verb = s[3]!.slice('values:'.length);
    if (verb === 'batchGet' && m === 'GET')
      return r('batchGet', () => {
        const ss = findSpreadsheet(state, id, false);
        const ranges = q.getAll('ranges');
        const valueRanges = ranges.map((a1) => valueRange(ss, a1, q, q.get('majorDimension') ?? undefined));
        return json({ spreadsheetId: id, valueRanges });
      });
    if (verb === 'batchUpdate' && m === 'POST')
      return r('batchUpdate', () => {
        const ss = findSpreadsheet(state, id, true);
        const body = parseJsonBody(req) as { valueInputOption?: string; data?: { range?: string; values?: unknown; majorDimension?: string }[]; includeValuesInResponse?: boolean };
        const option = inputOption(body.valueInputOption);
        const data = body.data ?? [];
        const responses = atomically(state, ss, (copy) =>
          data.map((d, i) => {
            if (!d.range) throw new ApiError(400, `Invalid data[${i}]: range is required`);
            try {
              return writeRange(copy, d.range, d.values ?? [], option, d.majorDimension, `data[${i}].`);
            } catch (e) {
              if (e instanceof ApiError && !e.message.startsWith('Invalid')) throw new ApiError(e.code, `Invalid data[${i}]: ${e.message}`);
              throw e;
            }
          }),
        );
        const clean = responses.map(({ sheetTitle: _t, ...rest }) => rest);
        return json({ spreadsheetId: id, ...updateTotals(responses), responses: clean });
      });
    if (verb === 'batchUpdateByDataFilter' && m === 'POST')
      return r('batchUpdateByDataFilter', () => {
        const ss = findSpreadsheet(state, id, true);
        const body = parseJsonBody(req) as { valueInputOption?: string; data?: { dataFilter?: DataFilter; values?: unknown; majorDimension?: string }[] };
        const option = inputOption(body.valueInputOption);
        // NOTE: every range a filter selects gets the values; a filter that selects nothing adds no
        // response (the row it named is gone) rather than an error.
        const responses = atomically(state, ss, (copy) =>
          (body.data ?? []).flatMap((d, i) =>
            matchingMetadata(copy, d.dataFilter, `data[${i}].dataFilter`).map((meta) => {
              const { sheetTitle, spreadsheetId: _s, ...rest } = writeRange(copy, metadataA1(copy, meta), d.values ?? [], option, d.majorDimension, `data[${i}].`);
              return { sheetTitle, response: { ...rest, dataFilter: d.dataFilter } };
            }),
          ),
        );
        const clean = responses.map((x) => ({ ...x.response, sheetTitle: x.sheetTitle }));
        return json({ spreadsheetId: id, ...updateTotals(clean), ...(clean.length ? { responses: responses.map((x) => x.response) } : {}) });
      });
    if (verb === 'batchClearByDataFilter' && m === 'POST')
      return r('batchClearByDataFilter', () => {
        const ss = findSpreadsheet(state, id, true);
        const body = parseJsonBody(req) as { dataFilters?: DataFilter[] };
        const cleared = atomically(state, ss, (copy) => (body.dataFilters ?? []).flatMap((f, i) => matchingMetadata(copy, f, `dataFilters[${i}]`).map((meta) => clearRange(copy, metadataA1(copy, meta)))));
        return json({ spreadsheetId: id, ...(cleared.length ? { clearedRanges: cleared } : {}) });
      });
    if (verb === 'batchClear' && m === 'POST')
      return r('batchClear', () => {
        const ss = findSpreadsheet(state, id, true);
        const body = parseJsonBody(req) as { ranges?: string[] };
        const cleared = atomically(state, ss, (copy) => (body.ranges ?? []).map((a1) => clearRange(copy, a1)));
        return json({ spreadsheetId: id, clearedRanges: cleared });
      });
    return undefined;
  }

  if (s[3] !== 'values' || s.length !== 5) return undefined;
  const seg = s[4]!;
  // The range is percent-encoded in the path, so a raw `:` can only be the custom verb.
  const rawSeg = req.rawPath.split('/').filter(Boolean)[4] ?? '';
  const colon = rawSeg.lastIndexOf(':');
  const verb = colon >= 0 ? rawSeg.slice(colon + 1) : undefined;
  const a1 = verb ? decodeURIComponent(rawSeg.slice(0, colon)) : seg;

  if (!verb && m === 'GET') return r('get', () => json(valueRange(findSpreadsheet(state, id, false), a1, q, q.get('majorDimension') ?? undefined)));
  if (!verb && m === 'PUT')
    return r('update', () => {
      const ss = findSpreadsheet(state, id, true);
      const body = parseJsonBody(req) as { values?: unknown; majorDimension?: string };
      const option = inputOption(q.get('valueInputOption'));
      const res = atomically(state, ss, (copy) => writeRange(copy, a1, body.values ?? [], option, body.majorDimension));
      const { sheetTitle: _t, ...rest } = res;
      return json(rest);
    });
  if (verb === 'append' && m === 'POST')
    return r('append', () => {
      const ss = findSpreadsheet(state, id, true);
      const body = parseJsonBody(req) as { values?: unknown[][] };
      const option = inputOption(q.get('valueInputOption'));
      const values = body.values ?? [];
      return json(
        atomically(state, ss, (copy) => {
          const { sheet, range } = resolveA1(copy, a1);
          // The table: the last row with a value in the range's columns; append below it.
          let last = -1;
          for (let row = 0; row < sheet.rows.length; row++) for (let col = range.startCol; col < range.endCol; col++) if (cellAt(sheet, row, col)?.value !== undefined) last = row;
          const start = Math.max(last + 1, range.startRow);
          const g = sheet.properties.gridProperties;
          const width = Math.max(0, ...values.map((v) => v.length));
          if (range.startCol + width > g.columnCount) throw new ApiError(400, `Range (${a1}) exceeds grid limits. Max rows: ${g.rowCount}, max columns: ${g.columnCount}`);
          if (start + values.length > g.rowCount) g.rowCount = start + values.length;
          const target = formatRange(sheet.properties.title, { startRow: start, endRow: start + Math.max(values.length, 1), startCol: range.startCol, endCol: range.startCol + Math.max(width, 1) });
          const res = writeRange(copy, target, values, option);
          const { sheetTitle: _t, ...updates } = res;
          return {
            spreadsheetId: id,
            ...(last >= 0 ? { tableRange: formatRange(sheet.properties.title, { startRow: range.startRow, endRow: last + 1, startCol: range.startCol, endCol: range.endCol }) } : {}),
            updates,
          };
        }),
      );
    });
  if (verb === 'clear' && m === 'POST')
    return r('clear', () => {
      const ss = findSpreadsheet(state, id, true);
      const label = atomically(state, ss, (copy) => clearRange(copy, a1));
      return json({ spreadsheetId: id, clearedRange: label });
    });
  return undefined;
}
