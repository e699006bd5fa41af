// The StateStore on the Google Sheet: the `Udsendelser` log, the script's own Møder columns
// (Dagsorden, Referat, Senest udsendt) and the `Validering` tab. Reads cost nothing (the workbook read
// already holds them); each write is ONE call and touches only script-owned cells.

import { LOG_TAB, MEETINGS_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB, columnLetter, type TabSpec } from '../../sheets-schema/schema.js';
import type { sheets_v4 } from '@googleapis/sheets';
import type { RawGrid, RawValue, RawWorkbook } from '../workbook/raw.js';
import { isCellError } from '../workbook/raw.js';
import { tabRange } from './sheets-read.js';
import { UserError } from '../errors.js';
import type { LogAction, LogEntry, LogStatus, StateStore, WriteBack } from '../delivery/ports.js';
import type { Google } from './client.js';
import { addGuideRequests, addTabRequests, isTabAddedMeanwhile } from './create-sheet.js';
import { GUIDE_TAB_NAME } from '../../sheets-schema/guide.js';
import { translateGoogleError } from './translate-error.js';
import { withRetry } from './retry.js';

const LOG_ACTIONS: readonly LogAction[] = ['lease', 'upload', 'send', 'notify', 'kladde', 'skyldig', 'abonnement', 'sendeloft'];
const LOG_STATUSES: readonly LogStatus[] = ['påbegyndt', 'udført', 'fejlet', 'sluppet', 'ikke sendt', 'fjernet'];

/** The LogEntry fields, in column order: the schema's column keys are LogEntry's property names. */
const LOG_KEYS: readonly string[] = LOG_TAB.columns.map((c) => c.key);

function text(v: RawValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (isCellError(v)) return v.error;
  return String(v).trim();
}

/** Column key → index, found by header text; the schema's order when the header row is empty. */
function columnsOf(tab: TabSpec, header: readonly RawValue[] | undefined): Map<string, number> {
  const map = new Map<string, number>();
  const headers = (header ?? []).map(text);
  if (headers.every((h) => h === '')) {
    tab.columns.forEach((c, i) => map.set(c.key, i));
    return map;
  }
  for (const col of tab.columns) {
    const at = headers.indexOf(col.header);
    if (at >= 0) map.set(col.key, at);
  }
  return map;
}

/**
 * The log as the `Udsendelser` rows hold it (pure: works on the grid the workbook read returned).
 * Rows that are not a log entry (no time, unknown action or status) are skipped.
 */
export function parseLogRows(grid: RawGrid | undefined): LogEntry[] {
  if (!grid) return [];
  const cols = columnsOf(LOG_TAB, grid.rows[0]);
  const out: LogEntry[] = [];
  for (const row of grid.rows.slice(1)) {
    const entry: Record<string, string> = {};
    for (const key of LOG_KEYS) {
      const at = cols.get(key);
      const v = at === undefined ? '' : text(row[at]);
      if (v !== '') entry[key] = v;
    }
    if (Object.keys(entry).length === 0) continue;
    // NOTE: fail closed. A row that cannot be read (a hand edit, a half-written row) may be the record
    // of an e-mail that went; skipping it would send that e-mail again. Nothing is sent until it is fixed.
    if (!entry.at || !LOG_ACTIONS.includes(entry.action as LogAction) || !LOG_STATUSES.includes(entry.status as LogStatus)) {
      throw new UserError(
        'service',
        `Fanen ${LOG_TAB.name} kan ikke læses helt: række ${grid.rows.indexOf(row) + 1} er ikke en gyldig logrække (Tidspunkt, Handling eller Status mangler eller er ukendt). ` +
          `Intet sendes, før den er rettet, så ingen får en e-mail to gange. Fanen skrives kun af dagsorden: fortryd ændringen i rækken (Versionshistorik), og kør igen.`,
      );
    }
    // NOTE: a lease row has no meeting; it must survive the round trip like any other.
    entry.meetingId ??= '';
    out.push(entry as unknown as LogEntry);
  }
  return out;
}

