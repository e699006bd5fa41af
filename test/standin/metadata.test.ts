// Developer metadata on rows in the stand-in, as Google documents it ("Read, write, and search
// metadata"; DeveloperMetadata): it stays with its row as rows are inserted or deleted above it, it
// is deleted with its row, and values can be written and cleared by it. Driven by the real client.

import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { google } from '../google/helpers.js';
import { deleteRows, loadGrid, sheetOf, spreadsheetOf, startStandin, valuesOf, type Standin } from './index.js';

let standin: Standin;
const ID = 'metadata-sheet-1';
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => {
  standin.reset();
  loadGrid(standin, { Ark: [['Navn'], ['a'], ['b'], ['c']] }, { id: ID });
});

const lookup = (value: string) => ({ developerMetadataLookup: { metadataKey: 'k', metadataValue: value, locationType: 'ROW' } });
const rows = () => valuesOf(sheetOf(standin, ID, 'Ark'));

it('metadata on a row moves with it when a row is inserted above, and a write by it lands there', async () => {
  const sheets = await (await google(standin)).sheets();
  const created = await sheets.spreadsheets.batchUpdate({
    spreadsheetId: ID,
    requestBody: { requests: [{ createDeveloperMetadata: { developerMetadata: { metadataKey: 'k', metadataValue: 'c', visibility: 'DOCUMENT', location: { dimensionRange: { sheetId: 0, dimension: 'ROWS', startIndex: 3, endIndex: 4 } } } } }] },
  });
  expect(created.data.replies?.[0]?.createDeveloperMetadata?.developerMetadata).toMatchObject({ metadataKey: 'k', metadataValue: 'c', location: { locationType: 'ROW', dimensionRange: { startIndex: 3, endIndex: 4 } } });
  await sheets.spreadsheets.batchUpdate({ spreadsheetId: ID, requestBody: { requests: [{ insertDimension: { range: { sheetId: 0, dimension: 'ROWS', startIndex: 1, endIndex: 2 }, inheritFromBefore: false } }] } });
  const read = await sheets.spreadsheets.get({ spreadsheetId: ID, ranges: ['Ark'], includeGridData: true, fields: 'sheets(data(rowMetadata(developerMetadata(metadataValue))))' });
  const onRows = (read.data.sheets?.[0]?.data?.[0]?.rowMetadata ?? []).map((r) => r.developerMetadata?.[0]?.metadataValue ?? null);
  expect(onRows).toEqual([null, null, null, null, 'c']);
  const res = await sheets.spreadsheets.values.batchUpdateByDataFilter({ spreadsheetId: ID, requestBody: { valueInputOption: 'RAW', data: [{ dataFilter: lookup('c'), values: [['C']] }] } });
  expect(res.data).toMatchObject({ totalUpdatedRows: 1, responses: [{ updatedRange: 'Ark!A5' }] });
  expect(rows()).toEqual([['Navn'], [], ['a'], ['b'], ['C']]);
});

it('deleting the row deletes its metadata: a write or clear by it then touches nothing', async () => {
  const sheets = await (await google(standin)).sheets();
  await sheets.spreadsheets.batchUpdate({
    spreadsheetId: ID,
    requestBody: { requests: [{ createDeveloperMetadata: { developerMetadata: { metadataKey: 'k', metadataValue: 'b', visibility: 'DOCUMENT', location: { dimensionRange: { sheetId: 0, dimension: 'ROWS', startIndex: 2, endIndex: 3 } } } } }] },
  });
  deleteRows(spreadsheetOf(standin, ID), sheetOf(standin, ID, 'Ark'), 2, 3);
  const res = await sheets.spreadsheets.values.batchUpdateByDataFilter({ spreadsheetId: ID, requestBody: { valueInputOption: 'RAW', data: [{ dataFilter: lookup('b'), values: [['X']] }] } });
  expect(res.data.responses ?? []).toEqual([]);
  const cleared = await sheets.spreadsheets.values.batchClearByDataFilter({ spreadsheetId: ID, requestBody: { dataFilters: [lookup('b')] } });
  expect(cleared.data.clearedRanges ?? []).toEqual([]);
  expect(rows()).toEqual([['Navn'], ['a'], ['c']]);
});

it('a row deleted above moves the metadata up; a clear by it empties that row only', async () => {
  const sheets = await (await google(standin)).sheets();
  await sheets.spreadsheets.batchUpdate({
    spreadsheetId: ID,
    requestBody: { requests: [{ createDeveloperMetadata: { developerMetadata: { metadataKey: 'k', metadataValue: 'c', visibility: 'DOCUMENT', location: { dimensionRange: { sheetId: 0, dimension: 'ROWS', startIndex: 3, endIndex: 4 } } } } }] },
  });
  await sheets.spreadsheets.batchUpdate({ spreadsheetId: ID, requestBody: { requests: [{ deleteDimension: { range: { sheetId: 0, dimension: 'ROWS', startIndex: 1, endIndex: 2 } } }] } });
  const cleared = await sheets.spreadsheets.values.batchClearByDataFilter({ spreadsheetId: ID, requestBody: { dataFilters: [lookup('c')] } });
  expect(cleared.data.clearedRanges).toHaveLength(1);
  expect(rows()).toEqual([['Navn'], ['b']]);
  const removed = await sheets.spreadsheets.batchUpdate({ spreadsheetId: ID, requestBody: { requests: [{ deleteDeveloperMetadata: { dataFilter: lookup('c') } }] } });
  expect(removed.data.replies?.[0]?.deleteDeveloperMetadata?.deletedDeveloperMetadata).toHaveLength(1);
  expect(spreadsheetOf(standin, ID).developerMetadata).toEqual([]);
});
