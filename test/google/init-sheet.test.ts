// `dagsorden init-sheet` against the stand-in (real @googleapis/sheets client): the documented tabs,
// headers, notes, dropdowns, checkboxes, formats, protections and frozen rows, in two calls; with the
// example, a Sheet that validates exactly like the bundled .xlsx.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GUIDE_HEADERS, GUIDE_TAB_NAME, guideRows, guideSections } from '../../sheets-schema/guide.js';
import { INPUT_TABS, MEETING_STATUSES, SETTINGS, TABS } from '../../sheets-schema/schema.js';
import { runInitSheet } from '../../src/commands/init-sheet.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { readAndValidate } from '../../src/validate/index.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { cellOf, sheetOf, startStandin, valuesOf, type Spreadsheet, type Standin } from '../standin/index.js';
import { google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

async function init(withExample: boolean): Promise<{ ss: Spreadsheet; lines: string[] }> {
  const lines: string[] = [];
  const code = await runInitSheet({ title: 'Chefforum – dagsordener og referater', withExample }, { out: (s) => lines.push(s), env: {}, google: await google(standin) });
  expect(code).toBe(0);
  const ss = [...standin.state.sheets.spreadsheets.values()][0]!;
  return { ss, lines };
}

describe('dagsorden init-sheet', () => {
  it('creates the documented tabs in two calls and prints the URL and the id for DAGSORDEN_SHEET', async () => {
    const { ss, lines } = await init(false);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.create': 1, 'sheets.spreadsheets.batchUpdate': 1 });
    expect(ss.sheets.map((s) => s.properties.title)).toEqual([...TABS.map((t) => t.name), GUIDE_TAB_NAME]);
    expect(ss.properties).toMatchObject({ title: 'Chefforum – dagsordener og referater', locale: 'da_DK', timeZone: 'Europe/Copenhagen' });
    expect(lines).toEqual([
      'Oprettede regnearket "Chefforum – dagsordener og referater":',
      `  https://docs.google.com/spreadsheets/d/${ss.spreadsheetId}/edit`,
      '',
      'Brug det ved at sætte miljøvariablen:',
      `  DAGSORDEN_SHEET=${ss.spreadsheetId}`,
      `eller ved at give --sheet ${ss.spreadsheetId} til kommandoerne.`,
    ]);
  });

  it('every tab: bold, frozen header row with a Danish note on every header cell', async () => {
    const { ss } = await init(false);
    for (const tab of TABS) {
      const sheet = sheetOf(standin, ss.spreadsheetId, tab.name);
      expect(sheet.properties.gridProperties.frozenRowCount).toBe(1);
      expect(valuesOf(sheet)).toEqual([tab.columns.map((c) => c.header)]);
      tab.columns.forEach((col, i) => {
        const cell = sheet.rows[0]![i]!;
        expect(cell.note).toBe(col.note);
        expect(cell.format).toMatchObject({ textFormat: { bold: true } });
      });
    }
  });

  it('dropdown for Status, checkboxes for yes/no, date and time formats', async () => {
    const { ss } = await init(false);
    const moeder = sheetOf(standin, ss.spreadsheetId, 'Møder');
    expect(cellOf(moeder, 'G2')?.dataValidation).toEqual({ condition: { type: 'ONE_OF_LIST', values: MEETING_STATUSES.map((v) => ({ userEnteredValue: v })) }, strict: true, showCustomUi: true });
    expect(cellOf(moeder, 'G1000')?.dataValidation?.condition.type).toBe('ONE_OF_LIST');
    expect(cellOf(moeder, 'G1')?.dataValidation).toBeUndefined();
    expect(cellOf(moeder, 'C2')?.format?.numberFormat).toEqual({ type: 'DATE', pattern: 'dd-mm-yyyy' });
    expect(cellOf(moeder, 'D2')?.format?.numberFormat).toEqual({ type: 'TIME', pattern: 'hh:mm' });
    expect(cellOf(moeder, 'H2')?.format?.numberFormat).toEqual({ type: 'DATE_TIME', pattern: 'dd-mm-yyyy hh:mm' });
    const punkter = sheetOf(standin, ss.spreadsheetId, 'Punkter');
    expect(cellOf(punkter, 'G2')?.dataValidation).toEqual({ condition: { type: 'BOOLEAN', values: [{ userEnteredValue: 'Ja' }, { userEnteredValue: 'Nej' }] }, strict: true });
    expect(cellOf(punkter, 'H2')?.dataValidation?.condition.type).toBe('BOOLEAN');
    expect(cellOf(punkter, 'J2')?.format).toMatchObject({ wrapStrategy: 'WRAP', verticalAlignment: 'TOP' });
    const medlemmer = sheetOf(standin, ss.spreadsheetId, 'Medlemmer');
    expect(cellOf(medlemmer, 'E2')?.dataValidation?.condition.type).toBe('BOOLEAN');
    // Aktiv: empty means Ja, so a dropdown rather than a box that would look unticked.
    expect(cellOf(medlemmer, 'F2')?.dataValidation?.condition).toEqual({ type: 'ONE_OF_LIST', values: [{ userEnteredValue: 'Ja' }, { userEnteredValue: 'Nej' }] });
  });

  it("protects the script's own columns and tabs with a warning only", async () => {
    const { ss } = await init(false);
    const moeder = sheetOf(standin, ss.spreadsheetId, 'Møder');
    expect(moeder.protectedRanges).toEqual([
      { protectedRangeId: expect.any(Number), range: { sheetId: 0, startColumnIndex: 9, endColumnIndex: 15 }, description: 'Møder: kolonnerne skrives af dagsorden. Ret ikke her.', warningOnly: true, requestingUserCanEdit: true },
    ]);
    expect(valuesOf(moeder)[0]!.slice(9)).toEqual(['Dagsorden', 'Referat', 'Senest udsendt', 'Forhåndsvisning', 'Næste', 'Hjemmeside']);
    // The new columns have their notes like every header (issue 13).
    expect(cellOf(moeder, 'M1')?.note).toMatch(/^Skrives af systemet: link til kladden/);
    expect(cellOf(moeder, 'N1')?.note).toMatch(/^Skrives af systemet: hvad der sker næste gang/);
    for (const name of ['Udsendelser', 'Validering']) {
      const sheet = sheetOf(standin, ss.spreadsheetId, name);
      expect(sheet.protectedRanges).toEqual([expect.objectContaining({ range: { sheetId: sheet.properties.sheetId }, warningOnly: true })]);
    }
    for (const name of ['Punkter', 'Medlemmer', 'Indstillinger']) expect(sheetOf(standin, ss.spreadsheetId, name).protectedRanges).toEqual([]);
  });

  it('--with-example: the new Sheet validates exactly like the bundled .xlsx, and a read of it costs one call', async () => {
    const { ss, lines } = await init(true);
    expect(lines[0]).toBe('Oprettede regnearket "Chefforum – dagsordener og referater" med eksemplets møder, punkter og medlemmer:');
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.create': 1, 'sheets.spreadsheets.batchUpdate': 1 });
    standin.calls.clear();
    const fromSheet = await readAndValidate(googleSheetSource(ss.spreadsheetId, await google(standin)));
    const fromXlsx = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
    expect(standin.calls.count()).toBe(1);
    expect(fromSheet.problems).toEqual([]);
    expect(fromSheet.model).toEqual(fromXlsx.model);
    // Dates went in as numbers, shown as dates by the column's format.
    const c2 = cellOf(sheetOf(standin, ss.spreadsheetId, 'Møder'), 'C2')!;
    expect(typeof c2.value).toBe('number');
    expect(c2.format?.numberFormat).toEqual({ type: 'DATE', pattern: 'dd-mm-yyyy' });
  });

  it('adds the Vejledning tab: cell by cell the guide built from the schema, topics bold, protected with a warning', async () => {
    const { ss } = await init(false);
    const sheet = sheetOf(standin, ss.spreadsheetId, GUIDE_TAB_NAME);
    const rows = valuesOf(sheet);
    expect(rows).toEqual(guideRows());
    expect(rows[0]).toEqual([...GUIDE_HEADERS]);
    expect(sheet.properties.gridProperties.frozenRowCount).toBe(1);
    rows.forEach((row, r) =>
      row.forEach((text, c) => {
        const cell = sheet.rows[r]![c]!;
        expect(cell.value).toBe(text);
        expect(cell.format).toMatchObject({ textFormat: { bold: r === 0 || c === 0 }, wrapStrategy: 'WRAP' });
      }),
    );
    expect(sheet.protectedRanges).toEqual([expect.objectContaining({ range: { sheetId: sheet.properties.sheetId }, warningOnly: true })]);
    // Every topic the issue asks for, in order, each once.
    expect(rows.map((r) => r[0]).filter(Boolean)).toEqual(['Emne', ...guideSections().map((s) => s.heading)]);
    expect(guideSections().map((s) => s.heading)).toEqual(['Planlæg et møde', 'Skriv et punkt', 'Luk et punkt', 'Tilføj et bilag', 'Læs «Næste» og «Validering»', 'Se og fjern abonnenter', 'Aflys eller flyt et møde', 'Hvem får hvad']);
  });

  it('the guide names only columns, tabs, statuses and settings the schema has, and each of them as the Sheet spells it', () => {
    const text = guideRows().flat().join('\n');
    const quoted = [...text.matchAll(/«([^»]+)»/g)].map((m) => m[1]!);
    const known = new Set<string>([
      ...TABS.flatMap((t) => [t.name, ...t.columns.map((c) => c.header)]),
      ...MEETING_STATUSES,
      ...SETTINGS.map((s) => s.key),
    ]);
    expect(quoted.length).toBeGreaterThan(30);
    expect(quoted.filter((q) => !known.has(q))).toEqual([]);
    // The tabs the secretary fills in are all explained.
    for (const tab of INPUT_TABS) expect(text).toMatch(new RegExp(`[Ff]anen «${tab.name}»`));
  });
});