/** One log entry as a row in the schema's column order. */
export function logRow(entry: LogEntry): string[] {
  const fields = entry as unknown as Record<string, unknown>;
  return LOG_KEYS.map((key) => {
    const v = fields[key];
    return v === undefined || v === null ? '' : String(v);
  });
}

/** The Validering tab's rows (header first) for a problem list. */
export function problemRows(problems: WriteBack['problems']): string[][] {
  return [PROBLEMS_TAB.columns.map((c) => c.header), ...problems.map((p) => [p.tab, p.cell ? `${p.tab}!${p.cell}` : p.tab, p.message])];
}

/** A cell the write-back will set: zero-based position, the text, and an optional in-sheet link. */
interface CellWrite {
  readonly tab: string;
  readonly row: number;
  readonly col: number;
  readonly value: string;
  /** `{ tab, cell }` of the cell to link to (Validering's Celle column). */
  readonly linkTo?: { readonly tab: string; readonly cell: string };
  /**
   * A log row's cell: which of the rows this write appends (0, 1, …). Appended after the last row
   * with data, never at a row of our own reckoning: another run may have appended since we read.
   */
  readonly append?: number;
  /**
   * A script-owned column's header the job adds to an existing sheet: written bold with the schema's
   * note, and its column protected (a warning on hand edits), as init-sheet makes it.
   */
  readonly header?: { readonly note: string };
}

interface TabState {
  /** Rows as known now (after our own writes), as text. */
  rows: string[][];
  exists: boolean;
}

export interface SheetsStateStoreOptions {
  /** The workbook as read by googleSheetSource (its Møder, Udsendelser and Validering grids). */
  readonly raw: RawWorkbook;
  readonly spreadsheetId?: string;
  /** The run's session (the wiring opens it once; the adapter never reads the environment). */
  readonly google: Google | Promise<Google>;
}

/** What a write did: for call counting and tests. */
export interface WriteReport {
  /** Google calls made: 0 (nothing changed), 1, or 2 (a metadata read first). */
  readonly calls: number;
  readonly cells: number;
  readonly path: 'none' | 'values' | 'cells';
}

export class SheetsStateStore implements StateStore {
  readonly description: string;
  readonly spreadsheetId: string;
  /** The last write's report. */
  lastWrite: WriteReport = { calls: 0, cells: 0, path: 'none' };
  private readonly tabs = new Map<string, TabState>();
  private readonly gridSize = new Map<string, { rows: number; columns: number }>();
  private sheetIds?: Map<string, number>;
  /** The ids of the tabs the read returned: enough to write into those tabs without another call. */
  private readonly readIds = new Map<string, number>();
  private log: LogEntry[];
  private session?: Promise<Google>;

  constructor(private readonly opts: SheetsStateStoreOptions) {
    const info = opts.raw.sheet;
    const id = opts.spreadsheetId ?? info?.spreadsheetId;
    if (!id) throw new Error('SheetsStateStore needs the spreadsheet id (or a workbook read by googleSheetSource).');
    this.spreadsheetId = id;
    this.description = `Google Sheet ${id}`;
    for (const [name, size] of info?.gridSize ?? []) this.gridSize.set(name, { ...size });
    if (info?.sheetIds) this.sheetIds = new Map(info.sheetIds);
    for (const [name, id] of info?.readIds ?? info?.sheetIds ?? []) this.readIds.set(name, id);
    for (const name of [MEETINGS_TAB.name, LOG_TAB.name, PROBLEMS_TAB.name, SUBSCRIBERS_TAB.name]) {
      const grid = opts.raw.grids.get(name);
      this.tabs.set(name, { rows: (grid?.rows ?? []).map((r) => r.map(text)), exists: !!grid });
    }
    this.log = parseLogRows(opts.raw.grids.get(LOG_TAB.name));
  }

  private google(): Promise<Google> {
    return (this.session ??= Promise.resolve(this.opts.google));
  }

