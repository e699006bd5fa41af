// Bilag as files: the port a file reference is read through, the formats a bilag may have, and the
// names and numbers its copies get. Pure: the reading itself is an adapter's (src/local/bilag-source.ts).

import type { Attachment, AttachmentFile, Item, Meeting } from '../model.js';
import { safeSegment } from '../local/safe-path.js';
import type { Edition } from './edition.js';

/**
 * Largest bilag file read: 50 MB. A bigger file is a problem at its cell; the combined PDF and the
 * e-mails would be too large to use on a tablet or to send.
 */
export const MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024;

/** The formats a bilag may have, by extension: PDF as it is, the office formats converted to PDF. */
export const ATTACHMENT_FORMATS: Readonly<Record<string, { readonly mediaType: string; readonly label: string; readonly office: boolean }>> = {
  pdf: { mediaType: 'application/pdf', label: 'PDF', office: false },
  docx: { mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'Word', office: true },
  pptx: { mediaType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', label: 'PowerPoint', office: true },
  xlsx: { mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'Excel', office: true },
  doc: { mediaType: 'application/msword', label: 'Word', office: true },
  ppt: { mediaType: 'application/vnd.ms-powerpoint', label: 'PowerPoint', office: true },
  xls: { mediaType: 'application/vnd.ms-excel', label: 'Excel', office: true },
  odt: { mediaType: 'application/vnd.oasis.opendocument.text', label: 'OpenDocument-tekst', office: true },
  odp: { mediaType: 'application/vnd.oasis.opendocument.presentation', label: 'OpenDocument-præsentation', office: true },
  ods: { mediaType: 'application/vnd.oasis.opendocument.spreadsheet', label: 'OpenDocument-regneark', office: true },
};

/** `pdf` of `kort.PDF`, lower case; '' without one. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

/** A bilag's file as read, or why it cannot be used (Danish, without the file's name or path). */
export type Inspected = { readonly file: AttachmentFile } | { readonly problem: string };

/** Where bilag files are read from: the workbook's folder (embedded default) or Drive. */
export interface AttachmentSource {
  readonly description: string;
  /** Which references it reads: file paths beside the workbook, or Drive files (links and smart chips). */
  readonly reads: 'path' | 'drive';
  /**
   * Reads every referenced file at once (office files are converted in one LibreOffice start, so a
   * file LibreOffice cannot open is found here, before anything is published). `settled[i]` says the
   * i-th reference belongs only to meetings already held: what was read of it before may be used as
   * it is (Drive: no call), however long ago.
   */
  inspectAll(attachments: readonly Attachment[], options?: { readonly settled?: readonly boolean[] }): Promise<Inspected[]>;
  /** The bytes of a file `inspectAll` read: the original, and the PDF (itself, or converted; undefined without LibreOffice). */
  contents(file: AttachmentFile): Promise<{ readonly original: Uint8Array; readonly pdf: Uint8Array | undefined }>;
}

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

/** `kort` of `kort.pdf`: the title a bilag given only as a file (a smart chip alone on its line) gets. */
export function titleOfFile(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
