// Creates a new Google Sheet laid out by sheets-schema/: `spreadsheets.create` with the tabs, then ONE
// `spreadsheets.batchUpdate` with headers, notes, formats, dropdowns, checkboxes, protections and
// (optionally) the example's rows. The requests are built by a pure function.

import type { sheets_v4 } from '@googleapis/sheets';
import { GUIDE_TAB_NAME, guideRows } from '../../sheets-schema/guide.js';
import { TABS, type ColumnSpec, type TabSpec } from '../../sheets-schema/schema.js';
import { isCellError, type RawGrid, type RawValue } from '../workbook/raw.js';
import type { Google } from './client.js';
import { translateGoogleError } from './translate-error.js';
import { googleErrorFacts, isRateLimit, RetriesExhausted, withRetry } from './retry.js';

/** Sheet ids are ours to choose, so the one batchUpdate can address every tab without a read. */
export const SHEET_IDS: Readonly<Record<TabSpec['key'], number>> = { meetings: 0, items: 1, members: 2, settings: 3, log: 4, problems: 5, subscribers: 7 };
/** The Vejledning tab's id in a Sheet made by init-sheet (after the schema's tabs). */
export const GUIDE_SHEET_ID = 6;

const ROWS = 1000;
const NUMBER_FORMATS: Partial<Record<ColumnSpec['kind'], sheets_v4.Schema$NumberFormat>> = {
  date: { type: 'DATE', pattern: 'dd-mm-yyyy' },
  time: { type: 'TIME', pattern: 'hh:mm' },
  datetime: { type: 'DATE_TIME', pattern: 'dd-mm-yyyy hh:mm' },
};
const LONG_TEXT: readonly ColumnSpec['kind'][] = ['richtext', 'recommendation', 'attachments'];

function rowCount(rows: number): number {
  return Math.max(ROWS, rows + 200);
}

/** A tab's properties: its id (ours to choose), title, size and frozen header row. */
export function tabProperties(tab: TabSpec, sheetId: number, dataRows = 0, index?: number): sheets_v4.Schema$SheetProperties {
  return {
    sheetId,
    title: tab.name,
    ...(index === undefined ? {} : { index }),
    gridProperties: { rowCount: rowCount(dataRows), columnCount: Math.max(26, tab.columns.length), frozenRowCount: 1 },
  };
}

/** The body of `spreadsheets.create`: the tabs in order, header rows frozen. */
export function spreadsheetBody(title: string, example?: ReadonlyMap<string, RawGrid>): sheets_v4.Schema$Spreadsheet {
  return {
    properties: { title, locale: 'da_DK', timeZone: 'Europe/Copenhagen' },
    sheets: [
      ...TABS.map((tab, index) => ({ properties: tabProperties(tab, SHEET_IDS[tab.key], example?.get(tab.name)?.rows.length ?? 0, index) })),
      { properties: guideProperties(GUIDE_SHEET_ID, TABS.length) },
    ],
  };
}

/** The Vejledning tab: two columns, the header row frozen. */
function guideProperties(sheetId: number, index?: number): sheets_v4.Schema$SheetProperties {
  return { sheetId, title: GUIDE_TAB_NAME, ...(index === undefined ? {} : { index }), gridProperties: { rowCount: Math.max(50, guideRows().length), columnCount: 2, frozenRowCount: 1 } };
}

/**
 * The Vejledning tab's contents and layout (sheets-schema/guide.ts): the topic column narrow and
 * bold, the text wide and wrapped, and a warning when someone edits it (the next version of
 * dagsorden writes it again).
 */
export function guideLayoutRequests(sheetId: number): sheets_v4.Schema$Request[] {
  const rows = guideRows();
  return [
    {
      updateCells: {
        start: { sheetId, rowIndex: 0, columnIndex: 0 },
        rows: rows.map((row, r) => ({
          values: row.map((text, c) => ({
            userEnteredValue: { stringValue: text },
            userEnteredFormat: { textFormat: { bold: r === 0 || c === 0 }, wrapStrategy: 'WRAP', verticalAlignment: 'TOP', ...(r === 0 ? { backgroundColor: { red: 0.93, green: 0.93, blue: 0.93 } } : {}) },
          })),
        })),
        fields: 'userEnteredValue,userEnteredFormat.textFormat.bold,userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment,userEnteredFormat.backgroundColor',
      },
    },
    { updateDimensionProperties: { range: { sheetId, dimension: 'COLUMNS', startIndex: 0, endIndex: 1 }, properties: { pixelSize: 220 }, fields: 'pixelSize' } },
    { updateDimensionProperties: { range: { sheetId, dimension: 'COLUMNS', startIndex: 1, endIndex: 2 }, properties: { pixelSize: 720 }, fields: 'pixelSize' } },
    { addProtectedRange: { protectedRange: { range: { sheetId }, description: `${GUIDE_TAB_NAME}: skrives af dagsorden. Ret ikke her.`, warningOnly: true } } },
  ];
}

