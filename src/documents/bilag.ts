// Bilag as files in the documents: which bilag an edition shows, and the names and numbers their copies
// get. Pure. What a bilag file may be, and the port it is read through, are validation's
// (src/validate/bilag-rules.ts).

import type { Attachment, AttachmentFile, Item, Meeting } from '../model.js';
import { safeSegment } from './safe-path.js';
import { extensionOf } from '../validate/bilag-rules.js';
import type { Edition } from './edition.js';

/** A bilag of an item that is a file, with its number among the item's bilag (as the documents print it). */
export interface FileBilag {
  readonly item: Item;
  /** 1-based among all the item's bilag (links and titles included), as in "Bilag 2". */
  readonly number: number;
  readonly attachment: Attachment;
  readonly file: AttachmentFile;
}

/** The bilag of a meeting that are files and that an edition may show: a closed item's only in the members' edition. */
export function fileBilagOf(meeting: Meeting, edition: Edition): FileBilag[] {
  return meeting.items
    .filter((item) => edition === 'medlemmer' || !item.closed)
    .flatMap((item) => item.attachments.flatMap((attachment, i) => (attachment.file ? [{ item, number: i + 1, attachment, file: attachment.file }] : [])));
}

/** The folder an edition's bilag copies go into, beside the meeting's documents. */
export function bilagFolderName(edition: Edition): string {
  return edition === 'offentlig' ? 'Bilag (offentlig)' : 'Bilag (medlemmer)';
}

/**
 * The name of a bilag's copy: `Punkt 3 - Bilag 2 - kort.pdf`, and with `asPdf` the PDF made of an
 * office file, `Punkt 3 - Bilag 2 - oplæg.docx.pdf` (so the original and its PDF stay side by side).
 */
export function bilagCopyName(b: Pick<FileBilag, 'item' | 'number' | 'file'>, asPdf: boolean): string {
  const ext = extensionOf(b.file.name);
  const name = asPdf && ext !== 'pdf' ? `${b.file.name}.pdf` : b.file.name;
  return safeSegment(`Punkt ${b.item.number} - Bilag ${b.number} - ${name}`);
}

/** What a reader is shown of a file: `PDF, 1,2 MB`. */
export function describeFileSize(size: number): string {
  if (size < 1024 * 1024) return `${Math.max(1, Math.round(size / 1024)).toLocaleString('da-DK')} kB`;
  return `${(size / (1024 * 1024)).toLocaleString('da-DK', { maximumFractionDigits: 1 })} MB`;
}

/**
 * Where a document of an edition links a bilag file: the copy of the original in the edition's bilag
 * folder beside it, as a relative address (the folder travels with the document; every copy exists
 * whether or not LibreOffice could make a PDF of it); on Google Drive the copy's own address.
 */
export function bilagLink(b: Pick<FileBilag, 'item' | 'number' | 'file'>, edition: Edition): string {
  return b.file.links?.[edition] ?? `${encodeURIComponent(bilagFolderName(edition))}/${encodeURIComponent(bilagCopyName(b, false))}`;
}
