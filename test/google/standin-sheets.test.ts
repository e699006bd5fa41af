// The stand-in's Sheets API checked through the real @googleapis/sheets client: what the library
// sends (encoded paths, repeated query keys) and what Google answers (shapes, rendering, errors).

import type { sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cellOf, loadGrid, sheetOf, startStandin, type Standin } from '../standin/index.js';
import { google } from './helpers.js';

let standin: Standin;
let sheets: sheets_v4.Sheets;
const ID = 'standin-sheets-0001';

beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(async () => {
  standin.reset();
  sheets = await (await google(standin)).sheets();
  loadGrid(standin, {
    Møder: [
      ['Møde-id', 'Dato', 'Start', 'Ja?'],
      ['CF-1', { value: 44644, numberFormat: { type: 'DATE', pattern: 'dd-mm-yyyy' } }, { value: 0.375, numberFormat: { type: 'TIME', pattern: 'hh:mm' } }, true],
      [],
      ['CF-2', null, null, { error: '#REF!' }],
    ],
    'Sheet 1': [['a']],
    Udsendelser: [['Tidspunkt']],
  }, { id: ID });
});

describe('stand-in: Sheets values', () => {
  it('batchGet: repeated ranges, typed values, trailing empties omitted, values absent for an empty range', async () => {
    const res = await sheets.spreadsheets.values.batchGet({ spreadsheetId: ID, ranges: ["'Møder'", "'Sheet 1'!B5:C9", 'Udsendelser'], valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'SERIAL_NUMBER' });
    expect(standin.calls.list[0]!.query.getAll('ranges')).toEqual(["'Møder'", "'Sheet 1'!B5:C9", 'Udsendelser']);
    expect(res.data).toEqual({
      spreadsheetId: ID,
      valueRanges: [
        { range: 'Møder!A1:Z1000', majorDimension: 'ROWS', values: [['Møde-id', 'Dato', 'Start', 'Ja?'], ['CF-1', 44644, 0.375, true], [], ['CF-2', '', '', '#REF!']] },
        { range: "'Sheet 1'!B5:C9", majorDimension: 'ROWS' },
        { range: 'Udsendelser!A1:Z1000', majorDimension: 'ROWS', values: [['Tidspunkt']] },
      ],
    });
  });

  it('FORMATTED_VALUE and FORMATTED_STRING render dates with the cell format', async () => {
    const formatted = await sheets.spreadsheets.values.get({ spreadsheetId: ID, range: 'Møder!A2:D2' });
    expect(formatted.data.values).toEqual([['CF-1', '24-03-2022', '09:00', 'TRUE']]);
    const strings = await sheets.spreadsheets.values.get({ spreadsheetId: ID, range: 'Møder!B2', valueRenderOption: 'UNFORMATTED_VALUE', dateTimeRenderOption: 'FORMATTED_STRING' });
    expect(strings.data.values).toEqual([['24-03-2022']]);
  });

  it('a range naming a missing sheet is 400 "Unable to parse range" in the Sheets error style', async () => {
    const err = (await sheets.spreadsheets.values.batchGet({ spreadsheetId: ID, ranges: ["'Møder'", "'Punkter'"] }).catch((e: unknown) => e)) as { status: number; response: { data: unknown } };
    expect(err.status).toBe(400);
    expect(err.response.data).toEqual({ error: { code: 400, message: "Unable to parse range: 'Punkter'", status: 'INVALID_ARGUMENT' } });
  });

  it('update / append / clear with percent-encoded ranges in the path; RAW keeps =text, USER_ENTERED parses', async () => {
    await sheets.spreadsheets.values.update({ spreadsheetId: ID, range: "'Sheet 1'!A2:B2", valueInputOption: 'RAW', requestBody: { values: [['=1+1', '2022-03-24']] } });
    expect(standin.calls.list[0]!.rawPath).toBe(`/v4/spreadsheets/${ID}/values/%27Sheet%201%27%21A2%3AB2`);
    let sheet = sheetOf(standin, ID, 'Sheet 1');
    expect(cellOf(sheet, 'A2')).toEqual({ value: '=1+1' });
    expect(cellOf(sheet, 'B2')).toEqual({ value: '2022-03-24' });
    await sheets.spreadsheets.values.update({ spreadsheetId: ID, range: "'Sheet 1'!A3:C3", valueInputOption: 'USER_ENTERED', requestBody: { values: [['=HYPERLINK("#gid=0&range=A1";"Møder!A1")', '2022-03-24', "'=tekst"]] } });
    sheet = sheetOf(standin, ID, 'Sheet 1');
    expect(cellOf(sheet, 'A3')).toMatchObject({ formula: '=HYPERLINK("#gid=0&range=A1";"Møder!A1")', value: 'Møder!A1' });
    expect(cellOf(sheet, 'B3')).toMatchObject({ value: 44644, format: { numberFormat: { type: 'DATE' } } });
    expect(cellOf(sheet, 'C3')).toEqual({ value: '=tekst' });

    const appended = await sheets.spreadsheets.values.append({ spreadsheetId: ID, range: 'Udsendelser!A1', valueInputOption: 'RAW', requestBody: { values: [['x'], ['y']] } });
    expect(standin.calls.list.at(-1)!.rawPath).toBe(`/v4/spreadsheets/${ID}/values/Udsendelser%21A1:append`);
    expect(appended.data.updates).toMatchObject({ updatedRange: 'Udsendelser!A2:A3', updatedRows: 2, updatedCells: 2 });
    await sheets.spreadsheets.values.clear({ spreadsheetId: ID, range: 'Udsendelser!A2:A3' });
    expect(cellOf(sheetOf(standin, ID, 'Udsendelser'), 'A2')?.value).toBeUndefined();
  });

  it('writing outside the grid is refused like Sheets does; a batch is all or nothing', async () => {
    const err = (await sheets.spreadsheets.values
      .batchUpdate({ spreadsheetId: ID, requestBody: { valueInputOption: 'RAW', data: [{ range: 'Udsendelser!A2', values: [['ok']] }, { range: 'Udsendelser!A1001', values: [['x']] }] } })
      .catch((e: unknown) => e)) as { status: number; message: string };
    expect(err.status).toBe(400);
    expect(err.message).toBe('Invalid data[1]: Range (Udsendelser!A1001) exceeds grid limits. Max rows: 1000, max columns: 26');
    expect(cellOf(sheetOf(standin, ID, 'Udsendelser'), 'A2')).toBeUndefined();
  });

  it('spreadsheets.get honours fields, and grid data gives effective values', async () => {
    const titles = await sheets.spreadsheets.get({ spreadsheetId: ID, fields: 'sheets.properties.title' });
    expect(titles.data).toEqual({ sheets: [{ properties: { title: 'Møder' } }, { properties: { title: 'Sheet 1' } }, { properties: { title: 'Udsendelser' } }] });
    const grid = await sheets.spreadsheets.get({ spreadsheetId: ID, ranges: ['Møder!A4:D4'], includeGridData: true, fields: 'sheets(data(rowData(values(effectiveValue))))' });
    expect(grid.data.sheets![0]!.data![0]!.rowData![0]!.values).toEqual([{ effectiveValue: { stringValue: 'CF-2' } }, {}, {}, { effectiveValue: { errorValue: { type: 'REF', message: 'Error #REF!' } } }]);
  });

  it('404 for an unknown spreadsheet, 403 without access, 401 without a token', async () => {
    await expect(sheets.spreadsheets.values.get({ spreadsheetId: 'nope', range: 'A1' })).rejects.toMatchObject({ status: 404 });
    standin.state.sheets.spreadsheets.get(ID)!.access = 'view';
    await expect(sheets.spreadsheets.values.get({ spreadsheetId: ID, range: 'Møder!A1' })).resolves.toBeTruthy();
    await expect(sheets.spreadsheets.values.update({ spreadsheetId: ID, range: 'Møder!A1', valueInputOption: 'RAW', requestBody: { values: [['x']] } })).rejects.toMatchObject({
      status: 403,
      response: { data: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } } },
    });
    const res = await fetch(`${standin.url}/v4/spreadsheets/${ID}/values:batchGet?ranges=A1`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { status: string } }).error.status).toBe('UNAUTHENTICATED');
  });
});
