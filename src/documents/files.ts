// The names a document's files get: the published name that says what the file is, and the render
// command's `DIR/<Møde-id>/<kind>-<edition>.<format>`.

import { pathInside } from './safe-path.js';
import type { Meeting } from '../model.js';
import type { DocumentKind, Edition } from './edition.js';
import { bundledTemplateSync, fill, type Template } from './template.js';

/** The formats a document is written in: Word for editing, PDF for reading and archiving. */
export type DocumentFormat = 'docx' | 'pdf';

/** A Møde-id as a folder name: characters no file system allows become `-`. */
function folderName(meetingId: string): string {
  // eslint-disable-next-line no-control-regex
  return meetingId.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-').replace(/^\.+/, '-') || '-';
}

const UNSAFE_IN_FILE_NAMES = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g; // eslint-disable-line no-control-regex

/**
 * The name a published file gets, saying what it is: `Dagsorden Chefforum 2022-03-24 (offentlig).pdf`,
 * `Referat Chefforum 2022-11-09 (Medlemsudgave – fortrolig).pdf`. Holds nothing of any item, so it is
 * safe for every edition; characters no file system or Drive allows become `-`.
 */
export function documentFileName(meeting: Pick<Meeting, 'forum' | 'date'>, kind: DocumentKind, edition: Edition, format: DocumentFormat, template: Template = bundledTemplateSync()): string {
  const p = template.phrases;
  // NOTE: a forum name is the secretary's text; a long one is cut so the name stays within 255 bytes.
  const forum = meeting.forum.replace(UNSAFE_IN_FILE_NAMES, '-').replace(/\s+/g, ' ').trim().slice(0, 80);
  const stem = fill(p.fileName, { dokumentnavn: p.kindName[kind], forum, isodato: meeting.date, udgave: p.fileEdition[edition] });
  return `${stem.replace(UNSAFE_IN_FILE_NAMES, '-').replace(/^\.+/, '').trim()}.${format}`;
}

/** `DIR/<Møde-id>/<kind>-<edition>.<format>` */
export function documentPath(outDir: string, request: { readonly meeting: Pick<Meeting, 'id'>; readonly kind: DocumentKind; readonly edition: Edition }, format: DocumentFormat): string {
  return pathInside(outDir, folderName(request.meeting.id), `${request.kind}-${request.edition}.${format}`);
}

/** A preview's file name is the document's, after this: `KLADDE Dagsorden Chefforum 2022-03-24 (offentlig).pdf`. */
export const DRAFT_FILE_PREFIX = 'KLADDE ';
