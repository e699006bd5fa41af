// Reading the workbook from a Google Sheet (the real @googleapis/sheets client against the stand-in):
// the same model and problems as the .xlsx of the same content, the call counts, a missing tab.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { columnLetter, LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { readAndValidate } from '../../src/validate/index.js';
import type { RawGrid, RawWorkbook } from '../../src/workbook/raw.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { addTabs, loadXlsx, startStandin, type Standin } from '../standin/index.js';
import { google } from './helpers.js';

let standin: Standin;
let dir: string;
let problemWorkbook: string;

/** The bundled example with a handful of the mistakes a secretary makes. */
async function writeProblemWorkbook(path: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(BUNDLED_WORKBOOK);
  const meetings = wb.getWorksheet('Møder')!;
  const items = wb.getWorksheet('Punkter')!;
  const members = wb.getWorksheet('Medlemmer')!;
  const col = (ws: ExcelJS.Worksheet, header: string) => {
    let at = 0;
    ws.getRow(1).eachCell((c, n) => {
      if (c.value === header) at = n;
    });
    if (!at) throw new Error(`no column ${header}`);
    return at;
  };
  meetings.getCell(2, col(meetings, 'Status')).value = 'Klar';
  meetings.getCell(3, col(meetings, 'Dato')).value = '31-02-2022';
  items.getCell(2, col(items, 'Sagsnr.')).value = { error: '#REF!' } as ExcelJS.CellErrorValue;
  items.getCell(3, col(items, 'Titel')).value = '=SUM(1;2)';
  items.getCell(4, col(items, 'Møde-id')).value = 'CF-1999-01-01';
  items.getCell(5, col(items, 'Tidsrum')).value = '25.00-26.00';
  members.getCell(2, col(members, 'E-mail')).value = 'ikke en adresse';
  await wb.xlsx.writeFile(path);
}

beforeAll(async () => {
  standin = await startStandin();
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-sheets-read-'));
  problemWorkbook = join(dir, 'problems.xlsx');
  await writeProblemWorkbook(problemWorkbook);
});
afterAll(async () => {
  await standin.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => standin.reset());

/** Trailing empty cells and rows dropped: the one way the two readers may legitimately differ. */
function normalised(grid: RawGrid | undefined): unknown[][] {
  const rows = (grid?.rows ?? []).map((r) => {
    const row = [...r];
    while (row.length && row[row.length - 1] === null) row.pop();
    return row;
  });
  while (rows.length && rows[rows.length - 1]!.length === 0) rows.pop();
  return rows;
}

function inputGrids(raw: RawWorkbook): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const name of ['Møder', 'Punkter', 'Medlemmer', 'Indstillinger']) out[name] = normalised(raw.grids.get(name));
  return out;
}

/** Loads an .xlsx into the stand-in, with the script's own tabs present as init-sheet makes them. */
async function sheetFrom(path: string, id: string, withScriptTabs = true): Promise<string> {
  const ss = await loadXlsx(standin, path, { id });
  if (withScriptTabs) addTabs(ss, { [LOG_TAB.name]: [LOG_TAB.columns.map((c) => c.header)], [PROBLEMS_TAB.name]: [PROBLEMS_TAB.columns.map((c) => c.header)], [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header)] });
  return id;
}

