// planPublish: what is due, computed from the model, the log and the clock. Pure: no disk, no
// network. The runner carries the plan out; `--dry-run` prints it.

import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { editionFor, EDITIONS, type DocumentKind, type Edition } from '../documents/edition.js';
import { contentHash } from '../documents/hash.js';
import type { DocumentFormat, LogEntry } from '../delivery/ports.js';
import { heldBackMeetings, sendingHeldBack, type Meeting, type Member, type Problem, type Settings, type WorkbookModel } from '../model.js';

export const FORMATS: readonly DocumentFormat[] = ['docx', 'pdf'];

/** How the log names a document kind. */
export const DOCUMENT_LABEL: Record<DocumentKind | 'aflysning', string> = { dagsorden: 'Dagsorden', referat: 'Referat', aflysning: 'Aflysning' };

export type SendPurpose = 'invitation' | 'ændring' | 'aflysning' | 'referat';

export interface PublishAction {
  readonly kind: 'publish';
  readonly meetingId: string;
  readonly document: DocumentKind;
  readonly edition: Edition;
  readonly version: number;
  readonly hash: string;
  /** A run died while publishing this version: look for the file before creating one. */
  readonly recover: boolean;
}

export interface SendAction {
  readonly kind: 'send';
  readonly meetingId: string;
  readonly document: DocumentKind | 'aflysning';
  readonly purpose: SendPurpose;
  readonly edition: Edition;
  /** The document version this message carries (for a cancellation: the last agenda version sent). */
  readonly version: number;
  readonly recipient: string;
  readonly recipientName: string;
  readonly messageId: string;
  /** Calendar SEQUENCE: raised on every change of time or place, and for the cancellation. */
  readonly sequence: number;
  /** The version this recipient received before, for the amended agenda's list of changes. */
  readonly previousVersion?: number;
  /** A run died after recording the intent: ask the transport whether it went, before sending. */
  readonly recover: boolean;
}

export interface NotifyAction {
  readonly kind: 'notify';
  readonly to: string;
  readonly problemsHash: string;
  readonly problemCount: number;
}

export type Action = PublishAction | SendAction | NotifyAction;

export interface HeldBack {
  readonly meetingId: string;
  readonly reason: string;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly heldBack: readonly HeldBack[];
}

export interface PlanInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly log: readonly LogEntry[];
  readonly now: DateTime;
  /** Builds the deterministic Message-ID of one message. */
  /** The formats this run can make (docx only where LibreOffice is missing). */
  readonly formats?: readonly DocumentFormat[];
  readonly messageId: (parts: { meetingId: string; document: string; version: number; recipient: string }) => string;
}

const sha = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/**
 * Hash of what one edition of a document shows (the documents step's content hash), and for the agenda
 * also the meeting's end time: a change of it must reach the calendar, though the document does not show it.
 */
export function documentHash(meeting: Meeting, document: DocumentKind, edition: Edition, settings: Settings): string {
  return sha(contentHash(meeting, settings, document, edition) + (document === 'dagsorden' ? scheduleOf(meeting) : ''));
}

/** The wall-clock moment in the workbook's zone. */
export function localMoment(isoLocal: string, zone: string): DateTime {
  return DateTime.fromISO(isoLocal, { zone });
}

/** When the agenda may go out: `Udsend dagsorden`, or the default days before at the default time. */
export function agendaSendTime(meeting: Meeting, model: WorkbookModel): DateTime {
  const zone = model.settings.timeZone;
  if (meeting.sendAgendaAt) return localMoment(meeting.sendAgendaAt, zone);
  // NOTE: calendar days in the local zone, so a daylight-saving change in between does not move the hour.
  return localMoment(`${meeting.date}T${model.settings.sendTime}`, zone).minus({ days: model.settings.daysBefore });
}

export function meetingStart(meeting: Meeting, zone: string): DateTime {
  return localMoment(`${meeting.date}T${meeting.start}`, zone);
}

/** Active members of the meeting's forum. */
export function recipientsOf(meeting: Meeting, members: readonly Member[]): Member[] {
  const forum = meeting.forum.toLowerCase();
  return members.filter((m) => m.active && m.fora.some((f) => f.toLowerCase() === forum));
}

const done = (e: LogEntry): boolean => e.status === 'udført';

/** How a staging ticket is kept in a send row's Detaljer. */
export const TICKET = 'kladde ';

/** The log, read for one meeting. */
export class MeetingLog {
  constructor(
    private readonly entries: readonly LogEntry[],
    private readonly formats: readonly DocumentFormat[] = FORMATS,
  ) {}

  private uploads(document: DocumentKind, edition: Edition): LogEntry[] {
    return this.entries.filter((e) => e.action === 'upload' && e.document === DOCUMENT_LABEL[document] && e.edition === edition);
  }

  /** The newest version published completely (every format), with its hash. */
  published(document: DocumentKind, edition: Edition): { version: number; hash: string } | undefined {
    const byVersion = new Map<number, LogEntry[]>();
    for (const e of this.uploads(document, edition).filter(done)) {
      const v = Number(e.version);
      byVersion.set(v, [...(byVersion.get(v) ?? []), e]);
    }
    const complete = [...byVersion].filter(([, es]) => this.formats.every((f) => es.some((e) => e.format === f))).sort(([a], [b]) => b - a);
    const top = complete[0];
    return top ? { version: top[0], hash: top[1][0]!.hash ?? '' } : undefined;
  }

