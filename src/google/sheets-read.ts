// Reads the workbook from a Google Sheet into the same raw grids as the .xlsx reader: one
// `spreadsheets.get` for every tab on the happy path, asking (with a field mask) for the effective
// values, the merged ranges and the tabs' sizes and ids; when a tab is missing, a second one without
// ranges that lists the tabs and reads those that exist.
// NOTE: not `values.batchGet`: it reads a merged cell as empty, and an empty Lukket means open. The
// merges come with the values in the same call, so a run with nothing to do still costs one call.

import { cellA1, PROBLEMS_TAB } from '../../sheets-schema/schema.js';
import type { sheets_v4 } from '@googleapis/sheets';
import type { Google } from './client.js';
import { translateGoogleError } from './translate-error.js';
import { googleErrorFacts, withRetry } from './retry.js';
import { UserError } from '../errors.js';
import { FORMULA_ERRORS, mergedCell, type RawGrid, type RawValue, type RawWorkbook, type WorkbookSource } from '../workbook/raw.js';


/** Accepts the id or the whole address (`https://docs.google.com/spreadsheets/d/<id>/edit#gid=0`). */
export function spreadsheetIdOf(input: string): string {
  const m = /\/spreadsheets\/d\/([A-Za-z0-9_-]+)/.exec(input);
  return (m ? m[1]! : input).trim();
}

/** `'Møder'`: a whole tab in A1 notation, quoted so any name works. */
export function tabRange(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

const ERRORS: readonly string[] = FORMULA_ERRORS;

/** A string value → the raw cell (a formula error's text becomes `{error}`). */
export function rawCell(v: unknown): RawValue {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  const s = String(v);
  return ERRORS.includes(s) ? { error: s } : s;
}

const ERROR_VALUE_STRINGS: Record<string, string> = {
  ERROR: '#ERROR!',
  NULL_VALUE: '#NULL!',
  DIVIDE_BY_ZERO: '#DIV/0!',
  VALUE: '#VALUE!',
  REF: '#REF!',
  NAME: '#NAME?',
  NUM: '#NUM!',
  N_A: '#N/A',
  LOADING: '#LOADING',
};

/** A cell's effectiveValue (grid data) → the same raw cell the values read gives. */
function rawFromEffective(ev: sheets_v4.Schema$ExtendedValue | undefined): RawValue {
  if (!ev) return null;
  if (ev.errorValue) return { error: ERROR_VALUE_STRINGS[ev.errorValue.type ?? 'ERROR'] ?? '#ERROR!' };
  if (typeof ev.numberValue === 'number') return ev.numberValue;
  if (typeof ev.boolValue === 'boolean') return ev.boolValue;
  if (typeof ev.stringValue === 'string') return rawCell(ev.stringValue);
  return null;
}

/**
 * A cell's text with each file smart chip (a rich link, e.g. a Drive file inserted with "@") replaced
 * by its address, so `Kort | @` reads as `Kort | https://drive.google.com/file/d/<id>/view`. Person
 * chips and plain text stay as they are.
 * NOTE: Sheets documents a chip as a run of length 1 shown by an "@" placeholder in the cell's text
 * (CellData.chipRuns). Should the text hold the chip's own display text instead, the chip's run
 * (up to the next run) is what is replaced.
 */
export function textWithChips(text: string, runs: readonly sheets_v4.Schema$ChipRun[] | undefined): string {
  if (!runs?.length) return text;
  const sorted = runs.map((r) => ({ start: r.startIndex ?? 0, uri: r.chip?.richLinkProperties?.uri ?? undefined })).sort((a, b) => a.start - b.start);
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const { start, uri } = sorted[i]!;
    if (!uri || start >= out.length) continue;
    const end = out[start] === '@' ? start + 1 : (sorted[i + 1]?.start ?? text.length);
    out = out.slice(0, start) + uri + out.slice(end);
  }
  return out;
}

/** A cell → the raw value: its effective value, with file smart chips as their addresses. */
function rawFromCell(c: sheets_v4.Schema$CellData): RawValue {
  const v = rawFromEffective(c.effectiveValue);
  return typeof v === 'string' && c.chipRuns?.length ? textWithChips(v, c.chipRuns) : v;
}

/** Drops trailing empty cells and rows, as the values read does. */
function trimmed(rows: RawValue[][]): RawValue[][] {
  const out = rows.map((r) => {
    let end = r.length;
    while (end > 0 && r[end - 1] === null) end--;
    return r.slice(0, end);
  });
  while (out.length && out[out.length - 1]!.length === 0) out.pop();
  return out;
}


/** The most cells one merge may mark: a merge is a few cells; a runaway one must not exhaust memory. */
const MAX_MARKED = 200_000;

/**
 * One tab's grid data and merges → raw rows. Every cell of a merged range but its top-left one is
 * marked as merged (it reads as empty in Sheets), so validation can tell the secretary.
 */