  /**
   * The log as read with the workbook, or with `fresh`, as the Sheet holds it now: a run reads it
   * again after recording its lease, and another run, on this machine or another, may have appended
   * its own rows meanwhile (the lease is settled by their order).
   */
  async readLog(opts: { fresh?: boolean } = {}): Promise<LogEntry[]> {
    if (opts.fresh && this.tab(LOG_TAB.name).exists) {
      const g = await this.google();
      const sheets = await g.sheets();
      try {
        const rows = await withRetry('sheets.values.get', (o) => this.fetchLogRows(sheets, o), g.policy);
        this.log = parseLogRows({ tab: LOG_TAB.name, rows } as RawGrid);
        this.tab(LOG_TAB.name).rows = rows.map((r) => r.map(text));
      } catch (e) {
        if (e instanceof UserError) throw e;
        throw translateGoogleError(e, { target: { kind: 'spreadsheet', id: this.spreadsheetId }, account: await g.account(), timeoutMs: g.policy.timeoutMs });
      }
    }
    return [...this.log];
  }

  async appendLog(entries: readonly LogEntry[]): Promise<void> {
    await this.write(this.logWrites(entries), undefined);
    this.log.push(...entries);
  }

  /**
   * Writes the script's Møder cells and, when it changed, the whole Validering tab; with `logEntries`
   * the log rows go in the same call (the runner's "one batched write-back").
   */
  async writeBack(update: WriteBack, logEntries: readonly LogEntry[] = []): Promise<void> {
    const cells = [...this.meetingWrites(update), ...this.logWrites(logEntries)];
    await this.write(cells, update.problems);
    this.log.push(...logEntries);
  }

  // ---- what to write -------------------------------------------------------------------------

  private tab(name: string): TabState {
    return this.tabs.get(name)!;
  }

  private meetingWrites(update: WriteBack): CellWrite[] {
    const meetings = this.tab(MEETINGS_TAB.name);
    if (!meetings.exists || update.meetings.size === 0) return [];
    const header = meetings.rows[0] ?? [];
    const idCol = header.indexOf('Møde-id');
    if (idCol < 0) return [];
    const out: CellWrite[] = [];
    const ownedSpecs = MEETINGS_TAB.columns.filter((c) => c.scriptOwned);
    const owned = ownedSpecs.map((c) => c.header);
    const headerRow = [...header];
    for (const [meetingId, values] of update.meetings) {
      // NOTE: the row as read at the start of the run. Rows inserted meanwhile could shift it; only
      // script-owned cells are ever written, and the next run's write-back puts them right again.
      const row = meetings.rows.findIndex((r, i) => i > 0 && (r[idCol] ?? '') === meetingId);
      if (row < 0) continue;
      for (const [column, value] of Object.entries(values)) {
        // NOTE: only the script's own columns, whatever the caller asks for.
        if (!owned.includes(column)) continue;
        let col = headerRow.indexOf(column);
        if (col < 0) {
          // The column is missing (deleted, or new in this version): its header goes after the last
          // one, in an empty cell, so no column of the secretary's moves or changes.
          col = headerRow.length;
          headerRow.push(column);
          out.push({ tab: MEETINGS_TAB.name, row: 0, col, value: column, header: { note: ownedSpecs.find((c) => c.header === column)!.note } });
        }
        if ((meetings.rows[row]?.[col] ?? '') !== value) out.push({ tab: MEETINGS_TAB.name, row, col, value });
      }
    }
    return out;
  }

