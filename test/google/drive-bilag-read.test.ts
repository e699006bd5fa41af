// Reading Drive bilag in a Google Sheet, with the real clients against the stand-in: a Drive link and a
// file smart chip (read in the one spreadsheets.get the Sheet costs anyway), a Google Doc exported,
// and every file that cannot be used a Danish problem at its cell that holds the meeting back. What
// was read is kept under --out, so a run with nothing new reads no Drive file.

import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { wire } from '../../src/commands/wiring.js';
import { textWithChips } from '../../src/google/sheets-read.js';
import { heldBackBy } from '../../src/model.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { driveFileId, parseAttachments } from '../../src/validate/values.js';
import { docxWithText, pdfWithPassword, pdfWithText } from '../helpers/bilag-files.js';
import { addTabs, cellOf, DEFAULT_ACCOUNT, loadXlsx, replaceContent, setChipRuns, sheetOf, startStandin, type DriveFile, type Standin } from '../standin/index.js';
import { standinEnv } from './helpers.js';
import { secretaryFile as seedSecretaryFile } from '../helpers/drive-bilag.js';

const SHEET = 'drive-bilag-sheet-001';
const CELL = 'P10'; // Punkter: CF-2022-03-24, item 2
const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const GDOC = 'application/vnd.google-apps.document';

let standin: Standin;
let out: string;
let pdf: Uint8Array;

beforeAll(async () => {
  standin = await startStandin();
  pdf = await pdfWithText('KORT-LAEKROGEN');
});
afterAll(() => standin.close());
beforeEach(async () => {
  standin.reset();
  const ss = await loadXlsx(standin, BUNDLED_WORKBOOK, { id: SHEET });
  // The script's own tabs, as a first run leaves them: the Sheet is then read in one call.
  addTabs(ss, { [LOG_TAB.name]: [LOG_TAB.columns.map((c) => c.header)], [PROBLEMS_TAB.name]: [PROBLEMS_TAB.columns.map((c) => c.header)], [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header)] });
  out = await mkdtemp(join(tmpdir(), 'dagsorden-drive-bilag-'));
});

/** In the secretary's My Drive, as a file she made there would be. */
const secretaryFile = (name: string, mimeType: string, content: Uint8Array | string, extra: Partial<DriveFile> & { shared?: boolean } = {}): DriveFile =>
  seedSecretaryFile(standin.state.drive, name, mimeType, content, { parents: ['root'], ...extra });

const link = (f: DriveFile): string => `https://drive.google.com/file/d/${f.id}/view?usp=sharing`;

function setBilag(text: string, chips: { at: number; uri: string }[] = [], cell = CELL): void {
  const c = cellOf(sheetOf(standin, SHEET, 'Punkter'), cell)!;
  c.value = text;
  setChipRuns(c, chips.map((ch) => ({ startIndex: ch.at, chip: { richLinkProperties: { uri: ch.uri, mimeType: PDF } } })));
}

/** validate's (and --dry-run's) reading: keeps nothing. */
async function read(extraEnv: NodeJS.ProcessEnv = {}) {
  const before = standin.calls.byRoute();
  const w = await wire({ sheet: SHEET, out, now: '2022-03-18T12:00' }, standinEnv(standin, { DAGSORDEN_SOFFICE: '/ingen/libreoffice', ...extraEnv }));
  const after = standin.calls.byRoute();
  const calls: Record<string, number> = {};
  for (const [route, n] of Object.entries(after)) if (n - (before[route] ?? 0) > 0) calls[route] = n - (before[route] ?? 0);
  const item = w.model.meetings.find((m) => m.id === 'CF-2022-03-24')!.items.find((i) => i.number === 2)!;
  return { ...w, calls, attachments: item.attachments };
}

/** A publishing run's reading (it keeps what it read under --out). */
async function publishRead(extraEnv: NodeJS.ProcessEnv = {}) {
  const before = standin.calls.byRoute();
  const w = await wire({ sheet: SHEET, out, sends: true, now: '2022-03-18T12:00' }, standinEnv(standin, { DAGSORDEN_SOFFICE: '/ingen/libreoffice', DAGSORDEN_MAIL: 'outbox', ...extraEnv }));
  const after = standin.calls.byRoute();
  const calls: Record<string, number> = {};
  for (const [route, n] of Object.entries(after)) if (n - (before[route] ?? 0) > 0) calls[route] = n - (before[route] ?? 0);
  const item = w.model.meetings.find((m) => m.id === 'CF-2022-03-24')!.items.find((i) => i.number === 2)!;
  return { ...w, calls, attachments: item.attachments };
}

