// The Google call budget of a publish-shaped sequence through the real adapters (as the runner uses
// them): a no-op run costs one read; publishing a meeting's four files costs one upload each plus one
// batched write-back (after its folders exist); an unchanged re-run writes nothing.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOG_TAB, PROBLEMS_TAB, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import { driveDocumentStore } from '../../src/google/drive.js';
import { sheetsStateStore } from '../../src/google/sheets-state.js';
import type { DocumentFile, LogEntry, PublishedFile, WriteBack } from '../../src/delivery/ports.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { readAndValidate } from '../../src/validate/index.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { addTabs, loadXlsx, startStandin, type Standin } from '../standin/index.js';
import { google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(async () => {
  standin.reset();
  const ss = await loadXlsx(standin, BUNDLED_WORKBOOK, { id: ID });
  addTabs(ss, { [LOG_TAB.name]: [LOG_TAB.columns.map((c) => c.header)], [PROBLEMS_TAB.name]: [PROBLEMS_TAB.columns.map((c) => c.header)], [SUBSCRIBERS_TAB.name]: [SUBSCRIBERS_TAB.columns.map((c) => c.header)] });
});

const ID = 'sheet-budget-000001';
const MEETING = 'CF-2022-03-24';

function files(version: number): DocumentFile[] {
  return (['medlemmer', 'offentlig'] as const).flatMap((edition) =>
    (['docx', 'pdf'] as const).map((format) => ({
      meetingId: MEETING,
      kind: 'dagsorden' as const,
      edition,
      format,
      fileName: `dagsorden-${edition}.${format}`,
      mimeType: format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      bytes: new TextEncoder().encode(`${edition} ${format} v${version}`),
      contentHash: `sha256:v${version}`,
      title: 'Dagsorden – Chefforum 24-03-2022',
    })),
  );
}

/** One run: read, put each file (updating those the log knows), one write-back with the log rows. */
async function run(version: number, known: Map<string, PublishedFile>, publish: boolean) {
  const g = await google(standin);
  const { raw, model } = await readAndValidate(googleSheetSource(ID, g));
  const state = sheetsStateStore({ raw, google: g });
  const drive = driveDocumentStore({ google: g, memberEmails: model.members.map((m) => m.email) });
  const log: LogEntry[] = [];
  if (publish) {
    for (const f of files(version)) {
      const key = `${f.edition}.${f.format}`;
      const put = await drive.putDocument(f, known.get(key));
      known.set(key, put);
      log.push({ at: `2022-03-17T12:00:0${version}`, meetingId: MEETING, action: 'upload', document: 'Dagsorden', edition: f.edition, format: f.format, version: String(version), hash: f.contentHash, fileId: put.fileId, link: put.link, status: 'udført' });
    }
  }
  const links = known.get('medlemmer.pdf');
  const update: WriteBack = { meetings: new Map(links ? [[MEETING, { Dagsorden: links.link }]] : []), problems: [] };
  await state.writeBack(update, log);
}

describe('Google call budget', () => {
  it('no-op run: exactly one call (the read)', async () => {
    await run(1, new Map(), false);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1 });
  });

  it('publishing four files: first time with folder set-up; a new version = 1 read + 4 uploads + 1 write-back; unchanged re-run = 1 read', async () => {
    const known = new Map<string, PublishedFile>();
    await run(1, known, true);
    const first = standin.calls.byRoute();
    expect(first['sheets.spreadsheets.get']).toBe(1);
    // The write-back: one batchUpdate, whose log rows are appended (appendCells) with the rest.
    expect(first['sheets.spreadsheets.batchUpdate']).toBe(1);
    expect(standin.calls.count('POST /upload/drive/v3/files')).toBe(4);

    standin.calls.clear();
    await run(2, known, true);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1, 'drive.files.update': 4, 'sheets.spreadsheets.batchUpdate': 1 });
    expect(standin.calls.count('PATCH /upload/drive/v3/files')).toBe(4);
    expect([...standin.state.drive.files.values()].filter((f) => f.revisions.length === 2)).toHaveLength(4);

    standin.calls.clear();
    await run(2, known, false);
    expect(standin.calls.byRoute()).toEqual({ 'sheets.spreadsheets.get': 1 });
  });
});
