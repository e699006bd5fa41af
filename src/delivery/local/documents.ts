// The embedded default's document store: a local folder, `<dir>/<Møde-id>/<kind>-<edition>.<ext>`;
// previews apart from them in `<dir>/kladder/<Møde-id>/`, a folder nothing is ever sent from.

import { mkdir, rename, writeFile, access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { DocumentFile, DocumentKey, DocumentStore, PublishedFile } from '../ports.js';

/** Where previews go, under the output folder. */
export const DRAFTS_DIR = 'kladder';

/** The folder of one meeting's files (or of its previews). */
export function localFolder(dir: string, key: Pick<DocumentKey, 'meetingId' | 'draft'>): string {
  return key.draft ? join(dir, DRAFTS_DIR, key.meetingId) : join(dir, key.meetingId);
}

export function localFilePath(dir: string, key: DocumentKey): string {
  return join(localFolder(dir, key), `${key.kind}-${key.edition}.${key.format}`);
}

/** Writes a file so that a reader (or a killed run) never sees half of it. */
export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

export function localDocumentStore(dir: string): DocumentStore {
  const root = resolve(dir);
  const published = (path: string, key: DocumentKey): PublishedFile => ({ fileId: relative(root, path), link: path, ...(key.draft ? { folderLink: localFolder(root, key) } : {}) });
  return {
    description: `mappen ${dir}`,
    async putDocument(file: DocumentFile): Promise<PublishedFile> {
      // NOTE: one path per key, so updating in place and "never two files" hold by construction.
      const path = localFilePath(root, file);
      await mkdir(localFolder(root, file), { recursive: true });
      await writeFileAtomically(path, file.bytes);
      return published(path, file);
    },
    async findDocument(key: DocumentKey): Promise<PublishedFile | undefined> {
      const path = localFilePath(root, key);
      return access(path).then(
        () => published(path, key),
        () => undefined,
      );
    },
  };
}