  /** The highest version number any run has begun, finished or not. */
  highestVersion(document: DocumentKind, edition: Edition): number {
    return Math.max(0, ...this.uploads(document, edition).map((e) => Number(e.version) || 0));
  }

  /** A version begun with this hash but not finished (the run died). */
  unfinished(document: DocumentKind, edition: Edition, hash: string): number | undefined {
    const begun = this.uploads(document, edition).filter((e) => e.status === 'påbegyndt' && e.hash === hash);
    return begun.length ? Math.max(...begun.map((e) => Number(e.version))) : undefined;
  }

  private sends(document: string, recipient: string): LogEntry[] {
    const r = recipient.toLowerCase();
    return this.entries.filter((e) => e.action === 'send' && e.document === document && e.recipient?.toLowerCase() === r);
  }

  /** The highest version this recipient received. */
  received(document: DocumentKind | 'aflysning', recipient: string): number | undefined {
    const got = this.sends(DOCUMENT_LABEL[document], recipient).filter((e) => e.status === 'udført' || e.status === 'sluppet');
    return got.length ? Math.max(...got.map((e) => Number(e.version))) : undefined;
  }

  /** A send begun (intent recorded) but not finished. */
  sendBegun(messageId: string): boolean {
    return this.entries.some((e) => e.action === 'send' && e.messageId === messageId && e.status === 'påbegyndt');
  }

  sendFinished(messageId: string): boolean {
    return this.entries.some((e) => e.action === 'send' && e.messageId === messageId && (e.status === 'udført' || e.status === 'sluppet'));
  }

  /** The newest completed upload of one file: where it is. */
  file(document: DocumentKind, edition: Edition, format: DocumentFormat): { fileId: string; link: string } | undefined {
    const last = this.uploads(document, edition)
      .filter((e) => done(e) && e.format === format && e.fileId)
      .at(-1);
    return last ? { fileId: last.fileId!, link: last.link ?? '' } : undefined;
  }

  /** The snapshot stored with a published version (on its .docx row), for the amended agenda's changes. */
  snapshot(document: DocumentKind, edition: Edition, version: number): string | undefined {
    return this.uploads(document, edition).find((e) => done(e) && e.format === 'docx' && Number(e.version) === version)?.detail;
  }

  /** The staging ticket (a Gmail draft id) an earlier run recorded for a message. */
  ticket(messageId: string): string | undefined {
    const row = this.entries.filter((e) => e.action === 'send' && e.messageId === messageId && e.detail?.startsWith(TICKET)).at(-1);
    return row?.detail?.slice(TICKET.length);
  }

  /**
   * Calendar sequence: how often time or place changed across the agenda versions published, counting
   * `schedule` (the one about to be sent) as the newest when given.
   */
  sequenceFor(edition: Edition, schedule?: string): number {
    const schedules: string[] = [];
    const versions = this.uploads('dagsorden', edition)
      .filter((e) => e.format === 'docx' && e.detail)
      .sort((a, b) => Number(a.version) - Number(b.version));
    for (const e of versions) {
      const s = scheduleOfDetail(e.detail!);
      if (s && schedules.at(-1) !== s) schedules.push(s);
    }
    if (schedule !== undefined && schedules.at(-1) !== schedule) schedules.push(schedule);
    return Math.max(0, schedules.length - 1);
  }
}

/** Time and place as one string: a change of it raises the calendar SEQUENCE. */
export function scheduleOf(meeting: Pick<Meeting, 'date' | 'start' | 'end' | 'place'>): string {
  return `${meeting.date} ${meeting.start}-${meeting.end ?? ''} @ ${meeting.place}`;
}

function scheduleOfDetail(detail: string): string | undefined {
  try {
    const snap = JSON.parse(detail) as Pick<Meeting, 'date' | 'start' | 'end' | 'place'>;
    return snap.date ? scheduleOf(snap) : undefined;
  } catch {
    return undefined;
  }
}

export function problemsHash(problems: readonly Problem[]): string {
  return sha(JSON.stringify(problems.map((p) => [p.tab, p.cell, p.message])));
}

