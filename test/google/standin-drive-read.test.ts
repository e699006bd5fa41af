// The stand-in's Drive and Sheets as the Drive bilag use them, checked through the real clients:
// drive.readonly beside drive.file (a secretary's file can be read and exported, never changed), the
// download and export rules of Drive, and smart chips in spreadsheets.get.

import type { drive_v3 } from '@googleapis/drive';
import type { sheets_v4 } from '@googleapis/sheets';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cellOf, DEFAULT_ACCOUNT, loadGrid, seedFile, sheetOf, startStandin, type DriveFile, type Standin } from '../standin/index.js';
import { google } from './helpers.js';

let standin: Standin;
let drive: drive_v3.Drive;
let sheets: sheets_v4.Sheets;
const READONLY = 'https://www.googleapis.com/auth/drive.readonly';
const GDOC = 'application/vnd.google-apps.document';

beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(async () => {
  standin.reset();
  const g = await google(standin);
  drive = await g.drive();
  sheets = await g.sheets();
});

function secretaryFile(extra: Partial<DriveFile> = {}): DriveFile {
  return seedFile(standin.state.drive, {
    name: 'kort.pdf',
    mimeType: 'application/pdf',
    content: Buffer.from('%PDF-1.7 kort'),
    owner: 'sekretariat@example.org',
    appCreated: false,
    permissions: [{ kind: 'drive#permission', id: 'p1', type: 'user', role: 'reader', emailAddress: DEFAULT_ACCOUNT }],
    ...extra,
  });
}

const status = async (p: Promise<unknown>): Promise<[number, string]> => {
  const e = (await p.then(() => undefined, (x: unknown) => x)) as { status?: number; response?: { data?: { error?: { errors?: { reason?: string }[] } } } } | undefined;
  return [e?.status ?? 200, e?.response?.data?.error?.errors?.[0]?.reason ?? ''];
};

describe('stand-in: Drive with drive.readonly beside drive.file', () => {
  it("reads a file shared with the account: its facts, checksums, capabilities and bytes", async () => {
    const f = secretaryFile();
    const meta = await drive.files.get({ fileId: f.id, fields: 'id,name,mimeType,size,sha256Checksum,md5Checksum,modifiedTime,trashed,capabilities/canDownload', supportsAllDrives: true });
    const { createHash } = await import('node:crypto');
    expect(meta.data).toEqual({
      id: f.id,
      name: 'kort.pdf',
      mimeType: 'application/pdf',
      size: String(f.content.length),
      sha256Checksum: createHash('sha256').update(f.content).digest('hex'),
      md5Checksum: createHash('md5').update(f.content).digest('hex'),
      modifiedTime: f.modifiedTime,
      trashed: false,
      capabilities: { canDownload: true },
    });
    const bytes = await drive.files.get({ fileId: f.id, alt: 'media' }, { responseType: 'arraybuffer' });
    expect(Buffer.from(bytes.data as unknown as ArrayBuffer)).toEqual(f.content);
  });

  it('without drive.readonly the same file is not found (drive.file sees only its own files); a file not shared is not found either', async () => {
    const f = secretaryFile();
    const hidden = secretaryFile({ permissions: [] });
    expect(await status(drive.files.get({ fileId: hidden.id, fields: 'id' }))).toEqual([404, 'notFound']);
    standin.state.oauth.grantedScopes = standin.state.oauth.grantedScopes.filter((s) => s !== READONLY);
    expect(await status(drive.files.get({ fileId: f.id, fields: 'id' }))).toEqual([404, 'notFound']);
  });

  it('never changes it: update, delete, sharing and a child in it are refused with 403 appNotAuthorizedToFile', async () => {
    const f = secretaryFile();
    const folder = secretaryFile({ name: 'Bilag', mimeType: 'application/vnd.google-apps.folder', content: Buffer.alloc(0) });
    expect(await status(drive.files.update({ fileId: f.id, requestBody: { name: 'x' } }))).toEqual([403, 'appNotAuthorizedToFile']);
    expect(await status(drive.files.delete({ fileId: f.id }))).toEqual([403, 'appNotAuthorizedToFile']);
    expect(await status(drive.permissions.create({ fileId: f.id, requestBody: { type: 'anyone', role: 'reader' } }))).toEqual([403, 'appNotAuthorizedToFile']);
    expect(await status(drive.files.create({ requestBody: { name: 'kopi', parents: [folder.id] } }))).toEqual([403, 'appNotAuthorizedToFile']);
    expect(standin.state.drive.files.get(f.id)!.permissions).toHaveLength(1);
  });

  it('exports a Google Doc in the formats it offers; a binary file cannot be exported, a Google Doc cannot be downloaded', async () => {
    const doc = secretaryFile({ name: 'Oplæg', mimeType: GDOC, content: Buffer.alloc(0), exports: { 'application/pdf': Buffer.from('%PDF-1.7 oplæg') } });
    const pdf = await drive.files.export({ fileId: doc.id, mimeType: 'application/pdf' }, { responseType: 'arraybuffer' });
    expect(Buffer.from(pdf.data as unknown as ArrayBuffer).toString()).toBe('%PDF-1.7 oplæg');
    expect(await status(drive.files.export({ fileId: doc.id, mimeType: 'application/rtf' }))).toEqual([400, 'badRequest']);
    expect(await status(drive.files.get({ fileId: doc.id, alt: 'media' }))).toEqual([403, 'fileNotDownloadable']);
    expect(await status(drive.files.export({ fileId: secretaryFile().id, mimeType: 'application/pdf' }))).toEqual([403, 'fileNotExportable']);
    const meta = await drive.files.get({ fileId: doc.id, fields: 'size,sha256Checksum,mimeType' });
    expect(meta.data).toEqual({ mimeType: GDOC });
  });
});

