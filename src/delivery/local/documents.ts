// The embedded default's document store: a local folder, `<dir>/<Møde-id>/<file name>`, the name
// saying what the file is (`Dagsorden Chefforum 2022-03-24 (offentlig).pdf`).

import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { documentFileName } from '../../documents/files.js';
import type { DocumentFile, DocumentKey, DocumentStore, PublishedFile } from '../ports.js';

/** `<dir>/<Møde-id>/<fileName>`; without a name, the name files had before names said what they are. */
export function localFilePath(dir: string, key: DocumentKey, fileName = `${key.kind}-${key.edition}.${key.format}`): string {
  return join(dir, key.meetingId, basename(fileName));
}

/** Whether a file in a meeting's folder is the key's, under any forum and date (or the older name). */
function isFileOf(name: string, key: DocumentKey): boolean {
  if (name === basename(localFilePath('', key))) return true;
  // The name with its forum and date left out (both become "-"): what comes before and after them.
  const [before, after] = documentFileName({ forum: '\u0001', date: '\u0002' }, key.kind, key.edition, key.format).split(/-[^]*-/);
  return before !== undefined && after !== undefined && name.length > before.length + after.length && name.startsWith(before) && name.endsWith(after);
}

/** Writes a file so that a reader (or a killed run) never sees half of it. */
export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export function localDocumentStore(dir: string): DocumentStore {
  const root = resolve(dir);
  const published = (path: string): PublishedFile => ({ fileId: relative(root, path), link: path });
  return {
    description: `mappen ${dir}`,
    async putDocument(file: DocumentFile, existing?: PublishedFile): Promise<PublishedFile> {
      const path = localFilePath(root, file, file.fileName);
      await mkdir(join(root, file.meetingId), { recursive: true });
      await writeFileAtomically(path, file.bytes);
      // NOTE: the name carries the forum and date; when they change, the key's earlier file goes, so a
      // key never has two files (only a file of this meeting's folder is ever removed).
      const before = existing ? resolve(root, existing.fileId) : undefined;
      if (before && before !== path && dirname(before) === dirname(path)) await rm(before, { force: true });
      return published(path);
    },
    async findDocument(key: DocumentKey): Promise<PublishedFile | undefined> {
      const folder = join(root, key.meetingId);
      const names = await readdir(folder).catch(() => [] as string[]);
      const name = names.find((n) => isFileOf(n, key));
      return name === undefined ? undefined : published(join(folder, name));
    },
  };
}
