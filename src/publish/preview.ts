// Previews: drafts of both editions, marked "KLADDE – ikke udsendt" on every page, for every meeting
// whose agenda or minutes have not gone out yet, where only the secretariat can open them (Drive's
// `Kladder` folder, or `out/kladder/`). Planning is pure (planPreviews, previewLinks); carryOutPreviews
// does the I/O; finishRun is the runner's last step: previews, `Næste`, and the one write-back.

import type { DateTime } from 'luxon';
import { EDITIONS, type DocumentKind, type Edition } from '../documents/edition.js';
import type { DocumentFormat, DocumentStore, LogEntry, PublishedFile, StateStore, WriteBack } from '../delivery/ports.js';
import { heldBackBy, type Meeting, type Problem, type WorkbookModel } from '../model.js';
import { nextSteps } from './next.js';
import { DOCUMENT_LABEL, FORMATS, agendaSendTime, documentHash, meetingStart, type PlanInput } from './plan.js';
import type { Composer, Renderer } from './run.js';
import { writeBackFor } from './writeback.js';

export interface PreviewTarget {
  readonly meetingId: string;
  readonly document: DocumentKind;
  readonly edition: Edition;
  readonly hash: string;
}

/**
 * The documents of a meeting that are previewed now: the agenda while it is `Planlagt` (before the
 * meeting) or `Dagsorden klar` before its sending time; the minutes while `Afholdt`, or `Referat klar`
 * before the meeting has begun (the planner's own moments: agendaSendTime, meetingStart).
 */
export function previewDocuments(meeting: Meeting, model: WorkbookModel, now: DateTime): DocumentKind[] {
  const start = meetingStart(meeting, model.settings.timeZone);
  const out: DocumentKind[] = [];
  if ((meeting.status === 'Planlagt' && now < start) || (meeting.status === 'Dagsorden klar' && now < agendaSendTime(meeting, model))) out.push('dagsorden');
  if (meeting.status === 'Afholdt' || (meeting.status === 'Referat klar' && now < start)) out.push('referat');
  return out;
}

/** The preview rows of the log for one meeting. */
class PreviewLog {
  private readonly rows: LogEntry[];
  constructor(log: readonly LogEntry[], meetingId: string) {
    this.rows = log.filter((e) => e.action === 'kladde' && e.status === 'udført' && e.meetingId === meetingId);
  }

  private of(document: DocumentKind, edition: Edition): LogEntry[] {
    return this.rows.filter((e) => e.document === DOCUMENT_LABEL[document] && e.edition === edition);
  }

  /** The newest preview file of one format. */
  file(document: DocumentKind, edition: Edition, format: DocumentFormat): (PublishedFile & { hash: string }) | undefined {
    const row = this.of(document, edition)
      .filter((e) => e.format === format && e.fileId)
      .at(-1);
    return row ? { fileId: row.fileId!, link: row.link ?? '', hash: row.hash ?? '', ...(row.folder ? { folderLink: row.folder } : {}) } : undefined;
  }

  /** Every format's newest preview shows this content. */
  upToDate(document: DocumentKind, edition: Edition, hash: string, formats: readonly DocumentFormat[]): boolean {
    return formats.every((f) => this.file(document, edition, f)?.hash === hash);
  }

  /** Where the meeting's previews open: the folder of the newest one. */
  folderLink(): string | undefined {
    return this.rows.filter((e) => e.folder).at(-1)?.folder;
  }
}

/** Everything the run writes back to the script's own cells: links, status, `Næste` and previews. */
export function fullWriteBack(input: PreviewInput & Pick<PlanInput, 'messageId'>): WriteBack {
  const next = nextSteps(input);
  return writeBackFor(input.model, input.log, input.problems, { next, previews: previewLinks(input) });
}

/** What previews are planned from: the planner's own input, without the Message-IDs (previews send nothing). */
export type PreviewInput = Pick<PlanInput, 'model' | 'problems' | 'log' | 'now' | 'formats'>;

/**
 * The previews to make or update now: those whose content changed since the last preview. A meeting
 * held back by its own problems (or a broken workbook) keeps its last preview: its rows are
 * incomplete, and an item left out for a bad `Lukket` cell must not look like a finished agenda.
 */
export function planPreviews(input: PreviewInput): PreviewTarget[] {
  const { model, problems, now } = input;
  const formats = input.formats ?? FORMATS;
  const held = heldBackBy(problems);
  const out: PreviewTarget[] = [];
  for (const meeting of model.meetings) {
    if (held.meeting(meeting.id)) continue;
    const previews = new PreviewLog(input.log, meeting.id);
    for (const document of previewDocuments(meeting, model, now)) {
      for (const edition of EDITIONS) {
        const hash = documentHash(meeting, document, edition, model.settings);
        if (!previews.upToDate(document, edition, hash, formats)) out.push({ meetingId: meeting.id, document, edition, hash });
      }
    }
  }
  return out;
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
  targets: readonly PreviewTarget[],
  input: Pick<PreviewInput, 'model' | 'log' | 'now'>,
  services: { readonly documents: DocumentStore; readonly renderer: Renderer },
  done: LogEntry[],
): Promise<void> {
  if (targets.length === 0) return;
  const { model, now } = input;
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
          fileName: `KLADDE ${r.fileStem}.${format}`,
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
    }
  }
}

export interface FinishInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly now: DateTime;
  /** The log including what this run did. */
  readonly log: readonly LogEntry[];
}

/**
 * The runner's last step: previews of what has not gone out, then ONE write-back with the run's rows,
 * the previews' rows, the links, `Forhåndsvisning` and `Næste`. Previews send no e-mail. A failed
 * preview does not lose the run's results: they are written first, then the failure is raised.
 */
export async function finishRun(
  input: FinishInput,
  services: { readonly documents: DocumentStore; readonly renderer: Renderer; readonly state: StateStore; readonly composer: Pick<Composer, 'messageId'> },
  pending: readonly LogEntry[],
): Promise<{ previews: number }> {
  const { model, problems, now } = input;
  const formats = services.renderer.formats;
  const targets = planPreviews({ model, problems, log: input.log, now, formats });
  const done: LogEntry[] = [];
  let failure: unknown;
  try {
    await carryOutPreviews(targets, { model, log: input.log, now }, services, done);
  } catch (e) {
    failure = e;
  }
  const log = [...input.log, ...done];
  await services.state.writeBack(fullWriteBack({ model, problems, log, now, formats, messageId: services.composer.messageId }), [...pending, ...done]);
  if (failure !== undefined) throw failure;
  return { previews: done.length };
}