export function gridFromSheet(sheet: sheets_v4.Schema$Sheet): RawGrid {
  const title = sheet.properties?.title ?? '';
  const rows: RawValue[][] = (sheet.data?.[0]?.rowData ?? []).map((r) => (r.values ?? []).map(rawFromCell));
  let marked = 0;
  for (const m of sheet.merges ?? []) {
    const r0 = m.startRowIndex ?? 0;
    const c0 = m.startColumnIndex ?? 0;
    const r1 = m.endRowIndex ?? r0 + 1;
    const c1 = m.endColumnIndex ?? c0 + 1;
    const master = cellA1(r0, c0);
    for (let r = r0; r < r1 && marked < MAX_MARKED; r++) {
      for (let c = c0; c < c1 && marked < MAX_MARKED; c++) {
        if (r === r0 && c === c0) continue;
        while (rows.length <= r) rows.push([]);
        const row = rows[r]!;
        while (row.length < c) row.push(null);
        row[c] = mergedCell(master);
        marked++;
      }
    }
  }
  return { tab: title, rows: trimmed(rows) };
}

// NOTE: formulas are computed by Sheets itself, so the effective value is the formula's value; a
// formula error arrives as errorValue. Only the fields read are asked for (a field mask); a file smart
// chip's address comes with its cell in the same read (chipRuns), so a chip costs no call of its own.
const GRID_FIELDS = 'sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),merges,data(rowData(values(effectiveValue,chipRuns(startIndex,chip/richLinkProperties/uri)))))';

function readInfo(res: sheets_v4.Schema$Spreadsheet, id: string, wanted: readonly string[], calls: number): RawWorkbook {
  const grids = new Map<string, RawGrid>();
  const gridSize = new Map<string, { rows: number; columns: number }>();
  const sheetIds = new Map<string, number>();
  const tabNames: string[] = [];
  for (const sheet of res.sheets ?? []) {
    const title = sheet.properties?.title ?? '';
    tabNames.push(title);
    sheetIds.set(title, sheet.properties?.sheetId ?? 0);
    gridSize.set(title, { rows: sheet.properties?.gridProperties?.rowCount ?? 0, columns: sheet.properties?.gridProperties?.columnCount ?? 0 });
    if (wanted.includes(title)) grids.set(title, gridFromSheet(sheet));
  }
  // NOTE: the happy path returns only the tabs asked for; a new tab's id must avoid every tab's.
  return { grids, tabNames, sheet: { spreadsheetId: id, gridSize, ...(calls === 2 ? { sheetIds } : {}), readIds: sheetIds, calls } };
}

function isMissingRange(e: unknown): boolean {
  const f = googleErrorFacts(e);
  return f?.status === 400 && /Unable to parse range/i.test(f.message ?? '');
}

/** The Google source: also gives the write-back the spreadsheet id. */
export interface GoogleSheetSource extends WorkbookSource {
  readonly kind: 'google';
  readonly spreadsheetId: string;
}

/** The Sheet as a workbook source, read through the run's session (opened by the wiring). */
export function googleSheetSource(spreadsheetId: string, session: Google | Promise<Google>): GoogleSheetSource {
  const id = spreadsheetIdOf(spreadsheetId);
  if (!/^[A-Za-z0-9_-]{10,}$/.test(id)) {
    throw new UserError('usage', `"${spreadsheetId}" ligner ikke et Google Sheet-id. Brug den lange kode mellem /d/ og /edit i regnearkets adresse.`);
  }

  return {
    description: `Google Sheet ${id}`,
    kind: 'google',
    spreadsheetId: id,
    async readWorkbook(tabs: readonly string[]): Promise<RawWorkbook> {
      const g = await session;
      const sheets = await g.sheets();
      // NOTE: the Validering tab is read too (same call), so the write-back can tell whether the
      // problem list changed without reading it again. It is optional, like Udsendelser.
      const wanted = [...new Set([...tabs, PROBLEMS_TAB.name])];
      const fail = async (e: unknown): Promise<never> => {
        throw translateGoogleError(e, { target: { kind: 'spreadsheet', id }, account: await g.account(), timeoutMs: g.policy.timeoutMs });
      };

      try {
        const res = await withRetry(
          'sheets.spreadsheets.get',
          (o) => sheets.spreadsheets.get({ spreadsheetId: id, ranges: wanted.map(tabRange), includeGridData: true, fields: GRID_FIELDS }, o),
          g.policy,
        );
        return readInfo(res.data, id, wanted, 1);
      } catch (e) {
        if (!isMissingRange(e)) return fail(e);
      }

      // A tab is missing: list the tabs and read those that exist, in one call.
      try {
        const res = await withRetry('sheets.spreadsheets.get', (o) => sheets.spreadsheets.get({ spreadsheetId: id, includeGridData: true, fields: GRID_FIELDS }, o), g.policy);
        return readInfo(res.data, id, wanted, 2);
      } catch (e) {
        return fail(e);
      }
    },
  };
}