export function planPublish(input: PlanInput): Plan {
  const { model, problems, now } = input;
  const zone = model.settings.timeZone;
  const actions: Action[] = [];
  const heldBack: HeldBack[] = [];
  const blocked = heldBackMeetings(problems);
  const noSending = sendingHeldBack(problems);
  // A broken tab or column leaves every meeting incomplete: nothing is published until it is fixed.
  const brokenWorkbook = problems.some((p) => p.scope.kind === 'workbook');

  for (const meeting of model.meetings) {
    if (blocked.has(meeting.id) || brokenWorkbook) {
      heldBack.push({ meetingId: meeting.id, reason: brokenWorkbook ? 'Regnearkets faner eller kolonner har fejl; intet udgives, før de er rettet.' : 'Mødet har fejl i regnearket; intet udgives eller sendes, før de er rettet.' });
      continue;
    }
    const log = new MeetingLog(input.log.filter((e) => e.meetingId === meeting.id), input.formats);
    const start = meetingStart(meeting, zone);
    const recipients = recipientsOf(meeting, model.members);

    if (meeting.status === 'Aflyst') {
      if (noSending) continue;
      for (const member of recipients) {
        const edition = editionFor(member);
        const sent = log.received('dagsorden', member.email);
        if (sent === undefined || log.received('aflysning', member.email) !== undefined) continue;
        const messageId = input.messageId({ meetingId: meeting.id, document: 'aflysning', version: sent, recipient: member.email });
        if (log.sendFinished(messageId)) continue;
        const sequence = log.sequenceFor(edition) + 1;
        actions.push({ kind: 'send', meetingId: meeting.id, document: 'aflysning', purpose: 'aflysning', edition, version: sent, recipient: member.email, recipientName: member.name, messageId, sequence, recover: log.sendBegun(messageId) });
      }
      continue;
    }

    const due: DocumentKind[] = [];
    const agendaTime = agendaSendTime(meeting, model);
    if (['Dagsorden klar', 'Afholdt', 'Referat klar'].includes(meeting.status) && now >= agendaTime) due.push('dagsorden');
    else if (meeting.status === 'Dagsorden klar') heldBack.push({ meetingId: meeting.id, reason: `Dagsordenen udsendes ${agendaTime.setLocale('da').toFormat("cccc d. LLLL yyyy 'kl.' HH:mm")}.` });
    // NOTE: minutes marked ready before the meeting has begun are surely a slip; they wait for the meeting.
    if (meeting.status === 'Referat klar' && now >= start) due.push('referat');
    else if (meeting.status === 'Referat klar') heldBack.push({ meetingId: meeting.id, reason: 'Referatet udgives først, når mødet er begyndt.' });

    for (const document of due) {
      const versions = new Map<Edition, number>();
      for (const edition of EDITIONS) {
        const hash = documentHash(meeting, document, edition, model.settings);
        const published = log.published(document, edition);
        if (published?.hash === hash) {
          versions.set(edition, published.version);
          continue;
        }
        const unfinished = log.unfinished(document, edition, hash);
        const version = unfinished ?? log.highestVersion(document, edition) + 1;
        versions.set(edition, version);
        actions.push({ kind: 'publish', meetingId: meeting.id, document, edition, version, hash, recover: unfinished !== undefined });
      }
      // The agenda goes out only before the meeting; published after it, it is kept for the record.
      const sendable = document === 'referat' || (meeting.status === 'Dagsorden klar' && now < start);
      if (!sendable || noSending) continue;
      for (const member of recipients) {
        const edition = editionFor(member);
        const version = versions.get(edition)!;
        const messageId = input.messageId({ meetingId: meeting.id, document, version, recipient: member.email });
        if (log.sendFinished(messageId)) continue;
        const previous = log.received(document, member.email);
        if (previous !== undefined && previous >= version) continue;
        const purpose: SendPurpose = document === 'referat' ? 'referat' : previous === undefined ? 'invitation' : 'ændring';
        actions.push({
          kind: 'send',
          meetingId: meeting.id,
          document,
          purpose,
          edition,
          version,
          recipient: member.email,
          recipientName: member.name,
          messageId,
          sequence: document === 'dagsorden' ? log.sequenceFor(edition, scheduleOf(meeting)) : 0,
          ...(previous !== undefined ? { previousVersion: previous } : {}),
          recover: log.sendBegun(messageId),
        });
      }
    }
  }

  // One e-mail to the secretary per new set of problems, not one per run.
  const secretary = model.settings.secretaryEmail;
  if (problems.length > 0 && secretary) {
    const hash = problemsHash(problems);
    const notified = input.log.some((e) => e.action === 'notify' && e.hash === hash && e.status === 'udført');
    if (!notified) actions.push({ kind: 'notify', to: secretary, problemsHash: hash, problemCount: problems.length });
  }
  return { actions, heldBack };
}

/** The plan in Danish, for `--dry-run` and the progress view. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'publish':
      return `Udgiv ${DOCUMENT_LABEL[a.document].toLowerCase()} for ${a.meetingId}, ${a.edition === 'medlemmer' ? 'medlemsudgaven' : 'den offentlige udgave'}, version ${a.version}${a.recover ? ' (genoptaget efter afbrudt kørsel)' : ''}`;
    case 'send': {
      const what = { invitation: 'invitation med dagsorden', ændring: 'ændret dagsorden', aflysning: 'aflysning', referat: 'referat' }[a.purpose];
      return `Send ${what} (version ${a.version}) for ${a.meetingId} til ${a.recipientName} <${a.recipient}>${a.recover ? ' (kontrolleres først: kørslen blev afbrudt)' : ''}`;
    }
    case 'notify':
      return `Send besked til sekretariatet (${a.to}) om ${a.problemCount} ${a.problemCount === 1 ? 'problem' : 'problemer'} i regnearket`;
  }
}
