// Previews in Drive (real @googleapis/drive client against the stand-in): the Kladder folder is shared
// with the secretariat only and put right when someone else was added; a preview and a published file
// of the same meeting, kind, edition and format are two files that never find each other.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driveDocumentStore, folderLink } from '../../src/google/drive.js';
import type { DocumentFile } from '../../src/delivery/ports.js';
import { effectivePermissions, startStandin, FOLDER_MIME, type DriveFile, type Standin } from '../standin/index.js';
import { fakeClock, google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

const MEMBERS = ['anne.jensen@example.org', 'karina.dalsgaard@example.org'];

const draft = (over: Partial<DocumentFile> = {}): DocumentFile => ({
  meetingId: 'CF-2022-11-09',
  kind: 'referat',
  edition: 'medlemmer',
  format: 'pdf',
  draft: true,
  fileName: 'CF-2022-11-09 referat-medlemmer (kladde).pdf',
  mimeType: 'application/pdf',
  bytes: new TextEncoder().encode('%PDF-1.7 kladde 1'),
  contentHash: 'h1',
  title: 'KLADDE – Referat Chefforum 09-11-2022',
  ...over,
});

async function store(secretariat: string[]) {
  return driveDocumentStore({ google: await google(standin, fakeClock().policy), memberEmails: MEMBERS, secretariat });
}

const folderNamed = (name: string): DriveFile => [...standin.state.drive.files.values()].find((f) => f.mimeType === FOLDER_MIME && f.name === name)!;
const access = (id: string): string[] =>
  effectivePermissions(standin.state.drive, id)
    .map((p) => `${p.type === 'anyone' ? 'anyone' : p.emailAddress} ${p.role}`)
    .sort();

describe('previews in Drive', () => {
  it('go to Kladder/<Møde-id>, shared with the secretariat only; the folder link is returned', async () => {
    const s = await store(['sekretariat@example.org']);
    const put = await s.putDocument(draft());
    const file = standin.state.drive.files.get(put.fileId)!;
    const meeting = standin.state.drive.files.get(file.parents[0]!)!;
    expect(meeting.name).toBe('CF-2022-11-09');
    expect(standin.state.drive.files.get(meeting.parents[0]!)!.name).toBe('Kladder');
    expect(put.folderLink).toBe(folderLink(meeting.id));
    expect(access(put.fileId)).toEqual(['sekretariat@example.org writer']);
    expect(file.appProperties).toMatchObject({ kind: 'referat-kladde', edition: 'medlemmer', format: 'pdf' });

    // Updated in place: the same file, a new revision, and the folder link again.
    const again = await s.putDocument(draft({ bytes: new TextEncoder().encode('%PDF-1.7 kladde 2'), contentHash: 'h2' }), put);
    expect(again).toEqual(put);
    expect(standin.state.drive.files.get(put.fileId)!.revisions).toHaveLength(2);
  });

  it('someone added by hand is removed when the secretariat changes; the new address gets access, the old loses it', async () => {
    const first = await (await store(['sekretariat@example.org'])).putDocument(draft());
    const kladder = folderNamed('Kladder');
    // A member and a link share added by hand in Drive.
    kladder.permissions.push(
      { kind: 'drive#permission', id: 'p-member', type: 'user', role: 'reader', emailAddress: MEMBERS[0] },
      { kind: 'drive#permission', id: 'p-anyone', type: 'anyone', role: 'reader' },
    );
    const s = await store(['ny.sekretaer@example.org']);
    await s.putDocument(draft({ meetingId: 'CF-2023-01-12', fileName: 'CF-2023-01-12 referat-medlemmer (kladde).pdf' }));
    expect(access(first.fileId)).toEqual(['ny.sekretaer@example.org writer']);
    expect(folderNamed('Kladder').id).toBe(kladder.id);
  });

  it('a preview and the published file of the same key are two files that never find each other', async () => {
    const s = await store(['sekretariat@example.org']);
    const preview = await s.putDocument(draft());
    expect(await s.findDocument({ meetingId: 'CF-2022-11-09', kind: 'referat', edition: 'medlemmer', format: 'pdf' })).toBeUndefined();
    const published = await s.putDocument(draft({ draft: false, fileName: 'referat-medlemmer.pdf', title: 'Referat Chefforum 09-11-2022' }));
    expect(published.fileId).not.toBe(preview.fileId);
    expect((await s.findDocument({ meetingId: 'CF-2022-11-09', kind: 'referat', edition: 'medlemmer', format: 'pdf' }))?.fileId).toBe(published.fileId);
    expect((await s.findDocument({ meetingId: 'CF-2022-11-09', kind: 'referat', edition: 'medlemmer', format: 'pdf', draft: true }))?.fileId).toBe(preview.fileId);
    // The published members' file is shared with the members; the preview still with nobody but the secretariat.
    expect(access(published.fileId)).toEqual(MEMBERS.map((m) => `${m} reader`).sort());
    expect(access(preview.fileId)).toEqual(['sekretariat@example.org writer']);
  });
});
