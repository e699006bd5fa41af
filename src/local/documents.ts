// The embedded default's document store: a local folder, `<dir>/<Møde-id>/<file name>`, the name
// saying what the file is (`Dagsorden Chefforum 2022-03-24 (offentlig).pdf`); previews apart from
// them in `<dir>/kladder/<Møde-id>/`, a folder nothing is ever sent from. Every path is made by
// `pathInside`, so no Møde-id or name can lead a write out of the folder.

import { mkdir, readdir, rm, rmdir } from 'node:fs/promises';
import writeFileAtomic from 'write-file-atomic';
import { dirname, relative, resolve, sep } from 'node:path';
import { documentFileName, DRAFT_FILE_PREFIX } from '../documents/files.js';
import type { DocumentFile, DocumentKey, DocumentStore, PublishedFile } from '../delivery/ports.js';
import { pathInside } from '../documents/safe-path.js';

/** Where previews go, under the output folder. */
export const DRAFTS_DIR = 'kladder';

/** The folder of one meeting's files (or of its previews). */
export function localFolder(dir: string, key: Pick<DocumentKey, 'meetingId' | 'draft'>): string {
  return key.draft ? pathInside(dir, DRAFTS_DIR, key.meetingId) : pathInside(dir, key.meetingId);
}

/** `<dir>/<Møde-id>/<fileName>`; without a name, the name files had before names said what they are. */
export function localFilePath(dir: string, key: DocumentKey, fileName = `${key.kind}-${key.edition}.${key.format}`): string {
  return key.draft ? pathInside(dir, DRAFTS_DIR, key.meetingId, fileName) : pathInside(dir, key.meetingId, fileName);
}

/** Whether a file in a meeting's folder is the key's, under any forum and date (or the older name). */
function isFileOf(fileName: string, key: DocumentKey): boolean {
  // A preview's name is the document's with the draft prefix (and only a preview's is looked for in kladder/).
  const name = key.draft && fileName.startsWith(DRAFT_FILE_PREFIX) ? fileName.slice(DRAFT_FILE_PREFIX.length) : fileName;
  if (name === `${key.kind}-${key.edition}.${key.format}`) return true;
  // The name with its forum and date left out (both become "-"): what comes before and after them.
  const [before, after] = documentFileName({ forum: '\u0001', date: '\u0002' }, key.kind, key.edition, key.format).split(/-[^]*-/);
  return before !== undefined && after !== undefined && name.length > before.length + after.length && name.startsWith(before) && name.endsWith(after);
}

/** Writes a file so that a reader (or a killed run) never sees half of it: a temporary file, flushed, then renamed. */
export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  await writeFileAtomic(path, typeof data === 'string' ? data : Buffer.from(data));
}

export function localDocumentStore(dir: string): DocumentStore {
  const root = resolve(dir);
  const published = (path: string, key: DocumentKey): PublishedFile => ({ fileId: relative(root, path), link: path, ...(key.draft ? { folderLink: localFolder(root, key) } : {}) });
  /** A file id from the log, as a path: only ever one inside the output folder. */
  const inside = (fileId: string): string | undefined => {
    const path = resolve(root, fileId);
    return path.startsWith(root + sep) ? path : undefined;
  };
  return {
    description: `mappen ${dir}`,
    async putDocument(file: DocumentFile, existing?: PublishedFile): Promise<PublishedFile> {
      const path = localFilePath(root, file, file.fileName);
      await mkdir(dirname(path), { recursive: true });
      await writeFileAtomically(path, file.bytes);
      // NOTE: the name carries the forum and date; when they change, the key's earlier file goes, so a
      // key never has two files (only a file of this meeting's folder is ever removed).
      const before = existing ? inside(existing.fileId) : undefined;
      if (before && before !== path && dirname(before) === dirname(path)) await rm(before, { force: true });
      return published(path, file);
    },
    async findDocument(key: DocumentKey): Promise<PublishedFile | undefined> {
      const folder = localFolder(root, key);
      const names = await readdir(folder).catch(() => [] as string[]);
      const name = names.find((n) => isFileOf(n, key));
      return name === undefined ? undefined : published(pathInside(folder, name), key);
    },
    async withdrawDocument(key: DocumentKey, file: PublishedFile): Promise<void> {
      const path = inside(file.fileId);
      if (path && dirname(path) === localFolder(root, key)) await rm(path, { force: true });
      // A meeting's drafts folder goes with its last draft, so nothing is left after sending.
      if (key.draft) await rmdir(localFolder(root, key)).catch(() => undefined);
    },
  };
}