describe('stand-in: smart chips in Sheets', () => {
  it('a file chip written with updateCells reads back with every run, plain runs with an empty chip', async () => {
    loadGrid(standin, { Punkter: [['Bilag'], ['x']] }, { id: 'chips-000000001' });
    const uri = 'https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view';
    await sheets.spreadsheets.batchUpdate({
      spreadsheetId: 'chips-000000001',
      requestBody: {
        requests: [
          {
            updateCells: {
              rows: [{ values: [{ userEnteredValue: { stringValue: 'Kort | @ (ny)' }, chipRuns: [{ startIndex: 7, chip: { richLinkProperties: { uri } } }] }] }],
              fields: 'userEnteredValue,chipRuns',
              start: { sheetId: sheetOf(standin, 'chips-000000001', 'Punkter').properties.sheetId, rowIndex: 1, columnIndex: 0 },
            },
          },
        ],
      },
    });
    expect(cellOf(sheetOf(standin, 'chips-000000001', 'Punkter'), 'A2')!.chipRuns).toHaveLength(1);
    const res = await sheets.spreadsheets.get({ spreadsheetId: 'chips-000000001', ranges: ["'Punkter'!A2"], includeGridData: true, fields: 'sheets(data(rowData(values(effectiveValue,chipRuns))))' });
    expect(res.data.sheets![0]!.data![0]!.rowData![0]!.values![0]).toEqual({
      effectiveValue: { stringValue: 'Kort | @ (ny)' },
      chipRuns: [{ chip: {} }, { startIndex: 7, chip: { richLinkProperties: { uri } } }, { startIndex: 8, chip: {} }],
    });
    // A chip must stand on an "@".
    const bad = sheets.spreadsheets.batchUpdate({
      spreadsheetId: 'chips-000000001',
      requestBody: { requests: [{ updateCells: { rows: [{ values: [{ userEnteredValue: { stringValue: 'Kort' }, chipRuns: [{ startIndex: 1, chip: { richLinkProperties: { uri } } }] }] }], fields: 'userEnteredValue,chipRuns', start: { sheetId: 0, rowIndex: 1, columnIndex: 0 } } }] },
    });
    expect((await status(bad))[0]).toBe(400);
  });
});
