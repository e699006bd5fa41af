// The stand-in checks every request against Google's discovery documents and refuses what Google
// would refuse, with Google's error text; and its own answers are checked against the response
// schemas. Driven by the real client libraries, as the rest of the suite is.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { google, fakeClock } from '../google/helpers.js';
import { checkResponse, contractRevisions } from './contract.js';
import { parseFieldMask } from './http.js';
import { loadGrid, startStandin, type Standin } from './index.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(async () => {
  standin.reset();
  await loadGrid(standin, { Møder: [['Dato'], ['2026-01-01']] }, { id: 'sheet-1' });
});

/** The breaches this test provoked on purpose; taken out so the after-each check does not fail the test. */
const takeBreaches = () => standin.contract.splice(0);

/** The message of Google's error body, as the client library reports it. */
async function googleError(p: Promise<unknown>): Promise<{ status: number; message: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { status?: number; message: string };
    return { status: err.status ?? 0, message: err.message };
  }
  throw new Error('the request was accepted');
}

describe('requests are checked against Google’s discovery documents', () => {
  it('the vendored documents are the pinned revisions', () => {
    expect(contractRevisions()).toEqual({ sheets: '20260527', drive: '20260519', gmail: '20260525', storage: '20260528' });
  });

  it('a misspelt field deep in a Sheets batchUpdate is a 400 with Google’s "Unknown name … Cannot find field."', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    // @ts-expect-error: the misspelling is the point
    const bad = sheets.spreadsheets.batchUpdate({
      spreadsheetId: 'sheet-1',
      requestBody: { requests: [{ addSheet: { properties: { title: 'Vejledning', gridProperties: { frozenRowCont: 1 } } } }] },
    });
    expect(await googleError(bad)).toEqual({
      status: 400,
      message: `Invalid JSON payload received. Unknown name "frozenRowCont" at 'requests[0].add_sheet.properties.grid_properties': Cannot find field.`,
    });
    expect(takeBreaches()).toHaveLength(1);
    // Nothing was carried out.
    expect(standin.state.sheets.spreadsheets.get('sheet-1')!.sheets.map((s) => s.properties.title)).toEqual(['Møder']);
  });

  it('the same request spelt right is carried out', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    await sheets.spreadsheets.batchUpdate({ spreadsheetId: 'sheet-1', requestBody: { requests: [{ addSheet: { properties: { title: 'Vejledning', gridProperties: { frozenRowCount: 1 } } } }] } });
    expect(standin.state.sheets.spreadsheets.get('sheet-1')!.sheets.map((s) => s.properties.title)).toEqual(['Møder', 'Vejledning']);
  });

  it('an unknown query parameter is a 400 "Cannot bind query parameter"', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    // @ts-expect-error: not a parameter of values.get
    const bad = sheets.spreadsheets.values.get({ spreadsheetId: 'sheet-1', range: 'Møder!A1', valueRendering: 'FORMATTED_VALUE' });
    expect(await googleError(bad)).toEqual({
      status: 400,
      message: `Invalid JSON payload received. Unknown name "valueRendering": Cannot bind query parameter. Field 'valueRendering' could not be found in request message.`,
    });
    expect(takeBreaches()).toHaveLength(1);
  });

  it('a parameter Google requires although its discovery document does not say so is still refused by the stand-in’s handler', async () => {
    // valueInputOption is not marked required in sheets-v4.json, but Sheets refuses an update without it.
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    const bad = sheets.spreadsheets.values.update({ spreadsheetId: 'sheet-1', range: 'Møder!A2', requestBody: { values: [['x']] } });
    expect(await googleError(bad)).toEqual({ status: 400, message: `'valueInputOption' is required but not specified` });
  });

  it('an enum value Google does not know is a 400, in the query and in the body', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    const query = sheets.spreadsheets.values.get({ spreadsheetId: 'sheet-1', range: 'Møder!A1', valueRenderOption: 'PRETTY' });
    expect(await googleError(query)).toMatchObject({ status: 400, message: `Invalid value at 'value_render_option' (enum), "PRETTY"` });
    const body = sheets.spreadsheets.values.batchUpdate({ spreadsheetId: 'sheet-1', requestBody: { valueInputOption: 'TYPED', data: [] } });
    expect(await googleError(body)).toMatchObject({ status: 400, message: `Invalid value at 'value_input_option' (enum), "TYPED"` });
    expect(takeBreaches()).toHaveLength(2);
  });

  it('a value of the wrong type is a 400', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    // @ts-expect-error: the wrong type is the point
    const bad = sheets.spreadsheets.batchUpdate({
      spreadsheetId: 'sheet-1',
      requestBody: { requests: [{ addSheet: { properties: { title: 'X', index: 'first' } } }] },
    });
    expect(await googleError(bad)).toMatchObject({ status: 400, message: `Invalid value at 'requests[0].add_sheet.properties.index' (integer), "first"` });
    expect(takeBreaches()).toHaveLength(1);
  });

  it('a fields mask must name real fields (Drive and Sheets)', async () => {
    const g = await google(standin, fakeClock().policy);
    const drive = await g.drive();
    expect(await googleError(drive.files.list({ q: "name = 'x'", fields: 'files(id,nmae)' }))).toMatchObject({ status: 400, message: 'Invalid field selection nmae' });
    const sheets = await g.sheets();
    expect(await googleError(sheets.spreadsheets.get({ spreadsheetId: 'sheet-1', fields: 'sheets.properties.titel' }))).toMatchObject({ status: 400, message: 'Invalid field selection titel' });
    // Real fields pass.
    await drive.files.list({ q: "name = 'x'", fields: 'files(id,name,appProperties),nextPageToken' });
    await sheets.spreadsheets.get({ spreadsheetId: 'sheet-1', fields: 'sheets(properties(sheetId,title,gridProperties)),properties.title' });
    expect(takeBreaches()).toHaveLength(2);
  });

  it('the field mask inside a Sheets update request must name real fields too', async () => {
    const sheets = await (await google(standin, fakeClock().policy)).sheets();
    const range = { sheetId: standin.state.sheets.spreadsheets.get('sheet-1')!.sheets[0]!.properties.sheetId, startRowIndex: 0, endRowIndex: 1 };
    const bad = sheets.spreadsheets.batchUpdate({
      spreadsheetId: 'sheet-1',
      requestBody: { requests: [{ repeatCell: { range, cell: { userEnteredFormat: { wrapStrategy: 'WRAP' } }, fields: 'userEnteredFormat.wrapStrategi' } }] },
    });
    expect(await googleError(bad)).toMatchObject({ status: 400, message: 'Invalid requests[0].repeatCell: Invalid field selection wrapStrategi' });
    expect(takeBreaches()).toHaveLength(1);
    await sheets.spreadsheets.batchUpdate({
      spreadsheetId: 'sheet-1',
      requestBody: { requests: [{ repeatCell: { range, cell: { userEnteredFormat: { wrapStrategy: 'WRAP' } }, fields: 'userEnteredFormat.wrapStrategy' } }] },
    });
  });

  it('raw HTTP is checked too, not only what the client library sends', async () => {
    const res = await fetch(`${standin.url}/v4/spreadsheets/sheet-1/values:batchGet?ranges=A1&bogus=1`, { headers: { authorization: 'Bearer t' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Unknown name "bogus"');
    expect(takeBreaches()).toHaveLength(1);
  });
});

describe('the stand-in’s answers are checked against the response schemas', () => {
  it('an answer with a field Google does not send, or a 64-bit number not as a string, is a breach', () => {
    expect(checkResponse('drive.files.get', { kind: 'drive#file', id: 'a', name: 'x', mimeType: 'text/plain' })).toEqual([]);
    expect(checkResponse('drive.files.get', { kind: 'drive#file', id: 'a', webLink: 'x' })).toEqual(['drive.files.get answer: must NOT have additional properties "webLink"']);
    expect(checkResponse('storage.objects.get', { name: 'a', generation: 3 })).toEqual(['storage.objects.get answer/generation: must be string']);
    expect(checkResponse('sheets.spreadsheets.values.get', { range: 'A1', values: [['x', 1, true]] })).toEqual([]);
  });
});

describe('the fields mask, read as Google reads it', () => {
  it('nests paths and parentheses, and a field selected whole holds its deeper paths', () => {
    const plain = (m: ReturnType<typeof parseFieldMask>): unknown => Object.fromEntries([...m].map(([k, v]) => [k, v === true ? true : plain(v)]));
    expect(plain(parseFieldMask('files(id,name),nextPageToken'))).toEqual({ files: { id: true, name: true }, nextPageToken: true });
    expect(plain(parseFieldMask('a.b,a.c'))).toEqual({ a: { b: true, c: true } });
    expect(plain(parseFieldMask('a,a.b'))).toEqual({ a: true });
    expect(plain(parseFieldMask('a/b(c)'))).toEqual({ a: { b: { c: true } } });
  });
});
