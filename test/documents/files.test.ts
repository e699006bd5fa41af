// File names that say what a file is, and the local folder keeping one file per document under them.

import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localDocumentStore } from '../../src/local/documents.js';
import type { DocumentFile } from '../../src/delivery/ports.js';
import { documentFileName } from '../../src/documents/files.js';

const meeting = { forum: 'Chefforum', date: '2022-03-24' };
const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});

describe('documentFileName', () => {
  it('says kind, forum, date and edition; the members edition says it is confidential', () => {
    expect(documentFileName(meeting, 'dagsorden', 'offentlig', 'pdf')).toBe('Dagsorden Chefforum 2022-03-24 (offentlig).pdf');
    expect(documentFileName(meeting, 'referat', 'medlemmer', 'docx')).toBe('Referat Chefforum 2022-03-24 (Medlemsudgave – fortrolig).docx');
  });

  it('a forum name with characters no file system allows, or a very long one, still gives one safe name', () => {
    const name = documentFileName({ forum: 'DIF/CF: "Chef\\forum"?\n', date: '2022-03-24' }, 'dagsorden', 'offentlig', 'pdf');
    expect(name).toBe('Dagsorden DIF-CF- -Chef-forum- 2022-03-24 (offentlig).pdf');
    expect(name).not.toMatch(/[\\/:*?"<>|\n]/);
    const long = documentFileName({ forum: 'Æ'.repeat(500), date: '2022-03-24' }, 'referat', 'medlemmer', 'pdf');
    expect(Buffer.byteLength(long)).toBeLessThan(255);
  });
});

describe('the local folder', () => {
  const file = (date: string, bytes: string): DocumentFile => ({
    meetingId: 'CF-2022-03-24',
    kind: 'dagsorden',
    edition: 'offentlig',
    format: 'pdf',
    fileName: documentFileName({ forum: 'Chefforum', date }, 'dagsorden', 'offentlig', 'pdf'),
    mimeType: 'application/pdf',
    bytes: Buffer.from(bytes),
    contentHash: 'h',
    title: 'Dagsorden Chefforum',
  });

  it('writes the file under its name, and when the date changes the earlier file goes: one file per document', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-filnavne-'));
    made.push(dir);
    const store = localDocumentStore(dir);
    const first = await store.putDocument(file('2022-03-24', 'a'));
    expect(await readdir(join(dir, 'CF-2022-03-24'))).toEqual(['Dagsorden Chefforum 2022-03-24 (offentlig).pdf']);
    await store.putDocument(file('2022-03-25', 'b'), first);
    expect(await readdir(join(dir, 'CF-2022-03-24'))).toEqual(['Dagsorden Chefforum 2022-03-25 (offentlig).pdf']);
  });

  it('finds a document of a run that died, under any date, or under the name files had before', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dagsorden-filnavne-'));
    made.push(dir);
    const store = localDocumentStore(dir);
    await store.putDocument(file('2022-03-24', 'a'));
    const key = { meetingId: 'CF-2022-03-24', kind: 'dagsorden', edition: 'offentlig', format: 'pdf' } as const;
    expect((await store.findDocument(key))?.fileId).toBe(join('CF-2022-03-24', 'Dagsorden Chefforum 2022-03-24 (offentlig).pdf'));
    expect(await store.findDocument({ ...key, edition: 'medlemmer' })).toBeUndefined();
    expect(await store.findDocument({ ...key, kind: 'referat' })).toBeUndefined();
    const old = join(dir, 'CF-2021-03-04');
    await mkdir(old);
    await writeFile(join(old, 'referat-medlemmer.pdf'), 'x');
    expect((await store.findDocument({ ...key, meetingId: 'CF-2021-03-04', kind: 'referat', edition: 'medlemmer' }))?.fileId).toBe(join('CF-2021-03-04', 'referat-medlemmer.pdf'));
  });
});
