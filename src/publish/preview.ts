// Previews: drafts of both editions, marked "KLADDE – ikke udsendt" on every page, for every meeting
// whose agenda or minutes have not gone out yet, where only the secretariat can open them (Drive's
// `Kladder` folder, or `out/kladder/`), and removed once the document they preview has gone out.
// Planning is pure (planPreviewWork, previewLinks); carryOutPreviews does the I/O.

import type { DateTime } from 'luxon';
import { EDITIONS, type DocumentKind, type Edition } from '../documents/edition.js';
import { DRAFT_FILE_PREFIX } from '../documents/files.js';
import type { DocumentStore, LogEntry, PublishedFile, WriteBack } from '../delivery/ports.js';
import type { DocumentFormat } from '../documents/files.js';
import { heldBackBy, type Meeting, type WorkbookModel } from '../model.js';
import { nextSteps, type NextInput } from './next.js';
import { DOCUMENT_LABEL, FORMATS, agendaSendTime, documentHash, meetingStart, type PlanInput } from './plan.js';
import type { Renderer } from './services.js';
import { writeBackFor } from './writeback.js';

export interface PreviewTarget {
  readonly meetingId: string;
  readonly document: DocumentKind;
  readonly edition: Edition;
  readonly hash: string;
}

/**
 * The documents of a meeting that are previewed now: the agenda while it is `Planlagt` (before the
 * meeting) or `Dagsorden klar` before its sending time; the minutes from the moment the agenda has
 * gone out (its preview goes, the minutes' comes), while `Afholdt`, and while `Referat klar` before
 * the meeting has begun (the planner's own moments: agendaSendTime, meetingStart).
 */
export function previewDocuments(meeting: Meeting, model: WorkbookModel, now: DateTime): DocumentKind[] {
  const start = meetingStart(meeting, model.settings.timeZone);
  const agendaOut = now >= agendaSendTime(meeting, model);
  const out: DocumentKind[] = [];
  if ((meeting.status === 'Planlagt' && now < start) || (meeting.status === 'Dagsorden klar' && !agendaOut)) out.push('dagsorden');
  if ((meeting.status === 'Dagsorden klar' && agendaOut) || meeting.status === 'Afholdt' || (meeting.status === 'Referat klar' && now < start)) out.push('referat');
  return out;
}

/** The preview rows of the log for one meeting. */
class PreviewLog {
  private readonly rows: LogEntry[];
  constructor(log: readonly LogEntry[], meetingId: string) {
    this.rows = log.filter((e) => e.action === 'kladde' && (e.status === 'udført' || e.status === 'fjernet' || e.status === 'påbegyndt') && e.meetingId === meetingId);
  }

  private of(document: DocumentKind, edition: Edition): LogEntry[] {
    return this.rows.filter((e) => e.document === DOCUMENT_LABEL[document] && e.edition === edition);
  }

  /** The newest preview file of one format, unless it was removed since. */
  file(document: DocumentKind, edition: Edition, format: DocumentFormat): (PublishedFile & { hash: string }) | undefined {
    const row = this.of(document, edition)
      // NOTE: a removal begun (an intent without a hash) may have taken the file: it is not trusted to be there.
      .filter((e) => e.format === format && (e.status === 'fjernet' || (e.status === 'udført' && e.fileId) || (e.status === 'påbegyndt' && !e.hash)))
      .at(-1);
    return row && row.status === 'udført' ? { fileId: row.fileId!, link: row.link ?? '', hash: row.hash ?? '', ...(row.folder ? { folderLink: row.folder } : {}) } : undefined;
  }

  /** Every format's newest preview shows this content. */
  upToDate(document: DocumentKind, edition: Edition, hash: string, formats: readonly DocumentFormat[]): boolean {
    // NOTE: after a run that began writing a preview and did not record it, the file may show anything.
    return formats.every((f) => !this.begun(document, edition, f) && this.file(document, edition, f)?.hash === hash);
  }

  /** Where the meeting's previews open: the folder of the newest one. */
  folderLink(): string | undefined {
    return this.rows.filter((e) => e.folder && e.status === 'udført').at(-1)?.folder;
  }