describe('googleSheetSource', () => {
  it('gives the same raw rows, model and (no) problems as the .xlsx of the same content, in exactly one call', async () => {
    const id = await sheetFrom(BUNDLED_WORKBOOK, 'sheet-example-0001');
    const fromSheet = await readAndValidate(googleSheetSource(id, await google(standin)));
    const fromXlsx = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));

    expect(standin.calls.count()).toBe(1);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1 });
    const call = standin.calls.list[0]!;
    expect(call.query.getAll('ranges')).toEqual(["'Møder'", "'Punkter'", "'Medlemmer'", "'Indstillinger'", "'Udsendelser'", "'Validering'", "'Abonnenter'"]);
    expect(call.query.get('includeGridData')).toBe('true');
    // Values and merges in the one call, and nothing else (a field mask).
    expect(call.query.get('fields')).toBe('sheets(properties(sheetId,title,gridProperties(rowCount,columnCount)),merges,data(rowData(values(effectiveValue,chipRuns(startIndex,chip/richLinkProperties/uri)))))');

    expect(inputGrids(fromSheet.raw)).toEqual(inputGrids(fromXlsx.raw));
    expect(fromSheet.problems).toEqual([]);
    expect(fromSheet.problems).toEqual(fromXlsx.problems);
    expect(fromSheet.model).toEqual(fromXlsx.model);
    expect(fromSheet.model.meetings.length).toBeGreaterThan(0);
    // Dates arrive as serial numbers, not text.
    expect(typeof fromSheet.raw.grids.get('Møder')!.rows[1]![2]).toBe('number');
    expect(fromSheet.raw.sheet).toMatchObject({ spreadsheetId: id, calls: 1 });
    expect(fromSheet.raw.sheet!.gridSize.get('Udsendelser')).toEqual({ rows: 1000, columns: 26 });
  });

  it('gives the same problems (tab, cell, Danish sentence) as the .xlsx for a workbook with mistakes', async () => {
    const id = await sheetFrom(problemWorkbook, 'sheet-problems-0001');
    const fromSheet = await readAndValidate(googleSheetSource(id, await google(standin)));
    const fromXlsx = await readAndValidate(xlsxSource(problemWorkbook));
    expect(inputGrids(fromSheet.raw)).toEqual(inputGrids(fromXlsx.raw));
    expect(fromSheet.problems).toEqual(fromXlsx.problems);
    expect(fromSheet.model).toEqual(fromXlsx.model);
    const texts = fromSheet.problems.map((p) => `${p.tab}!${p.cell}: ${p.message}`);
    expect(texts.some((t) => t.includes('formelfejlen #REF!'))).toBe(true);
    expect(texts.some((t) => t.includes('"Klar" kendes ikke'))).toBe(true);
    expect(texts.some((t) => t.includes('31-02-2022 findes ikke'))).toBe(true);
    expect(fromSheet.problems.length).toBeGreaterThanOrEqual(6);
    // A title typed as `=SUM(1;2)` in the .xlsx is text there, and text here.
    expect(fromSheet.raw.grids.get('Punkter')!.rows[2]).toContain('=SUM(1;2)');
  });

  it('a missing tab costs two calls and is reported in Danish, with the near-miss name suggested', async () => {
    const ss = await loadXlsx(standin, BUNDLED_WORKBOOK, { id: 'sheet-missing-0001' });
    ss.sheets.find((s) => s.properties.title === 'Punkter')!.properties.title = 'Punktr';
    const { problems, raw } = await readAndValidate(googleSheetSource(ss.spreadsheetId, await google(standin)));
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 2 });
    expect(standin.calls.list[0]!.status).toBe(400);
    expect(problems.filter((p) => p.tab === 'Punkter')).toEqual([
      { tab: 'Punkter', cell: '', message: 'Fanen "Punkter" mangler. Fandt fanen "Punktr": omdøb den til "Punkter".', scope: { kind: 'workbook' } },
    ]);
    // The tabs that do exist were read all the same, and give the same model as the .xlsx does.
    const fromXlsx = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
    expect(normalised(raw.grids.get('Møder'))).toEqual(normalised(fromXlsx.raw.grids.get('Møder')));
    expect(normalised(raw.grids.get('Medlemmer'))).toEqual(normalised(fromXlsx.raw.grids.get('Medlemmer')));
    // The optional tabs (absent here) are no problem.
    expect(problems.some((p) => p.tab === 'Udsendelser' || p.tab === 'Validering')).toBe(false);
    expect(raw.sheet).toMatchObject({ calls: 2 });
    expect(raw.sheet!.sheetIds!.get('Møder')).toBe(0);
  });

  it('a tab missing without a near miss says which headers to create', async () => {
    const ss = await loadXlsx(standin, BUNDLED_WORKBOOK, { id: 'sheet-missing-0002' });
    ss.sheets = ss.sheets.filter((s) => s.properties.title !== 'Medlemmer');
    const { problems } = await readAndValidate(googleSheetSource(ss.spreadsheetId, await google(standin)));
    expect(problems.find((p) => p.tab === 'Medlemmer')?.message).toBe('Fanen "Medlemmer" mangler. Opret fanen med overskrifterne Navn, Titel, E-mail, Fora, Ser lukkede punkter, Aktiv i første række.');
  });

  it('formula errors arrive as {error} cells on both read paths', async () => {
    const ss = await loadXlsx(standin, problemWorkbook, { id: 'sheet-errors-0001' });
    const happy = await googleSheetSource(ss.spreadsheetId, await google(standin)).readWorkbook(['Punkter']);
    expect(happy.grids.get('Punkter')!.rows[1]).toContainEqual({ error: '#REF!' });
    // Validering is absent here, so the same read takes the fallback path.
    const fallback = await googleSheetSource(ss.spreadsheetId, await google(standin)).readWorkbook(['Punkter', 'Findes ikke']);
    expect(fallback.grids.get('Punkter')!.rows[1]).toContainEqual({ error: '#REF!' });
    expect(normalised(fallback.grids.get('Punkter'))).toEqual(normalised(happy.grids.get('Punkter')));
  });

  it('a merged Lukket is marked on both read paths and read as closed, with the problem at its cell, still in one call', async () => {
    const id = await sheetFrom(BUNDLED_WORKBOOK, 'sheet-merged-0001');
    const client = (await google(standin)).sheets();
    const sheets = await client;
    const meta = await sheets.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties(sheetId,title)' });
    const itemsId = meta.data.sheets!.find((s) => s.properties?.title === 'Punkter')!.properties!.sheetId!;
    const xlsx = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
    const closed = xlsx.model.meetings.flatMap((m) => m.items).find((i) => i.closed)!;
    const header = (await sheets.spreadsheets.values.get({ spreadsheetId: id, range: "'Punkter'!1:1" })).data.values![0]!;
    const col = header.indexOf('Lukket');
    // The closed item's Lukket merged down over the next (open) item: the next one's cell reads empty in Sheets.
    await sheets.spreadsheets.batchUpdate({
      spreadsheetId: id,
      requestBody: { requests: [{ mergeCells: { mergeType: 'MERGE_ALL', range: { sheetId: itemsId, startRowIndex: closed.row - 1, endRowIndex: closed.row + 1, startColumnIndex: col, endColumnIndex: col + 1 } } }] },
    });
    standin.calls.clear();
    const fromSheet = await readAndValidate(googleSheetSource(id, await google(standin)));
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1 });
    const letter = columnLetter(col);
    expect(fromSheet.problems.map((p) => [p.tab, p.cell, p.message])).toEqual([
      ['Punkter', `${letter}${closed.row + 1}`, `Cellen er flettet sammen med ${letter}${closed.row}, så dens værdi kan ikke læses sikkert. Ophæv fletningen, og skriv værdien i hver celle. Indtil da regnes punktet som lukket.`],
    ]);
    const next = fromSheet.model.meetings.flatMap((m) => m.items).find((i) => i.row === closed.row + 1)!;
    expect(next.closed).toBe(true);
    // The fallback path (a tab missing) sees the same merge.
    const fallback = await googleSheetSource(id, await google(standin)).readWorkbook(['Punkter', 'Findes ikke']);
    expect(fallback.grids.get('Punkter')!.rows[closed.row]![col]).toEqual({ error: '#MERGED', unreadable: { kind: 'merged', master: `${letter}${closed.row}` } });
  });

  it('the stand-in merges as Google documents: one merge per column with MERGE_COLUMNS, the top-left value kept, overlaps refused', async () => {
    const id = await sheetFrom(BUNDLED_WORKBOOK, 'sheet-merges-0002');
    const sheets = await (await google(standin)).sheets();
    const range = { sheetId: 0, startRowIndex: 1, endRowIndex: 3, startColumnIndex: 0, endColumnIndex: 2 };
    const before = (await sheets.spreadsheets.values.get({ spreadsheetId: id, range: "'Møder'!A2:B3" })).data.values!;
    await sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: [{ mergeCells: { mergeType: 'MERGE_COLUMNS', range } }] } });
    const got = await sheets.spreadsheets.get({ spreadsheetId: id, ranges: ["'Møder'"], fields: 'sheets(merges)' });
    expect(got.data.sheets![0]!.merges).toEqual([
      { sheetId: 0, startRowIndex: 1, endRowIndex: 3, startColumnIndex: 0, endColumnIndex: 1 },
      { sheetId: 0, startRowIndex: 1, endRowIndex: 3, startColumnIndex: 1, endColumnIndex: 2 },
    ]);
    const after = (await sheets.spreadsheets.values.get({ spreadsheetId: id, range: "'Møder'!A2:B3" })).data.values!;
    expect(after).toEqual([before[0]]);
    const overlap = await sheets.spreadsheets
      .batchUpdate({ spreadsheetId: id, requestBody: { requests: [{ mergeCells: { mergeType: 'MERGE_ALL', range: { ...range, endRowIndex: 2 } } }] } })
      .catch((e: unknown) => e as { status: number });
    expect(overlap.status).toBe(400);
    await sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: [{ unmergeCells: { range } }] } });
    const none = await sheets.spreadsheets.get({ spreadsheetId: id, ranges: ["'Møder'"], fields: 'sheets(merges)' });
    expect(none.data.sheets![0]!.merges).toBeUndefined();
  });

  it('accepts the whole address of the sheet as the id', async () => {
    await sheetFrom(BUNDLED_WORKBOOK, 'sheet-url-000000001');
    const source = googleSheetSource('https://docs.google.com/spreadsheets/d/sheet-url-000000001/edit#gid=0', await google(standin));
    expect(source.description).toBe('Google Sheet sheet-url-000000001');
    expect(source.kind).toBe('google');
    expect(source.spreadsheetId).toBe('sheet-url-000000001');
    await source.readWorkbook(['Møder']);
    expect(standin.calls.list[0]!.path).toBe('/v4/spreadsheets/sheet-url-000000001');
  });
});
