// The embedded default's document store: a local folder, `<dir>/<Møde-id>/<kind>-<edition>.<ext>`;
// previews apart from them in `<dir>/kladder/<Møde-id>/`, a folder nothing is ever sent from.

import { mkdir, rename, writeFile, access, rm } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { DocumentFile, DocumentKey, DocumentStore, PublishedFile } from '../ports.js';
import { pathInside } from './paths.js';

/** Where previews go, under the output folder. */
export const DRAFTS_DIR = 'kladder';

/** The folder of one meeting's files (or of its previews). */
export function localFolder(dir: string, key: Pick<DocumentKey, 'meetingId' | 'draft'>): string {
  return key.draft ? pathInside(dir, DRAFTS_DIR, key.meetingId) : pathInside(dir, key.meetingId);
}

export function localFilePath(dir: string, key: DocumentKey): string {
  return key.draft ? pathInside(dir, DRAFTS_DIR, key.meetingId, `${key.kind}-${key.edition}.${key.format}`) : pathInside(dir, key.meetingId, `${key.kind}-${key.edition}.${key.format}`);
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
      await mkdir(dirname(path), { recursive: true });
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
    async withdrawDocument(key: DocumentKey): Promise<void> {
      await rm(localFilePath(root, key), { force: true });
    },
  };
}