  /** A run began making this preview and did not record the result: the file may be there, unknown to the log. */
  private begun(document: DocumentKind, edition: Edition, format: DocumentFormat): boolean {
    return this.of(document, edition).filter((e) => e.format === format).at(-1)?.status === 'påbegyndt';
  }

  /** Every preview file that is, or may be, there now (made and not removed since; or begun by a run that died). */
  live(): PreviewFile[] {
    const out: PreviewFile[] = [];
    for (const document of ['dagsorden', 'referat'] as const)
      for (const edition of EDITIONS)
        for (const format of FORMATS) {
          const file = this.file(document, edition, format);
          if (file || this.begun(document, edition, format)) out.push({ document, edition, format, ...(file ? { file } : {}) });
        }
    return out;
  }
}

export interface PreviewFile {
  readonly document: DocumentKind;
  readonly edition: Edition;
  readonly format: DocumentFormat;
  /** Where it is; none when a run died making it: then it is looked up by its key. */
  readonly file?: PublishedFile;
}

/**
 * The intents of the previews a run is about to make, recorded with its lease: a run that dies after
 * making a file and before recording it leaves a row that says "look for it", so a preview is never
 * left behind unknown to the log.
 */
export function previewIntents(work: PreviewWork, formats: readonly DocumentFormat[], at: string): LogEntry[] {
  return [
    ...work.make.flatMap((t) => formats.map((format): LogEntry => ({ at, meetingId: t.meetingId, action: 'kladde', document: DOCUMENT_LABEL[t.document], edition: t.edition, format, hash: t.hash, status: 'påbegyndt' }))),
    // A removal's intent has no hash: a run that dies after removing the file and before recording it
    // leaves a row that says the file may be gone, so the next run neither trusts nor leaves it.
    ...work.remove.map((r): LogEntry => ({ at, meetingId: r.meetingId, action: 'kladde', document: DOCUMENT_LABEL[r.document], edition: r.edition, format: r.format, status: 'påbegyndt' })),
  ];
}

export interface PreviewRemoval extends PreviewFile {
  readonly meetingId: string;
}

/** What the run does with previews: make or update these, and remove those. */
export interface PreviewWork {
  readonly make: readonly PreviewTarget[];
  readonly remove: readonly PreviewRemoval[];
}

/** Everything the run writes back to the script's own cells: links, status, `Næste` and previews. */
export function fullWriteBack(input: PreviewInput & Pick<PlanInput, 'messageId'> & Pick<NextInput, 'subscribers'>): WriteBack {
  const next = nextSteps(input);
  return writeBackFor(input.model, input.log, input.problems, { next, previews: previewLinks(input) });
}

/** What previews are planned from: the planner's own input, without the Message-IDs (previews send nothing). */
export type PreviewInput = Pick<PlanInput, 'model' | 'problems' | 'log' | 'now' | 'formats'>;

/**
 * The previews to make or update now (those whose content changed since the last preview), and the
 * preview files to remove: those of a document that is no longer previewed because it has gone out
 * (or the meeting was cancelled, or has begun), and those of a meeting gone from the sheet. A meeting
 * held back by its own problems (or a broken workbook) keeps its last preview: its rows are
 * incomplete, and an item left out for a bad `Lukket` cell must not look like a finished agenda.
 */
export function planPreviewWork(input: PreviewInput): PreviewWork {
  const { model, problems, now } = input;
  const formats = input.formats ?? FORMATS;
  const held = heldBackBy(problems);
  const make: PreviewTarget[] = [];
  const remove: PreviewRemoval[] = [];
  for (const meeting of model.meetings) {
    if (held.meeting(meeting.id)) continue;
    const previews = new PreviewLog(input.log, meeting.id);
    const documents = previewDocuments(meeting, model, now);
    for (const document of documents) {
      for (const edition of EDITIONS) {
        const hash = documentHash(meeting, document, edition, model.settings);
        if (!previews.upToDate(document, edition, hash, formats)) make.push({ meetingId: meeting.id, document, edition, hash });
      }
    }
    for (const p of previews.live()) if (!documents.includes(p.document)) remove.push({ meetingId: meeting.id, ...p });
  }
  // NOTE: a meeting gone from a sheet without problems leaves no draft behind; with problems, a
  // meeting may only look gone (an unreadable Møde-id), so its drafts wait.
  if (problems.length === 0) {
    const known = new Set(model.meetings.map((m) => m.id));
    const gone = new Set(input.log.filter((e) => e.action === 'kladde' && !known.has(e.meetingId)).map((e) => e.meetingId));
    for (const meetingId of gone) for (const p of new PreviewLog(input.log, meetingId).live()) remove.push({ meetingId, ...p });
  }
  return { make, remove };
}