/** The requests that add the Vejledning tab to an existing Sheet (the job does it once, as it adds a missing tab). */
export function addGuideRequests(sheetId: number): sheets_v4.Schema$Request[] {
  return [{ addSheet: { properties: guideProperties(sheetId) } }, ...guideLayoutRequests(sheetId)];
}

/**
 * Google refused an `addSheet` because a tab of that name or id is already there: another run (or a
 * `serve` process) added it between this one's look and its write.
 */
export function isTabAddedMeanwhile(e: unknown): boolean {
  const f = e instanceof RetriesExhausted ? e.facts : googleErrorFacts(e);
  return f?.status === 400 && /addSheet: .*already exists/i.test(f.message ?? '');
}

/**
 * The requests that add one script-owned tab to an existing Sheet, laid out as `init-sheet` lays it
 * out (the write-back creates Udsendelser, Validering and Abonnenter this way when the Sheet has none).
 */
export function addTabRequests(tab: TabSpec, sheetId: number): sheets_v4.Schema$Request[] {
  return [{ addSheet: { properties: tabProperties(tab, sheetId) } }, ...tabLayoutRequests(tab, sheetId)];
}

function cellValue(v: RawValue | undefined): sheets_v4.Schema$ExtendedValue | undefined {
  if (v === null || v === undefined || isCellError(v)) return undefined;
  if (typeof v === 'number') return { numberValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  // NOTE: stringValue is never parsed, so a title typed as `=...` stays text, as in the .xlsx.
  return { stringValue: v };
}

/** Contiguous runs of column indexes, for one protected range per run. */
function runs(indexes: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const i of [...indexes].sort((a, b) => a - b)) {
    const last = out[out.length - 1];
    if (last && last[1] === i) last[1] = i + 1;
    else out.push([i, i + 1]);
  }
  return out;
}

/** Every request of the one batchUpdate after `spreadsheets.create`. */
export function setupRequests(example?: ReadonlyMap<string, RawGrid>): sheets_v4.Schema$Request[] {
  const requests: sheets_v4.Schema$Request[] = [];
  for (const tab of TABS) {
    const sheetId = SHEET_IDS[tab.key];
    requests.push(...tabLayoutRequests(tab, sheetId));
    const grid = example?.get(tab.name);
    if (grid && grid.rows.length > 1) requests.push(exampleRows(tab, sheetId, grid));
  }
  requests.push(...guideLayoutRequests(GUIDE_SHEET_ID));
  return requests;
}