describe('a Drive file in Bilag, by link or smart chip', () => {
  it('knows the links of a Drive file, and not a folder or another site', () => {
    expect(driveFileId('https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing')).toBe('1AbCdEfGhIjKlMnOp');
    expect(driveFileId('https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp')).toBe('1AbCdEfGhIjKlMnOp');
    expect(driveFileId('https://drive.google.com/uc?export=download&id=1AbCdEfGhIjKlMnOp')).toBe('1AbCdEfGhIjKlMnOp');
    expect(driveFileId('https://docs.google.com/document/d/1AbCdEfGhIjKlMnOp/edit')).toBe('1AbCdEfGhIjKlMnOp');
    expect(driveFileId('https://docs.google.com/presentation/u/0/d/1AbCdEfGhIjKlMnOp/edit#slide=id.p')).toBe('1AbCdEfGhIjKlMnOp');
    expect(driveFileId('https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOp')).toBe('1AbCdEfGhIjKlMnOp');
    expect(driveFileId('https://docs.google.com/document/d/e/2PACX-1vRabcdefghij/pub')).toBeUndefined();
    expect(driveFileId('https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp')).toBeUndefined();
    expect(driveFileId('https://example.org/file/d/1AbCdEfGhIjKlMnOp/view')).toBeUndefined();
    expect(parseAttachments('Kort | https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view')).toEqual({ ok: true, value: [{ title: 'Kort', url: 'https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view', drive: '1AbCdEfGhIjKlMnOp' }] });
    expect(parseAttachments('Referat | https://example.org/r.pdf')).toEqual({ ok: true, value: [{ title: 'Referat', url: 'https://example.org/r.pdf' }] });
  });

  it("reads a chip's address in place of its @ placeholder (and, should the text hold the chip's name, in place of that run)", () => {
    const uri = 'https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view';
    expect(textWithChips('Kort | @\nOplæg | @', [{}, { startIndex: 7, chip: { richLinkProperties: { uri } } }, { startIndex: 8, chip: {} }, { startIndex: 17, chip: { richLinkProperties: { uri: uri + '2' } } }])).toBe(`Kort | ${uri}\nOplæg | ${uri}2`);
    expect(textWithChips('@', [{ chip: { richLinkProperties: { uri } } }])).toBe(uri);
    expect(textWithChips('Kort | kort.pdf', [{}, { startIndex: 7, chip: { richLinkProperties: { uri } } }])).toBe(`Kort | ${uri}`);
    expect(textWithChips('Mødt: @', [{}, { startIndex: 6, chip: { personProperties: { email: 'a@b.dk' } } }])).toBe('Mødt: @');
  });

  it('a Drive link and a smart chip are read: name, type, size and checksum in the model, the chip in the same one Sheet read', async () => {
    const kort = secretaryFile('Kort over Lækrogen', PDF, pdf); // no extension: the copy gets .pdf
    const oplaeg = secretaryFile('oplæg.docx', DOCX, await docxWithText('OPLAEG'));
    setBilag(`Kort | ${link(kort)}\n@\nReferat | https://example.org/r.pdf`, [{ at: `Kort | ${link(kort)}\n`.length, uri: `https://drive.google.com/file/d/${oplaeg.id}/view?usp=drivesdk` }]);
    const r = await read();
    expect(r.problems).toEqual([]);
    expect(r.attachments.map((a) => [a.title, a.file?.name, a.file?.mediaType])).toEqual([
      ['Kort', 'Kort over Lækrogen.pdf', PDF],
      ['oplæg', 'oplæg.docx', DOCX],
      ['Referat', undefined, undefined],
    ]);
    const { createHash } = await import('node:crypto');
    expect(r.attachments[0]!.file!.sha256).toBe(createHash('sha256').update(pdf).digest('hex'));
    expect(r.attachments[0]!.file!.size).toBe(pdf.length);
    // One Sheet read (with the chip), per file one files.get for its facts and one for its bytes.
    expect(r.calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 4 });
    const sheetRead = standin.calls.list.find((c) => c.route === 'sheets.spreadsheets.get')!;
    expect(sheetRead.query.get('fields')).toContain('chipRuns(startIndex,chip/richLinkProperties/uri)');
  });

  it('a Google Doc is exported: as .docx for the original format and as PDF, with no checksum of its own', async () => {
    const doc = secretaryFile('Oplæg til ledelsesudvikling', GDOC, '', { exports: { [DOCX]: Buffer.from(await docxWithText('OPLAEG')), [PDF]: Buffer.from(pdf) }, modifiedTime: '2022-03-10T10:00:00.000Z' });
    setBilag(`Oplæg | https://docs.google.com/document/d/${doc.id}/edit`);
    const r = await read();
    expect(r.problems).toEqual([]);
    expect(r.attachments[0]!.file).toMatchObject({ name: 'Oplæg til ledelsesudvikling.docx', mediaType: DOCX, size: standin.state.drive.files.get(doc.id)!.exports![DOCX]!.length });
    expect(r.calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 1, 'drive.files.export': 2 });
  });

  const big = Buffer.alloc(51 * 1024 * 1024, 0x20);
  const cases: [string, () => Promise<string> | string, string][] = [
    ['a file that does not exist', () => 'https://drive.google.com/file/d/1FindesIkkeFindesIkke/view', `er et link til en fil i Google Drive, som ikke findes, eller som ${DEFAULT_ACCOUNT} ikke kan se. Del filen (eller mappen, den ligger i) med ${DEFAULT_ACCOUNT} som Læser`],
    ['a file not shared with the account', () => link(secretaryFile('hemmelig.pdf', PDF, pdf, { shared: false })), `er et link til en fil i Google Drive, som ikke findes, eller som ${DEFAULT_ACCOUNT} ikke kan se.`],
    ['a folder (by its file link)', () => link(secretaryFile('Bilagsmappe', 'application/vnd.google-apps.folder', '')), 'er et link til en mappe i Google Drive, ikke til en fil.'],
    ['a shortcut', () => link(secretaryFile('Genvej til kort', 'application/vnd.google-apps.shortcut', '')), 'er en genvej i Google Drive, ikke selve filen.'],
    ['a file of 51 MB', () => link(secretaryFile('stor.pdf', PDF, big)), 'er en fil på 51 MB; et bilag må højst fylde 50 MB.'],
    ['a PDF with a password', async () => link(secretaryFile('låst.pdf', PDF, await pdfWithPassword('FORTROLIGT'))), 'er en PDF-fil med adgangskode eller kryptering.'],
    ['a picture', () => link(secretaryFile('foto.png', 'image/png', 'png')), 'er ikke en fil, der kan bruges som bilag.'],
    ['a Google Form', () => `https://docs.google.com/forms/d/${secretaryFile('Tilmelding', 'application/vnd.google-apps.form', '').id}/edit`, 'er en Google-fil af en slags, der ikke kan bruges som bilag'],
    ['a file in the bin', () => link(secretaryFile('slettet.pdf', PDF, pdf, { trashed: true })), 'er en fil, der ligger i papirkurven i Google Drive.'],
    ['a file its owner will not let readers download', () => link(secretaryFile('spærret.pdf', PDF, pdf, { downloadDisabled: true })), 'er en fil i Google Drive, som ejeren har spærret for download'],
    ['a Google Doc too large for Drive to export', () => `https://docs.google.com/document/d/${secretaryFile('Stor rapport', GDOC, '', { exports: { [DOCX]: Buffer.from('x'), [PDF]: Buffer.alloc(11 * 1024 * 1024) } }).id}/edit`, 'er et Google Docs-dokument, der er for stort til, at Google Drive kan gemme det som PDF'],
  ];
  it.each(cases)('%s is a problem at its Bilag cell that holds the meeting back', async (_name, make, message) => {
    const url = await make();
    setBilag(`Bilaget | ${url}`);
    const r = await read();
    expect(r.problems.map((p) => [p.tab, p.cell])).toEqual([['Punkter', CELL]]);
    expect(r.problems[0]!.message).toContain(`Bilag 1 "Bilaget | ${url}" ${message}`);
    expect(heldBackBy(r.problems).meeting('CF-2022-03-24')).toBe(true);
  });

  it('a file Drive refuses to show the account (403) is a problem at its cell; a Drive that is down ends the run in Danish', async () => {
    const kort = secretaryFile('kort.pdf', PDF, pdf);
    setBilag(`Kort | ${link(kort)}`);
    standin.faults.push({ match: 'drive.files.get', status: 403, reason: 'insufficientFilePermissions', message: 'The user does not have sufficient permissions for this file.' });
    const r = await read();
    expect(r.problems.map((p) => p.message)).toEqual([`Bilag 1 "Kort | ${link(kort)}" er en fil i Google Drive, som ${DEFAULT_ACCOUNT} ikke må læse (The user does not have sufficient permissions for this file.). Del filen med ${DEFAULT_ACCOUNT} som Læser, og kør igen.`]);
    standin.faults.push({ match: 'drive.files.get', status: 503, times: Infinity });
    const err = await read({ DAGSORDEN_GOOGLE_ATTEMPTS: '2' }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^Google Drive svarer ikke lige nu \(HTTP 503, 2 forsøg\)/);
    standin.faults.length = 0;
  });

  it("a closed item's Drive problem names neither the bilag's title nor its link", async () => {
    const punkter = sheetOf(standin, SHEET, 'Punkter');
    cellOf(punkter, 'G10')!.value = 'Ja';
    setBilag('Fyringsplan X | https://drive.google.com/file/d/1FindesIkkeFindesIkke/view');
    const r = await read();
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.message).not.toMatch(/Fyring|1FindesIkke/);
    expect(r.problems[0]!.message).toContain('(indholdet vises ikke, fordi punktet er lukket)');
  });

  it('never changes the Drive file it reads (drive.readonly: only reads reach the original)', async () => {
    const kort = secretaryFile('kort.pdf', PDF, pdf);
    const before = { permissions: structuredClone(kort.permissions), content: Buffer.from(kort.content), modifiedTime: kort.modifiedTime, name: kort.name };
    setBilag(`Kort | ${link(kort)}`);
    await publishRead();
    const touching = standin.calls.list.filter((c) => c.path.includes(kort.id));
    expect(touching.map((c) => `${c.method} ${c.route}`)).toEqual(['GET drive.files.get', 'GET drive.files.get']);
    const after = standin.state.drive.files.get(kort.id)!;
    expect({ permissions: after.permissions, content: after.content, modifiedTime: after.modifiedTime, name: after.name }).toEqual(before);
  });
});

