// The Drive DocumentStore (real @googleapis/drive client against the stand-in): create, update in
// place, find by appProperties, who may open what, folders, shared drives, and faults on uploads.

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { driveDocumentStore } from '../../src/google/drive.js';
import type { DocumentFile } from '../../src/delivery/ports.js';
import { UserError } from '../../src/errors.js';
import { effectivePermissions, seedFile, startStandin, type DriveFile, type Standin } from '../standin/index.js';
import { fakeClock, google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

const MEMBERS = ['anne.jensen@example.org', 'soeren.lykkegaard@example.org'];

const doc = (over: Partial<DocumentFile> = {}): DocumentFile => ({
  meetingId: 'CF-2022-03-24',
  kind: 'dagsorden',
  edition: 'medlemmer',
  format: 'pdf',
  fileName: 'dagsorden-medlemmer.pdf',
  mimeType: 'application/pdf',
  bytes: new TextEncoder().encode('%PDF-1.7 version 1'),
  contentHash: 'sha256:v1',
  title: 'Dagsorden – Chefforum 24-03-2022',
  ...over,
});

async function store(opts: { members?: string[]; folders?: { medlemmer?: string; offentlig?: string }; clock?: ReturnType<typeof fakeClock> } = {}) {
  return driveDocumentStore({ google: await google(standin, (opts.clock ?? fakeClock()).policy), memberEmails: opts.members ?? MEMBERS, folders: opts.folders });
}

const files = (): DriveFile[] => [...standin.state.drive.files.values()];
const documents = () => files().filter((f) => f.mimeType !== 'application/vnd.google-apps.folder');
const readers = (id: string) =>
  effectivePermissions(standin.state.drive, id)
    .filter((p) => p.role === 'reader')
    .map((p) => (p.type === 'anyone' ? 'anyone' : p.emailAddress))
    .sort();

describe('DriveDocumentStore', () => {
  it('creates the file with a multipart upload that really reaches the stand-in, in a members-only meeting folder', async () => {
    const s = await store();
    const put = await s.putDocument(doc());
    expect(standin.calls.count('POST /upload/drive/v3/files')).toBe(1);
    expect(standin.calls.list.find((c) => c.path === '/upload/drive/v3/files')!.query.get('uploadType')).toBe('multipart');
    expect(standin.unhandled).toEqual([]);

    const file = standin.state.drive.files.get(put.fileId)!;
    expect(put.link).toBe(`https://drive.google.com/file/d/${put.fileId}/view?usp=drivesdk`);
    expect(file.appProperties).toEqual({ meeting: 'CF-2022-03-24', kind: 'dagsorden', edition: 'medlemmer', format: 'pdf', hash: 'sha256:v1' });
    expect(file.content.toString()).toBe('%PDF-1.7 version 1');
    expect(file.revisions).toHaveLength(1);
    expect(file.description).toBe('Dagsorden – Chefforum 24-03-2022');
    const folder = standin.state.drive.files.get(file.parents[0]!)!;
    expect(folder.name).toBe('CF-2022-03-24');
    expect(standin.state.drive.files.get(folder.parents[0]!)!.name).toBe('Dagsordener og referater – medlemmer');
    expect(readers(file.id)).toEqual(MEMBERS);
    // Members are not e-mailed by Drive about the sharing.
    const shares = standin.calls.list.filter((c) => c.route === 'drive.permissions.create');
    expect(shares.map((c) => c.query.get('sendNotificationEmail'))).toEqual(['false', 'false']);
    expect(shares.every((c) => c.query.get('supportsAllDrives') === 'true')).toBe(true);
  });

  it('updates in place on the second put: same id, one more revision, exactly one call', async () => {
    const first = await (await store()).putDocument(doc());
    standin.calls.clear();
    // A later run: the log knows the file.
    const second = await (await store()).putDocument(doc({ bytes: new TextEncoder().encode('%PDF-1.7 version 2'), contentHash: 'sha256:v2' }), first);
    expect(second).toEqual(first);
    expect(standin.calls.byRoute()).toEqual({ 'drive.files.update': 1 });
    const call = standin.calls.list[0]!;
    expect(`${call.method} ${call.path}`).toBe(`PATCH /upload/drive/v3/files/${first.fileId}`);
    expect(call.query.get('uploadType')).toBe('multipart');
    const file = standin.state.drive.files.get(first.fileId)!;
    expect(file.revisions).toHaveLength(2);
    expect(file.content.toString()).toBe('%PDF-1.7 version 2');
    expect(file.appProperties.hash).toBe('sha256:v2');
    expect(documents()).toHaveLength(1);
  });

  it('finds a file by its appProperties, and nothing for another key or a trashed file', async () => {
    const s = await store();
    const put = await s.putDocument(doc());
    await s.putDocument(doc({ format: 'docx', fileName: 'dagsorden-medlemmer.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }));
    standin.calls.clear();
    expect(await s.findDocument(doc())).toEqual(put);
    expect(standin.calls.byRoute()).toEqual({ 'drive.files.list': 1 });
    const q = standin.calls.list[0]!.query.get('q')!;
    expect(q).toContain("appProperties has { key='meeting' and value='CF-2022-03-24' }");
    expect(q).toContain('trashed = false');
    expect(standin.calls.list[0]!.query.get('includeItemsFromAllDrives')).toBe('true');
    expect(await s.findDocument(doc({ edition: 'offentlig' }))).toBeUndefined();
    expect(await s.findDocument(doc({ meetingId: "CF-'quoted'" }))).toBeUndefined();
    standin.state.drive.files.get(put.fileId)!.trashed = true;
    expect(await s.findDocument(doc())).toBeUndefined();
  });

  it('the public edition is readable by anyone with the link, the members edition only by the members', async () => {
    const s = await store();
    const members = await s.putDocument(doc());
    const pub = await s.putDocument(doc({ edition: 'offentlig', fileName: 'dagsorden-offentlig.pdf' }));
    expect(readers(members.fileId)).toEqual(MEMBERS);
    expect(readers(pub.fileId)).toEqual(['anyone']);
    const anyone = effectivePermissions(standin.state.drive, pub.fileId).find((p) => p.type === 'anyone')!;
    expect(anyone.allowFileDiscovery).toBe(false);
    // Different folders per edition.
    expect(standin.state.drive.files.get(members.fileId)!.parents).not.toEqual(standin.state.drive.files.get(pub.fileId)!.parents);
  });

  it('call counts: first document of a meeting sets up its folder once; the next costs one upload', async () => {
    const s = await store();
    await s.putDocument(doc());
    expect(standin.calls.byRoute()).toEqual({
      'drive.files.list': 2, // the root folder, the meeting folder
      'drive.files.generateIds': 1, // ids for safe creates, 20 at a time
      'drive.files.create': 3, // root folder, meeting folder, the file
      'drive.permissions.list': 1,
      'drive.permissions.create': 2, // one per member
      'drive.files.update': 1, // the folder remembers whom it is shared with
    });
    standin.calls.clear();
    await s.putDocument(doc({ format: 'docx', fileName: 'dagsorden-medlemmer.docx' }));
    expect(standin.calls.byRoute()).toEqual({ 'drive.files.create': 1 });
    // A new run, a new meeting: the root is found again (1 list), the meeting folder is new.
    standin.calls.clear();
    await (await store()).putDocument(doc({ meetingId: 'CF-2022-11-09' }));
    expect(standin.calls.byRoute()).toEqual({ 'drive.files.list': 2, 'drive.files.generateIds': 1, 'drive.files.create': 2, 'drive.permissions.list': 1, 'drive.permissions.create': 2, 'drive.files.update': 1 });
  });

  it('re-shares a meeting folder when the member list changed: new members added, former members removed', async () => {
    const first = await (await store()).putDocument(doc());
    await (await store({ members: ['anne.jensen@example.org', 'ny.chef@example.org'] })).putDocument(doc({ format: 'docx', fileName: 'dagsorden-medlemmer.docx' }));
    expect(readers(first.fileId)).toEqual(['anne.jensen@example.org', 'ny.chef@example.org']);
    standin.calls.clear();
    // Unchanged list: no sharing calls at all.
    await (await store({ members: ['ny.chef@example.org', 'Anne.Jensen@example.org'] })).putDocument(doc({ kind: 'referat', fileName: 'referat-medlemmer.pdf' }));
    expect(standin.calls.count('drive.permissions.list') + standin.calls.count('drive.permissions.create')).toBe(0);
  });

  it('uses configured parent folders, also in a shared drive', async () => {
    const members = seedFile(standin.state.drive, { name: 'Chefforum medlemmer', appCreated: true, driveId: 'shared-1', parents: ['shared-1'] });
    const pub = seedFile(standin.state.drive, { name: 'Chefforum offentlig', appCreated: true });
    const s = await store({ folders: { medlemmer: members.id, offentlig: pub.id } });
    const a = await s.putDocument(doc());
    const b = await s.putDocument(doc({ edition: 'offentlig', fileName: 'dagsorden-offentlig.pdf' }));
    const folderA = standin.state.drive.files.get(standin.state.drive.files.get(a.fileId)!.parents[0]!)!;
    expect(folderA.parents).toEqual([members.id]);
    expect(folderA.driveId).toBe('shared-1');
    expect(standin.state.drive.files.get(standin.state.drive.files.get(b.fileId)!.parents[0]!)!.parents).toEqual([pub.id]);
    expect(await s.findDocument(doc())).toEqual(a);
  });

  it('a configured folder dagsorden cannot see (drive.file) ends in a Danish explanation', async () => {
    const own = seedFile(standin.state.drive, { name: 'Lavet i hånden', appCreated: false });
    const s = await store({ folders: { medlemmer: own.id } });
    const err = await s.putDocument(doc()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).reason).toBe('service');
    expect((err as UserError).message).toBe(
      `Drive-mappen ${own.id} (Indstillinger: Drive-mappe medlemmer) blev ikke fundet. Tjek id'et (koden efter /folders/ i mappens adresse). NB: dagsorden har kun adgang til mapper, den selv har oprettet (adgangen drive.file): lad feltet stå tomt, så opretter dagsorden mappen, og flyt den bagefter, hvorhen du vil.`,
    );
  });

  it('a file deleted in Drive is uploaded again instead of failing every run', async () => {
    const first = await (await store()).putDocument(doc());
    standin.state.drive.files.delete(first.fileId);
    const again = await (await store()).putDocument(doc({ contentHash: 'sha256:v2' }), first);
    expect(again.fileId).not.toBe(first.fileId);
    expect(documents()).toHaveLength(1);
  });
});

describe('DriveDocumentStore under faults', () => {
  it('503, 500 and 429 on the upload are retried until it succeeds; exactly one file; every attempt counted', async () => {
    const clock = fakeClock();
    const s = await store({ clock });
    standin.faults.push({ match: 'POST /upload/drive/v3/files', status: 503, times: 2 }, { match: 'POST /upload/drive/v3/files', status: 500 }, { match: 'POST /upload/drive/v3/files', status: 429 });
    const put = await s.putDocument(doc());
    expect(standin.calls.count('POST /upload/drive/v3/files')).toBe(5);
    expect(documents().map((f) => f.id)).toEqual([put.fileId]);
    // Full jitter (random = 0.5): half of 500, 1000, 2000, 4000 ms; no check for a lost file after a 429.
    expect(clock.sleeps).toEqual([250, 500, 1000, 2000]);
  });

  it('403 userRateLimitExceeded is retried (the client library would not)', async () => {
    const s = await store();
    standin.faults.push({ match: 'drive.files.list', status: '403-userRateLimit', times: 2 });
    await s.putDocument(doc());
    expect(standin.calls.list.slice(0, 3).map((c) => `${c.route} ${c.status}`)).toEqual(['drive.files.list 403', 'drive.files.list 403', 'drive.files.list 200']);
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    const clock = fakeClock();
    const s = await store({ clock });
    await s.putDocument(doc());
    const first = await s.findDocument(doc());
    standin.faults.push({ match: 'PATCH /upload/drive/v3/files', status: 429, retryAfter: 7 }, { match: 'PATCH /upload/drive/v3/files', status: 503, retryAfter: 'Wed, 01 May 2024 12:00:05 GMT' });
    await s.putDocument(doc({ contentHash: 'sha256:v2' }), first);
    expect(clock.sleeps).toEqual([7000, 5000]);
    expect(standin.calls.count('PATCH /upload/drive/v3/files')).toBe(3);
  });

  it('a timed-out upload is retried', async () => {
    const clock = fakeClock({ timeoutMs: 150 });
    const s = await store({ clock });
    await s.putDocument(doc());
    const first = (await s.findDocument(doc()))!;
    standin.faults.push({ match: 'PATCH /upload/drive/v3/files', delayMs: 600, status: 503 });
    await s.putDocument(doc({ bytes: new TextEncoder().encode('v2'), contentHash: 'sha256:v2' }), first);
    expect(standin.calls.count('PATCH /upload/drive/v3/files')).toBe(2);
    expect(clock.sleeps).toHaveLength(1);
    expect(standin.state.drive.files.get(first.fileId)!.content.toString()).toBe('v2');
  });

  it('a create whose answer was lost is found again instead of made twice', async () => {
    const s = await store();
    standin.faults.push({ match: 'POST /upload/drive/v3/files', status: 502, after: true });
    const put = await s.putDocument(doc());
    expect(documents().map((f) => f.id)).toEqual([put.fileId]);
    expect(standin.calls.count('POST /upload/drive/v3/files')).toBe(1);
  });

  it('a permanent failure ends in UserError("service") with a Danish sentence after all attempts', async () => {
    const clock = fakeClock();
    const s = await store({ clock });
    standin.faults.push({ match: 'drive.files.list', status: 503, times: Infinity });
    const err = await s.putDocument(doc()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe('Google Drive svarer ikke lige nu (HTTP 503, 5 forsøg). Prøv igen senere. Det, der allerede er gjort, er registreret; næste kørsel fortsætter, hvor denne slap.');
    expect(standin.calls.count('drive.files.list')).toBe(5);
  });
});
