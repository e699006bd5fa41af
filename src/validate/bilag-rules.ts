// What a bilag file may be, and the port its reference is read through: validation reads every
// referenced file (the workbook's folder or Drive) to find a missing, too large or unreadable one at its
// cell before anything is published. Pure: the reading itself is an adapter's (src/local/bilag-source.ts,
// src/google/drive-attachments.ts).

import type { Attachment, AttachmentFile } from '../model.js';

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

/** `kort` of `kort.pdf`: the title a bilag given only as a file (a smart chip alone on its line) gets. */
export function titleOfFile(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
