// The bilag step of a publish run: for each edition the run publishes, the bilag copies that edition
// may have (an open item's in both, a closed item's only in the members'), office files with their
// PDF beside them, and after the agenda the combined PDF of the edition. Every write is "make it so"
// (same bytes: nothing written), so a run killed half-way is finished by the next one: the runner
// writes an action's result only after this step, and an unfinished action is carried out again.

import type { DocumentKind, Edition } from '../documents/edition.js';
import { ATTACHMENT_FORMATS, bilagCopyName, extensionOf, fileBilagOf, type AttachmentSource, type FileBilag } from '../documents/bilag.js';
import { combinePdf } from '../documents/combined-pdf.js';
import { documentFileName } from '../documents/files.js';
import { bundledTemplateSync, type Template } from '../documents/template.js';
import type { Meeting } from '../model.js';

/** What marks the combined PDF's name: `Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf`. */
export const COMBINED_MARK = ' med bilag';

/**
 * Largest combined PDF attached to an invitation: 15 MB. Gmail takes 25 MB per message, but base64
 * makes a file a third larger, and many municipal mail servers stop at 20 MB; a larger file is linked.
 */
export const MAX_ATTACHED_COMBINED_BYTES = 15 * 1024 * 1024;

/** Where the bilag copies and combined PDFs go: the embedded default's folder (src/local/bilag-store.ts). */
export interface BilagStore {
  /** Makes the edition's bilag folder hold exactly `copies`; returns how many were written and each copy's link. */
  syncCopies(meetingId: string, edition: Edition, copies: readonly { name: string; bytes: Uint8Array }[]): Promise<{ written: number; links: ReadonlyMap<string, string> }>;
  putCombined(meetingId: string, edition: Edition, fileName: string, bytes: Uint8Array): Promise<string>;
  removeCombined(meetingId: string, edition: Edition, fileName: string): Promise<void>;
  combinedLink(meetingId: string, edition: Edition, fileName: string): string;
  readCombined(meetingId: string, edition: Edition, fileName: string): Promise<Uint8Array | undefined>;
  copyLink(meetingId: string, edition: Edition, name: string): string;
}

/** What an invitation says of an edition's bilag: a link per bilag, and the combined PDF. */
export interface MailBilag {
  readonly bilag: readonly { readonly item: number; readonly number: number; readonly title: string; readonly link: string; readonly format: string; readonly size: number }[];
  readonly combined?: { readonly fileName: string; readonly link: string; readonly bytes?: Uint8Array; readonly size: number };
}

/** The step as the runner sees it (Services.bilag). */
export interface BilagPublisher {
  /** After an edition's document is published: its bilag copies and, with the agenda's PDF, the combined PDF. */
  publish(meeting: Meeting, edition: Edition, document: DocumentKind, agendaPdf: Uint8Array | undefined): Promise<void>;
  /** What the invitation of an edition links and attaches; undefined when the meeting has no bilag files. */
  forMail(meeting: Meeting, edition: Edition): Promise<MailBilag | undefined>;
}

/** `Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf` */
export function combinedFileName(meeting: Pick<Meeting, 'forum' | 'date'>, edition: Edition, template: Template = bundledTemplateSync()): string {
  return documentFileName({ forum: meeting.forum, date: `${meeting.date}${COMBINED_MARK}` }, 'dagsorden', edition, 'pdf', template);
}

export function bilagPublisher(source: AttachmentSource, store: BilagStore, template: Template = bundledTemplateSync()): BilagPublisher {
  const heading = template.phrases.sections.attachments;
  const bilagTitle = (b: FileBilag): string => `${heading} ${b.number} - ${b.attachment.title}`;
  return {
    async publish(meeting, edition, document, agendaPdf) {
      const files = fileBilagOf(meeting, edition);
      const copies: { name: string; bytes: Uint8Array }[] = [];
      const pdfs = new Map<FileBilag, Uint8Array>();
      for (const b of files) {
        const { original, pdf } = await source.contents(b.file);
        copies.push({ name: bilagCopyName(b, false), bytes: original });
        if (pdf) pdfs.set(b, pdf);
        if (pdf && ATTACHMENT_FORMATS[extensionOf(b.file.name)]?.office) copies.push({ name: bilagCopyName(b, true), bytes: pdf });
      }
      await store.syncCopies(meeting.id, edition, copies);
      if (document !== 'dagsorden') return;
      const name = combinedFileName(meeting, edition, template);
      // NOTE: only when every bilag has a PDF (LibreOffice made the office ones): a combined file
      // without some of them would pass for the whole.
      if (!agendaPdf || files.length === 0 || pdfs.size < files.length) {
        await store.removeCombined(meeting.id, edition, name);
        return;
      }
      const items = meeting.items
        .filter((item) => files.some((b) => b.item === item))
        .map((item) => ({
          title: `Punkt ${item.number}: ${item.prefix} - ${item.title}`,
          bilag: files.filter((b) => b.item === item).map((b) => ({ title: bilagTitle(b), pageLabel: `${heading} ${item.number}.${b.number} - `, pdf: pdfs.get(b)! })),
        }));
      const title = name.replace(/\.pdf$/, '');
      await store.putCombined(meeting.id, edition, name, await combinePdf(agendaPdf, items, { title, agendaLabel: template.phrases.kindName.dagsorden, lang: 'da-DK' }));
    },
    async forMail(meeting, edition) {
      const files = fileBilagOf(meeting, edition);
      if (files.length === 0) return undefined;
      const name = combinedFileName(meeting, edition, template);
      const bytes = await store.readCombined(meeting.id, edition, name);
      return {
        bilag: files.map((b) => ({ item: b.item.number, number: b.number, title: b.attachment.title, link: store.copyLink(meeting.id, edition, bilagCopyName(b, false)), format: ATTACHMENT_FORMATS[extensionOf(b.file.name)]?.label ?? '', size: b.file.size })),
        ...(bytes ? { combined: { fileName: name, link: store.combinedLink(meeting.id, edition, name), size: bytes.length, ...(bytes.length <= MAX_ATTACHED_COMBINED_BYTES ? { bytes } : {}) } } : {}),
      };
    },
  };
}