describe('what was read is kept: a run with nothing new reads no Drive file', () => {
  it('a publishing run keeps what it read under --out; the next run reads only the Sheet', async () => {
    const kort = secretaryFile('kort.pdf', PDF, pdf);
    setBilag(`Kort | ${link(kort)}`);
    const first = await publishRead();
    expect(first.calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 2 });
    const cache = JSON.parse(await readFile(join(out, '.drive-bilag.json'), 'utf8')) as { spreadsheetId: string; files: Record<string, unknown> };
    expect(cache.spreadsheetId).toBe(SHEET);
    expect(Object.keys(cache.files)).toEqual([kort.id]);
    const again = await publishRead();
    expect(again.calls).toEqual({ 'sheets.spreadsheets.get': 1 });
    expect(again.attachments[0]!.file).toEqual(first.attachments[0]!.file);
  });

  it('validate and --dry-run keep nothing: each reads Drive', async () => {
    const kort = secretaryFile('kort.pdf', PDF, pdf);
    setBilag(`Kort | ${link(kort)}`);
    await read();
    expect((await read()).calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 2 });
  });

  it('after the trusted time an unchanged file costs one files.get (no download); a changed one is read again', async () => {
    const kort = secretaryFile('kort.pdf', PDF, pdf);
    setBilag(`Kort | ${link(kort)}`);
    // The meeting is on 2022-03-24, after the run's --now: not yet held, so its files are checked again.
    const first = await publishRead();
    const again = await publishRead({ DAGSORDEN_DRIVE_BILAG_MINUTES: '0' });
    expect(again.calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 1 });
    expect(again.attachments[0]!.file).toEqual(first.attachments[0]!.file);
    const changed = await pdfWithText('KORT-NY-UDGAVE');
    replaceContent(standin.state.drive.files.get(kort.id)!, Buffer.from(changed));
    const third = await publishRead({ DAGSORDEN_DRIVE_BILAG_MINUTES: '0' });
    expect(third.calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 2 });
    expect(third.attachments[0]!.file!.sha256).not.toBe(first.attachments[0]!.file!.sha256);
  });

  it('a Google Doc is exported again only when it was changed', async () => {
    const doc = secretaryFile('Oplæg', GDOC, '', { exports: { [DOCX]: Buffer.from(await docxWithText('OPLAEG')), [PDF]: Buffer.from(pdf) }, modifiedTime: '2022-03-10T10:00:00.000Z' });
    setBilag(`Oplæg | https://docs.google.com/document/d/${doc.id}/edit`);
    const first = await publishRead();
    expect((await publishRead({ DAGSORDEN_DRIVE_BILAG_MINUTES: '0' })).calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 1 });
    standin.state.drive.files.get(doc.id)!.modifiedTime = '2022-03-17T10:00:00.000Z';
    const changed = await publishRead({ DAGSORDEN_DRIVE_BILAG_MINUTES: '0' });
    expect(changed.calls).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.get': 1, 'drive.files.export': 2 });
    expect(changed.attachments[0]!.file!.sha256).not.toBe(first.attachments[0]!.file!.sha256);
  });
});
