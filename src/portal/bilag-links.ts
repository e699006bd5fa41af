// The public site's bilag: an open item's bilag files, from the public edition only, each served from
// the site beside the item's page (`moeder/<id>/punkt-2/bilag-1.pdf`) and linked with its format and
// size. A closed item's bilag are not in the public edition, so nothing of them reaches the site.

import { dirname, join } from 'node:path';
import { bilagCopyName, bilagFolderName, describeFileSize, fileBilagOf } from '../documents/bilag.js';
import { ATTACHMENT_FORMATS, extensionOf } from '../validate/bilag-rules.js';
import type { Meeting } from '../model.js';
import { paths } from './addresses.js';

export interface PortalBilag {
  /** The item's number. */
  readonly item: number;
  /** The bilag's number within its item ("Bilag 2"). */
  readonly number: number;
  readonly title: string;
  readonly fileName: string;
  readonly mediaType: string;
  readonly size: number;
  readonly sha256: string;
  /** The public copy on the embedded default, read into `bytes` before the site is built. */
  readonly path?: string;
  readonly bytes?: Uint8Array;
}

/**
 * The public bilag of a meeting, located beside its published public agenda: the public edition's
 * bilag folder next to the file the log links (only a local folder; a Drive link has none).
 */
export function portalBilagOf(meeting: Meeting, publicAgendaLink: string | undefined): PortalBilag[] {
  const local = publicAgendaLink && !/^https?:\/\//i.test(publicAgendaLink) ? dirname(publicAgendaLink) : undefined;
  return fileBilagOf(meeting, 'offentlig').map((b) => ({
    item: b.item.number,
    number: b.number,
    title: b.attachment.title,
    fileName: b.file.name,
    mediaType: b.file.mediaType,
    size: b.file.size,
    sha256: b.file.sha256,
    ...(local ? { path: join(local, bilagFolderName('offentlig'), bilagCopyName(b, false)) } : {}),
  }));
}

/** `moeder/<id>/punkt-2/bilag-1.pdf` */
export function bilagSitePath(meetingId: string, b: Pick<PortalBilag, 'item' | 'number' | 'fileName'>): string {
  const ext = extensionOf(b.fileName).replace(/[^a-z0-9]/g, '') || 'bin';
  return `${paths.item(meetingId, b.item)}bilag-${b.number}.${ext}`;
}

/** `Bilag 2 - Kort over Lækrogen (PDF, 1,2 MB)`: what the link says, format and size included. */
export function bilagLinkText(heading: string, b: Pick<PortalBilag, 'number' | 'title' | 'fileName' | 'size'>): string {
  return `${heading} ${b.number} - ${b.title} (${ATTACHMENT_FORMATS[extensionOf(b.fileName)]?.label ?? extensionOf(b.fileName).toUpperCase()}, ${describeFileSize(b.size)})`;
}