  private logWrites(entries: readonly LogEntry[]): CellWrite[] {
    if (entries.length === 0) return [];
    const log = this.tab(LOG_TAB.name);
    const out: CellWrite[] = [];
    let cols = columnsOf(LOG_TAB, log.rows[0]);
    if (!log.exists || (log.rows[0] ?? []).every((h) => h === '')) {
      LOG_TAB.columns.forEach((c, i) => out.push({ tab: LOG_TAB.name, row: 0, col: i, value: c.header }));
      cols = new Map(LOG_TAB.columns.map((c, i) => [c.key, i]));
    } else {
      // NOTE: a log made by an older version lacks the newer columns: add their headers after the last.
      let next = (log.rows[0] ?? []).length;
      for (const c of LOG_TAB.columns) {
        if (cols.has(c.key)) continue;
        out.push({ tab: LOG_TAB.name, row: 0, col: next, value: c.header });
        cols.set(c.key, next++);
      }
    }
    // NOTE: appended (appendCells, in the one batched write with the rest), not written at rows of our
    // own reckoning: two runs that read the same log would otherwise write over each other's rows.
    const first = Math.max(log.rows.length, 1);
    entries.forEach((entry, n) => {
      const values = logRow(entry);
      LOG_TAB.columns.forEach((c, i) => {
        const col = cols.get(c.key);
        if (col !== undefined && values[i] !== '') out.push({ tab: LOG_TAB.name, row: first + n, col, value: values[i]!, append: n });
      });
    });
    return out;
  }

  /** The Validering rewrite, or undefined when the tab already says exactly this. */
  private problemWrites(problems: WriteBack['problems'] | undefined, alongside: boolean): { cells: CellWrite[]; clearFrom: number; clearTo: number } | undefined {
    if (!problems) return undefined;
    const tab = this.tab(PROBLEMS_TAB.name);
    const wanted = problemRows(problems);
    // NOTE: a missing Validering tab makes every later read cost a second call (the one-call read asks
    // for it), so it is created with the first write that happens anyway, even with no problems.
    if (!tab.exists && problems.length === 0 && !alongside) return undefined;
    const width = PROBLEMS_TAB.columns.length;
    const current = tab.rows.map((r) => r.slice(0, width));
    const same = current.length === wanted.length && current.every((r, i) => wanted[i]!.every((v, j) => (r[j] ?? '') === v) && r.slice(width).every((v) => v === ''));
    if (tab.exists && same) return undefined;
    const cells: CellWrite[] = [];
    wanted.forEach((row, r) =>
      row.forEach((value, c) => {
        const p = r > 0 ? problems[r - 1] : undefined;
        cells.push({ tab: PROBLEMS_TAB.name, row: r, col: c, value, ...(c === 1 && p?.cell ? { linkTo: { tab: p.tab, cell: p.cell } } : {}) });
      }),
    );
    return { cells, clearFrom: wanted.length, clearTo: Math.max(wanted.length, tab.rows.length) };
  }

  // ---- how to write ----------------------------------------------------------------------------

  private fits(cell: CellWrite): boolean {
    const size = this.gridSize.get(cell.tab);
    return !!size && cell.row < size.rows && cell.col < size.columns;
  }

  private async write(cells: CellWrite[], problems: WriteBack['problems'] | undefined): Promise<void> {
    const rewrite = this.problemWrites(problems, cells.length > 0);
    if (cells.length === 0 && !rewrite) {
      this.lastWrite = { calls: 0, cells: 0, path: 'none' };
      return;
    }
    const g = await this.google();
    const sheets = await g.sheets();
    const all = [...cells, ...(rewrite?.cells ?? [])];
    // NOTE: a Sheet without Abonnenter (made before it existed) gets it with a write that happens
    // anyway, in the same call: until then the one-call read asks for a tab that is not there.
    const missingTab = all.some((c) => !this.tab(c.tab).exists) || !this.tab(SUBSCRIBERS_TAB.name).exists;
    try {
      if (!rewrite && !missingTab && all.every((c) => this.fits(c) && !c.header && c.append === undefined)) {
        await this.writeValues(sheets, g, all);
        this.lastWrite = { calls: 1, cells: all.length, path: 'values' };
      } else {
        let calls: number;
        try {
          calls = await this.writeCells(sheets, g, all, rewrite);
        } catch (e) {
          // NOTE: another run added the same missing tab first (each picks the same id for it), and the
          // whole batch was refused: learn the tabs as they are now, and write once more.
          if (!isTabAddedMeanwhile(e)) throw e;
          this.sheetIds = undefined;
          calls = 1 + (await this.writeCells(sheets, g, all, rewrite));
        }
        this.lastWrite = { calls, cells: all.length, path: 'cells' };
      }
    } catch (e) {
      throw translateGoogleError(e, { target: { kind: 'spreadsheet', id: this.spreadsheetId }, account: await g.account(), timeoutMs: g.policy.timeoutMs });
    }
    this.remember(all, rewrite);
  }

