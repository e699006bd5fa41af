// The bilag step of a publish run: for each edition the run publishes, the bilag copies that edition
// may have (an open item's in both, a closed item's only in the members'), office files with their
// PDF beside them, and after the agenda the combined PDF of the edition. On Google Drive the copies'
// addresses are known (reserved) before the documents that link them are made (`withLinks`). Every write is "make it so"
// (same bytes: nothing written), so a run killed half-way is finished by the next one: the runner
// writes an action's result only after this step, and an unfinished action is carried out again.

import type { DocumentKind, Edition } from '../documents/edition.js';
import { bilagCopyName, fileBilagOf, type FileBilag } from '../documents/bilag.js';
import { ATTACHMENT_FORMATS, extensionOf, type AttachmentSource } from '../validate/bilag-rules.js';
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

/** Which copy of a bilag: its item and number, and whether the file as it is or the PDF made of it. */
export interface BilagCopyKey {
  /** `Punkt 3 - Bilag 2 - kort.pdf` (bilagCopyName). */
  readonly name: string;
  readonly item: number;
  readonly number: number;
  readonly format: 'original' | 'pdf';
}

/** A copy to be in an edition's bilag folder. */
export interface BilagCopy extends BilagCopyKey {
  readonly mediaType: string;
  readonly bytes: Uint8Array;
  /** The source file's checksum (AttachmentFile.sha256): a copy whose source is unchanged is not written again. */
  readonly source: string;
}

/**
 * Where the bilag copies and combined PDFs go: the embedded default's folder
 * (src/local/bilag-store.ts), or the meeting's edition folders in Google Drive (src/google/drive-copies.ts).
 */
export interface BilagStore {
  /**
   * Whether the documents link each copy by the address `copyLinks` gives (Drive), rather than by a
   * relative path to the bilag folder beside them (a local folder).
   */
  readonly absoluteLinks: boolean;
  /** Makes the edition's bilag hold exactly `copies`, each written only when new or changed; returns how many were written. */
  syncCopies(meetingId: string, edition: Edition, copies: readonly BilagCopy[]): Promise<{ written: number }>;
  /**
   * Where each copy is, by its name: for the e-mails, and (absoluteLinks) for the documents. With
   * `reserve`, a copy not yet made gets its address now (Drive: a reserved id it will be made under).
   */
  copyLinks(meetingId: string, edition: Edition, copies: readonly BilagCopyKey[], options: { readonly reserve: boolean }): Promise<ReadonlyMap<string, string>>;
  putCombined(meetingId: string, edition: Edition, fileName: string, bytes: Uint8Array): Promise<string>;
  removeCombined(meetingId: string, edition: Edition, fileName: string): Promise<void>;
  combinedLink(meetingId: string, edition: Edition, fileName: string): Promise<string | undefined>;
  readCombined(meetingId: string, edition: Edition, fileName: string): Promise<Uint8Array | undefined>;
}

/** What an invitation says of an edition's bilag: a link per bilag, and the combined PDF. */
export interface MailBilag {
  readonly bilag: readonly { readonly item: number; readonly number: number; readonly title: string; readonly link: string; readonly format: string; readonly size: number }[];
  readonly combined?: { readonly fileName: string; readonly link: string; readonly bytes?: Uint8Array; readonly size: number };
}

/** The step as the runner sees it (Services.bilag). */
export interface BilagPublisher {
  /**
   * The meeting with each file bilag's address in the given editions, before its documents are made
   * (on Drive the copies' own addresses; unchanged where the copies lie beside the documents).
   */
  withLinks(meeting: Meeting, editions: readonly Edition[], options: { readonly reserve: boolean }): Promise<Meeting>;
  /**
   * After an edition's document is published: its bilag copies and, with the agenda's PDF, the
   * combined PDF. `mayHaveCopies` false (no published version ever listed a bilag): a meeting with
   * no bilag file has nothing to bring in line, and nothing is asked.
   */
  publish(meeting: Meeting, edition: Edition, document: DocumentKind, agendaPdf: Uint8Array | undefined, options?: { readonly mayHaveCopies?: boolean }): Promise<void>;
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
  const keyOf = (b: FileBilag, format: BilagCopyKey['format']): BilagCopyKey => ({ name: bilagCopyName(b, format === 'pdf'), item: b.item.number, number: b.number, format });
  return {
    async withLinks(meeting, editions, options) {
      if (!store.absoluteLinks) return meeting;
      const byEdition = new Map<Edition, ReadonlyMap<string, string>>();
      for (const edition of editions) {
        const files = fileBilagOf(meeting, edition);
        if (files.length) byEdition.set(edition, await store.copyLinks(meeting.id, edition, files.map((b) => keyOf(b, 'original')), options));
      }
      if (byEdition.size === 0) return meeting;
      return {
        ...meeting,
        items: meeting.items.map((item) => ({
          ...item,
          attachments: item.attachments.map((a, i) => {
            if (!a.file) return a;
            const name = bilagCopyName({ item, number: i + 1, file: a.file }, false);
            const links = { ...a.file.links };
            for (const [edition, map] of byEdition) {
              const link = map.get(name);
              if (link && (edition === 'medlemmer' || !item.closed)) links[edition] = link;
            }
            return { ...a, file: { ...a.file, links } };
          }),
        })),
      };
    },
    async publish(meeting, edition, document, agendaPdf, options = {}) {
      const files = fileBilagOf(meeting, edition);
      if (files.length === 0 && options.mayHaveCopies === false && !meeting.items.some((i) => i.attachments.some((a) => a.file))) return;
      const copies: BilagCopy[] = [];
      const pdfs = new Map<FileBilag, Uint8Array>();
      for (const b of files) {
        const { original, pdf } = await source.contents(b.file);
        copies.push({ ...keyOf(b, 'original'), mediaType: b.file.mediaType, bytes: original, source: b.file.sha256 });
        if (pdf) pdfs.set(b, pdf);
        if (pdf && ATTACHMENT_FORMATS[extensionOf(b.file.name)]?.office) copies.push({ ...keyOf(b, 'pdf'), mediaType: ATTACHMENT_FORMATS.pdf!.mediaType, bytes: pdf, source: b.file.sha256 });
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
      const links = await store.copyLinks(meeting.id, edition, files.map((b) => keyOf(b, 'original')), { reserve: false });
      const combinedLink = bytes ? await store.combinedLink(meeting.id, edition, name) : undefined;
      return {
        bilag: files.map((b) => ({ item: b.item.number, number: b.number, title: b.attachment.title, link: links.get(bilagCopyName(b, false)) ?? '', format: ATTACHMENT_FORMATS[extensionOf(b.file.name)]?.label ?? '', size: b.file.size })),
        ...(bytes ? { combined: { fileName: name, link: combinedLink ?? '', size: bytes.length, ...(bytes.length <= MAX_ATTACHED_COMBINED_BYTES ? { bytes } : {}) } } : {}),
      };
    },
  };
}