/** One tab's layout: the header row with its notes, formats, dropdowns, checkboxes, widths, protection. */
function tabLayoutRequests(tab: TabSpec, sheetId: number): sheets_v4.Schema$Request[] {
  const requests: sheets_v4.Schema$Request[] = [];
  const body = { sheetId, startRowIndex: 1 };
  // Header row: text, bold, a note explaining the column.
  requests.push({
    updateCells: {
      start: { sheetId, rowIndex: 0, columnIndex: 0 },
      rows: [{ values: tab.columns.map((c) => ({ userEnteredValue: { stringValue: c.header }, note: c.note, userEnteredFormat: { textFormat: { bold: true }, backgroundColor: { red: 0.93, green: 0.93, blue: 0.93 } } })) }],
      fields: 'userEnteredValue,note,userEnteredFormat.textFormat.bold,userEnteredFormat.backgroundColor',
    },
  });
  tab.columns.forEach((col, c) => {
    const column = { ...body, startColumnIndex: c, endColumnIndex: c + 1 };
    const nf = NUMBER_FORMATS[col.kind];
    if (nf) requests.push({ repeatCell: { range: column, cell: { userEnteredFormat: { numberFormat: nf } }, fields: 'userEnteredFormat.numberFormat' } });
    if (LONG_TEXT.includes(col.kind)) {
      requests.push({ repeatCell: { range: column, cell: { userEnteredFormat: { wrapStrategy: 'WRAP', verticalAlignment: 'TOP' } }, fields: 'userEnteredFormat.wrapStrategy,userEnteredFormat.verticalAlignment' } });
    }
    if (col.kind === 'choice' && col.choices) {
      requests.push({ setDataValidation: { range: column, rule: { condition: { type: 'ONE_OF_LIST', values: col.choices.map((v) => ({ userEnteredValue: v })) }, strict: true, showCustomUi: true } } });
    }
    if (col.kind === 'boolean') {
      // NOTE: a checkbox that writes Ja/Nej (what the validator and the example use). A column whose
      // empty cell means Ja (Aktiv) gets a Ja/Nej dropdown instead: an empty, unticked box would
      // look like "no" while it means "yes".
      const rule: sheets_v4.Schema$DataValidationRule =
        col.default === 'Ja'
          ? { condition: { type: 'ONE_OF_LIST', values: [{ userEnteredValue: 'Ja' }, { userEnteredValue: 'Nej' }] }, strict: true, showCustomUi: true }
          : { condition: { type: 'BOOLEAN', values: [{ userEnteredValue: 'Ja' }, { userEnteredValue: 'Nej' }] }, strict: true };
      requests.push({ setDataValidation: { range: column, rule } });
    }
    if (col.kind === 'email') {
      requests.push({ setDataValidation: { range: column, rule: { condition: { type: 'TEXT_IS_EMAIL' }, strict: false, inputMessage: col.note } } });
    }
    requests.push({
      updateDimensionProperties: {
        range: { sheetId, dimension: 'COLUMNS', startIndex: c, endIndex: c + 1 },
        properties: { pixelSize: LONG_TEXT.includes(col.kind) ? 360 : Math.max(100, Math.min(220, col.header.length * 9 + 30)) },
        fields: 'pixelSize',
      },
    });
  });
  // The script's own cells: a warning (not a lock) when someone edits them by hand.
  if (tab.scriptOwned) {
    requests.push({ addProtectedRange: { protectedRange: { range: { sheetId }, description: `${tab.name}: skrives af dagsorden. Ret ikke her.`, warningOnly: true } } });
  } else {
    const owned = tab.columns.flatMap((c, i) => (c.scriptOwned ? [i] : []));
    for (const [start, end] of runs(owned)) {
      requests.push({ addProtectedRange: { protectedRange: { range: { sheetId, startColumnIndex: start, endColumnIndex: end }, description: `${tab.name}: kolonnerne skrives af dagsorden. Ret ikke her.`, warningOnly: true } } });
    }
  }
  return requests;
}

/** The example's rows, placed under the schema's headers (matched by header text). */
function exampleRows(tab: TabSpec, sheetId: number, grid: RawGrid): sheets_v4.Schema$Request {
  const headers = (grid.rows[0] ?? []).map((h) => (typeof h === 'string' ? h.trim() : ''));
  const target = headers.map((h) => tab.columns.findIndex((c) => c.header === h));
  const width = tab.columns.length;
  const rows = grid.rows.slice(1).map((row) => {
    const values: sheets_v4.Schema$CellData[] = Array.from({ length: width }, () => ({}));
    row.forEach((v, i) => {
      const at = target[i];
      const value = cellValue(v);
      if (at !== undefined && at >= 0 && value) values[at] = { userEnteredValue: value };
    });
    return { values };
  });
  return { updateCells: { start: { sheetId, rowIndex: 1, columnIndex: 0 }, rows, fields: 'userEnteredValue' } };
}

export interface CreatedSheet {
  readonly spreadsheetId: string;
  readonly url: string;
  /** Google calls made. */
  readonly calls: number;
}

/** Creates the Sheet: two calls. A lost answer to `create` is not retried (it would make a second sheet). */
export async function createWorkbookSheet(google: Google, title: string, example?: ReadonlyMap<string, RawGrid>): Promise<CreatedSheet> {
  const sheets = await google.sheets();
  const fail = async (e: unknown): Promise<never> => {
    throw translateGoogleError(e, { target: { kind: 'new-spreadsheet' }, account: await google.account(), timeoutMs: google.policy.timeoutMs });
  };
  let created: sheets_v4.Schema$Spreadsheet;
  try {
    // NOTE: only a rate limit is retried: after a timeout or a 5xx the sheet may exist already, and a
    // retry would make a second one. The user runs the command again instead.
    const res = await withRetry('sheets.spreadsheets.create', (o) => sheets.spreadsheets.create({ requestBody: spreadsheetBody(title, example), fields: 'spreadsheetId,spreadsheetUrl' }, o), google.policy, {
      retryable: isRateLimit,
    });
    created = res.data;
  } catch (e) {
    return fail(e);
  }
  const id = created.spreadsheetId!;
  try {
    await withRetry('sheets.spreadsheets.batchUpdate', (o) => sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: setupRequests(example) } }, o), google.policy);
  } catch (e) {
    return fail(e);
  }
  return { spreadsheetId: id, url: created.spreadsheetUrl ?? `https://docs.google.com/spreadsheets/d/${id}/edit`, calls: 2 };
}