/** `Forhåndsvisning` per meeting: the preview folder while a preview applies, otherwise empty. */
export function previewLinks(input: Omit<PreviewInput, 'formats'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const meeting of input.model.meetings) {
    const applies = previewDocuments(meeting, input.model, input.now).length > 0;
    out.set(meeting.id, applies ? (new PreviewLog(input.log, meeting.id).folderLink() ?? '') : '');
  }
  return out;
}

const MIME: Record<DocumentFormat, string> = { pdf: 'application/pdf', docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' };

/**
 * Renders the previews (all in one LibreOffice start) and puts each in place: the file the log knows
 * is updated in place; without one, a file left by a run that died is looked up first, so a preview
 * is never made twice. Each row is pushed to `done` as it lands, so a failure keeps what was done.
 */
export async function carryOutPreviews(
  work: PreviewWork,
  input: Pick<PreviewInput, 'model' | 'log' | 'now'>,
  services: { readonly documents: DocumentStore; readonly renderer: Renderer; readonly checkpoint?: ((label: string) => void) | undefined },
  done: LogEntry[],
): Promise<void> {
  const checkpoint = services.checkpoint ?? (() => {});
  const { now } = input;
  // Removed first: a draft of what has gone out must not linger next to the real thing. A file
  // already gone (a run died after removing it) is fine, so a removal is done exactly once in effect.
  for (const r of work.remove) {
    const key = { meetingId: r.meetingId, kind: r.document, edition: r.edition, format: r.format, draft: true } as const;
    const file = r.file ?? (await services.documents.findDocument(key));
    if (file) await services.documents.withdrawDocument(key, file);
    done.push({ at: now.toISO()!, meetingId: r.meetingId, action: 'kladde', document: DOCUMENT_LABEL[r.document], edition: r.edition, format: r.format, ...(file ? { fileId: file.fileId } : {}), status: 'fjernet', detail: 'kladden er fjernet: dokumentet er udsendt' });
    checkpoint(`remove preview ${r.meetingId} ${r.document} ${r.edition} ${r.format}`);
  }
  const targets = work.make;
  if (targets.length === 0) return;
  const { model } = input;
  const meetings = new Map(model.meetings.map((m) => [m.id, m]));
  const rendered = await services.renderer.renderAll(
    targets.map((t) => ({ meeting: meetings.get(t.meetingId)!, kind: t.document, edition: t.edition, draft: true })),
    model.settings,
  );
  for (const [i, t] of targets.entries()) {
    const r = rendered[i]!;
    const known = new PreviewLog(input.log, t.meetingId);
    for (const format of services.renderer.formats) {
      const key = { meetingId: t.meetingId, kind: t.document, edition: t.edition, format, draft: true } as const;
      const existing = known.file(t.document, t.edition, format) ?? (await services.documents.findDocument(key));
      const put = await services.documents.putDocument(
        {
          ...key,
          fileName: `${DRAFT_FILE_PREFIX}${r.fileStem}.${format}`,
          mimeType: MIME[format],
          bytes: r.files.get(format)!,
          contentHash: t.hash,
          // NOTE: the renderer's title is safe for the edition (never a closed item's title).
          title: `KLADDE – ${r.title}`,
        },
        existing,
      );
      const folderLink = put.folderLink ?? existing?.folderLink;
      done.push({
        at: now.toISO()!,
        meetingId: t.meetingId,
        action: 'kladde',
        document: DOCUMENT_LABEL[t.document],
        edition: t.edition,
        format,
        hash: t.hash,
        fileId: put.fileId,
        link: put.link,
        status: 'udført',
        ...(folderLink ? { folder: folderLink } : {}),
      });
      checkpoint(`preview ${t.meetingId} ${t.document} ${t.edition} ${format}`);
    }
  }
}