  /** The log tab's rows as the Sheet holds them now (one `values.get`). */
  private async fetchLogRows(sheets: sheets_v4.Sheets, options: { timeout?: number }): Promise<RawValue[][]> {
    const res = await sheets.spreadsheets.values.get({ spreadsheetId: this.spreadsheetId, range: tabRange(LOG_TAB.name) }, options);
    return (res.data.values ?? []) as RawValue[][];
  }

  /** The steady state: one `values.batchUpdate`, RAW, so text that looks like a formula stays text. */
  private async writeValues(sheets: sheets_v4.Sheets, g: Google, cells: CellWrite[]): Promise<void> {
    const data = cells.map((c) => ({ range: `${tabRange(c.tab)}!${columnLetter(c.col)}${c.row + 1}`, values: [[c.value]] }));
    await withRetry(
      'sheets.values.batchUpdate',
      (o) => sheets.spreadsheets.values.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { valueInputOption: 'RAW', data } }, o),
      g.policy,
    );
  }

  /**
   * When a tab must be created or grown, or the Validering tab is rewritten (its cells link to the
   * cells they name, which needs the tabs' ids): one `spreadsheets.batchUpdate` with `updateCells`,
   * whose `stringValue`s are never parsed as formulas; plus one metadata read when the ids are unknown.
   */
  private async writeCells(sheets: sheets_v4.Sheets, g: Google, cells: CellWrite[], rewrite: ReturnType<SheetsStateStore['problemWrites']>): Promise<number> {
    let calls = 1;
    // NOTE: rows appended to existing tabs need only those tabs' ids, which the read returned: every
    // tab's id (a metadata read) only when a tab is added, Validering is rewritten or a header added.
    const plain = !rewrite && this.tab(SUBSCRIBERS_TAB.name).exists && cells.every((c) => !c.header && !c.linkTo && this.tab(c.tab).exists && this.readIds.has(c.tab));
    if (!this.sheetIds && !plain) {
      const meta = await withRetry(
        'sheets.spreadsheets.get',
        (o) => sheets.spreadsheets.get({ spreadsheetId: this.spreadsheetId, fields: 'sheets.properties(sheetId,title,gridProperties(rowCount,columnCount))' }, o),
        g.policy,
      );
      this.learnSheets(meta.data.sheets ?? []);
      calls++;
    }
    const all = this.sheetIds;
    const ids = all ?? new Map(this.readIds);
    const requests: sheets_v4.Schema$Request[] = [];
    const added: string[] = [];
    for (const spec of [LOG_TAB, PROBLEMS_TAB]) {
      const name = spec.name;
      if (ids.has(name) || !cells.some((c) => c.tab === name)) continue;
      // NOTE: we choose the new tab's id so the same batch can write into it.
      const sheetId = this.freshSheetId(name);
      ids.set(name, sheetId);
      added.push(name);
      this.gridSize.set(name, { rows: 1000, columns: Math.max(26, spec.columns.length) });
      requests.push(...addTabRequests(spec, sheetId));
    }
    // A Sheet made before the guide existed gets its Vejledning tab with the first such write that
    // happens anyway (the tab ids are all known here, so no extra call), as a missing tab is added.
    if (all && !ids.has(GUIDE_TAB_NAME)) {
      const sheetId = this.freshSheetId(GUIDE_TAB_NAME);
      ids.set(GUIDE_TAB_NAME, sheetId);
      requests.push(...addGuideRequests(sheetId));
    }
    if (all && !ids.has(SUBSCRIBERS_TAB.name)) {
      const sheetId = this.freshSheetId(SUBSCRIBERS_TAB.name);
      ids.set(SUBSCRIBERS_TAB.name, sheetId);
      added.push(SUBSCRIBERS_TAB.name);
      // Header row with its notes, protected, as init-sheet lays it out; the endpoint appends under it.
      requests.push(...addTabRequests(SUBSCRIBERS_TAB, sheetId));
    }
    const missing = [...new Set(cells.map((c) => c.tab))].filter((t) => !ids.has(t));
    if (missing.length) throw new Error(`The tab(s) ${missing.join(', ')} do not exist in ${this.spreadsheetId}.`);
    // Grow a tab that is too small for what we write.
    const need = new Map<string, { rows: number; columns: number }>();
    for (const c of cells) {
      if (c.append !== undefined) {
        const n = need.get(c.tab) ?? { rows: 0, columns: 0 };
        need.set(c.tab, { rows: n.rows, columns: Math.max(n.columns, c.col + 1) });
        continue;
      }
      const n = need.get(c.tab) ?? { rows: 0, columns: 0 };
      need.set(c.tab, { rows: Math.max(n.rows, c.row + 1), columns: Math.max(n.columns, c.col + 1) });
    }
    if (rewrite) need.set(PROBLEMS_TAB.name, { rows: Math.max(need.get(PROBLEMS_TAB.name)?.rows ?? 0, rewrite.clearTo), columns: PROBLEMS_TAB.columns.length });
    for (const [tab, n] of need) {
      const size = this.gridSize.get(tab)!;
      if (n.rows > size.rows) {
        requests.push({ appendDimension: { sheetId: ids.get(tab)!, dimension: 'ROWS', length: n.rows - size.rows + 500 } });
        size.rows = n.rows + 500;
      }
      if (n.columns > size.columns) {
        requests.push({ appendDimension: { sheetId: ids.get(tab)!, dimension: 'COLUMNS', length: n.columns - size.columns } });
        size.columns = n.columns;
      }
    }
    const gid = (tab: string) => ids.get(tab);
    const cellData = (c: CellWrite): sheets_v4.Schema$CellData => {
      const target = c.linkTo ? gid(c.linkTo.tab) : undefined;
      return {
        userEnteredValue: { stringValue: c.value },
        ...(c.linkTo && target !== undefined ? { textFormatRuns: [{ startIndex: 0, format: { link: { uri: `#gid=${target}&range=${c.linkTo.cell}` } } }] } : {}),
      };
    };
    const appended: sheets_v4.Schema$RowData[] = [];
    for (const c of cells) {
      if (rewrite && c.tab === PROBLEMS_TAB.name) continue;
      if (c.append !== undefined) {
        const row = (appended[c.append] ??= { values: [] });
        row.values![c.col] = cellData(c);
        continue;
      }
      if (c.header) {
        const sheetId = gid(c.tab)!;
        requests.push(
          {
            updateCells: {
              start: { sheetId, rowIndex: c.row, columnIndex: c.col },
              rows: [{ values: [{ ...cellData(c), note: c.header.note, userEnteredFormat: { textFormat: { bold: true } } }] }],
              fields: 'userEnteredValue,note,userEnteredFormat.textFormat.bold',
            },
          },
          { addProtectedRange: { protectedRange: { range: { sheetId, startColumnIndex: c.col, endColumnIndex: c.col + 1 }, description: `${c.tab}: kolonnen ${c.value} skrives af dagsorden. Ret ikke her.`, warningOnly: true } } },
        );
        continue;
      }
      requests.push({ updateCells: { start: { sheetId: gid(c.tab)!, rowIndex: c.row, columnIndex: c.col }, rows: [{ values: [cellData(c)] }], fields: 'userEnteredValue' } });
    }
    if (rewrite) {
      // The whole tab in one range: rows beyond the new list are cleared.
      const width = PROBLEMS_TAB.columns.length;
      const rows: sheets_v4.Schema$RowData[] = [];
      for (const c of rewrite.cells) ((rows[c.row] ??= { values: [] }).values![c.col] = cellData(c));
      requests.push({
        updateCells: {
          range: { sheetId: gid(PROBLEMS_TAB.name)!, startRowIndex: 0, endRowIndex: Math.max(rewrite.clearTo, 1), startColumnIndex: 0, endColumnIndex: width },
          rows,
          fields: 'userEnteredValue,textFormatRuns',
        },
      });
    }
    if (appended.length) {
      for (const row of appended) for (let i = 0; i < row.values!.length; i++) row.values![i] ??= {};
      requests.push({ appendCells: { sheetId: ids.get(LOG_TAB.name)!, rows: appended, fields: 'userEnteredValue' } });
    }
    await withRetry<unknown>(
      'sheets.spreadsheets.batchUpdate',
      (o) => sheets.spreadsheets.batchUpdate({ spreadsheetId: this.spreadsheetId, requestBody: { requests } }, o),
      g.policy,
      {
        // A lost answer: the batch is atomic, so if the log rows it appends are there (or else the tab
        // it adds), all of it happened; sent again, the rows would be appended twice.
        recover:
          appended.length || added.length
            ? async () => {
                if (appended.length) {
                  const want = appended.map((r) => r.values!.map((v) => v.userEnteredValue?.stringValue ?? ''));
                  const rows = await this.fetchLogRows(sheets, { timeout: g.policy.timeoutMs }).catch(() => undefined);
                  return rows && containsRows(rows.map((r) => r.map(text)), want) ? rows : undefined;
                }
                const meta = await sheets.spreadsheets.get({ spreadsheetId: this.spreadsheetId, fields: 'sheets.properties(sheetId,title)' }, { timeout: g.policy.timeoutMs });
                return (meta.data.sheets ?? []).some((s) => s.properties?.title === added[0]) ? meta : undefined;
              }
            : undefined,
      },
    );
    for (const name of added) this.tab(name).exists = true;
    return calls;
  }

  private learnSheets(sheets: readonly sheets_v4.Schema$Sheet[]): void {
    this.sheetIds = new Map();
    for (const s of sheets) {
      const title = s.properties?.title ?? '';
      this.sheetIds.set(title, s.properties?.sheetId ?? 0);
      this.gridSize.set(title, { rows: s.properties?.gridProperties?.rowCount ?? 0, columns: s.properties?.gridProperties?.columnCount ?? 0 });
      const tab = this.tabs.get(title);
      if (tab) tab.exists = true;
    }
  }

  /** A stable id for a new tab that no existing tab uses. */
  private freshSheetId(name: string): number {
    let h = 7;
    for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) % 2_000_000_000;
    const used = new Set(this.sheetIds?.values());
    while (used.has(h) || h === 0) h = (h + 1) % 2_000_000_000;
    return h;
  }

  /** Keeps the in-memory copy in step with what was written, so the next write diffs correctly. */
  private remember(cells: CellWrite[], rewrite: ReturnType<SheetsStateStore['problemWrites']>): void {
    if (rewrite) this.tab(PROBLEMS_TAB.name).rows = [];
    for (const c of cells) {
      const tab = this.tab(c.tab);
      tab.exists = true;
      const row = (tab.rows[c.row] ??= []);
      while (row.length < c.col) row.push('');
      row[c.col] = c.value;
    }
    for (const t of this.tabs.values()) for (let r = 0; r < t.rows.length; r++) t.rows[r] ??= [];
  }
}

/** Whether `rows` hold `want` as consecutive rows (a cell beyond a wanted row's end must be empty). */
function containsRows(rows: readonly (readonly string[])[], want: readonly (readonly string[])[]): boolean {
  const same = (have: readonly string[] | undefined, w: readonly string[]) => !!have && w.every((v, i) => (have[i] ?? '') === v) && have.slice(w.length).every((v) => v === '');
  for (let i = 0; i + want.length <= rows.length; i++) if (want.every((w, k) => same(rows[i + k], w))) return true;
  return false;
}

/** The StateStore for a workbook read from a Google Sheet. */
export function sheetsStateStore(opts: SheetsStateStoreOptions): SheetsStateStore {
  return new SheetsStateStore(opts);
}
