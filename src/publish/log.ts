// The log's one home: how a row of `Udsendelser` (or the local log file) is made, and what the
// planner, the runner and the write-back read from it. Rows carry typed fields (a column each);
// `detail` is for people and never read back. The log holds ids, numbers and hashes: never a
// title or a text, so a closed item cannot reach it.

import { createHash } from 'node:crypto';
import type { DocumentKind, Edition } from '../documents/edition.js';
import type { LogEntry, LogStatus } from '../delivery/ports.js';
import type { DocumentFormat } from '../documents/files.js';
import type { Meeting } from '../model.js';

export const FORMATS: readonly DocumentFormat[] = ['docx', 'pdf'];

/** What a message is about, as the log's `Dokument` column names it. */
export type MessageDocument = DocumentKind | 'aflysning';

/** How the log names a document kind. */
export const DOCUMENT_LABEL: Record<MessageDocument, string> = { dagsorden: 'Dagsorden', referat: 'Referat', aflysning: 'Aflysning' };

export const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** Time and place as the calendar shows them: a change of it raises the calendar SEQUENCE. */
export function scheduleOf(meeting: Pick<Meeting, 'date' | 'start' | 'end' | 'place'>): string {
  return `${meeting.date} ${meeting.start}-${meeting.end ?? ''} @ ${meeting.place}`;
}

/** What the log keeps of a schedule: its hash (the place is the secretary's text). */
export const scheduleHash = (meeting: Pick<Meeting, 'date' | 'start' | 'end' | 'place'>): string => shortHash(scheduleOf(meeting));

/** A send that may have reached the recipient: done, or begun and not known to have failed. */
const mayHaveGone = (e: LogEntry): boolean => e.status === 'udført' || e.status === 'sluppet' || e.status === 'påbegyndt';
const went = (e: LogEntry): boolean => e.status === 'udført' || e.status === 'sluppet';

/** The last calendar message a person got for a meeting. */
export interface CalendarState {
  readonly method: 'REQUEST' | 'CANCEL';
  readonly sequence: number;
  readonly schedule?: string;
}

/** The log, read for one meeting. Rows are in log order. */
export class MeetingLog {
  constructor(private readonly entries: readonly LogEntry[]) {}

  private uploads(document: DocumentKind, edition: Edition): LogEntry[] {
    return this.entries.filter((e) => e.action === 'upload' && e.document === DOCUMENT_LABEL[document] && e.edition === edition);
  }

  /**
   * The newest version any run began, with its content hash, whether every format begun for it
   * was finished (the latest round counts: a template refresh begins a version again), and the
   * templates its files were made with. Versions only go up: content that returns to an earlier
   * state is a new version, or a member could hold a newer file than the one called current.
   */
  latest(document: DocumentKind, edition: Edition): { version: number; hash: string; complete: boolean; template?: string } | undefined {
    const rows = this.uploads(document, edition).filter((e) => e.status === 'påbegyndt' || e.status === 'udført');
    if (rows.length === 0) return undefined;
    const version = Math.max(...rows.map((e) => Number(e.version) || 0));
    const ofVersion = rows.filter((e) => Number(e.version) === version);
    const formats = [...new Set(ofVersion.map((e) => e.format))];
    const complete = formats.every((f) => ofVersion.filter((e) => e.format === f).at(-1)!.status === 'udført');
    const last = ofVersion.at(-1)!;
    const done = ofVersion.filter((e) => e.status === 'udført').at(-1);
    return { version, hash: last.hash ?? '', complete, ...(done?.template ? { template: done.template } : {}) };
  }

  /** What a published version showed (its content hash), to tell a new version from a return to what someone holds. */
  hashOf(document: DocumentKind, edition: Edition, version: number): string | undefined {
    return this.uploads(document, edition).find((e) => e.status === 'udført' && Number(e.version) === version)?.hash;
  }

  /** The highest version number any run has begun, finished or not. */
  highestVersion(document: DocumentKind, edition: Edition): number {
    return Math.max(0, ...this.uploads(document, edition).map((e) => Number(e.version) || 0));
  }

  /** Where the newest upload of one file is, unless it was withdrawn since. */
  file(document: DocumentKind, edition: Edition, format: DocumentFormat): { fileId: string; link: string } | undefined {
    const last = this.uploads(document, edition)
      .filter((e) => e.format === format && (e.status === 'udført' || e.status === 'fjernet') && e.fileId)
      .at(-1);
    return last && last.status === 'udført' ? { fileId: last.fileId!, link: last.link ?? '' } : undefined;
  }

  /**
   * Whether a published version of any of the meeting's documents listed a bilag (links included):
   * only then can copies of bilag lie in its folders, to be removed when none is left.
   */
  listedBilag(): boolean {
    return this.entries.some((e) => {
      if (e.action !== 'upload' || e.status !== 'udført' || !e.contents) return false;
      try {
        const items = (JSON.parse(e.contents) as { items?: { bilag?: unknown[] }[] }).items ?? [];
        return items.some((i) => (i.bilag?.length ?? 0) > 0);
      } catch {
        return true; // unreadable: assume it may have
      }
    });
  }

  /** The stored item overview of a published version, for the amended agenda's list of changes. */
  contents(document: DocumentKind, edition: Edition, version: number): string | undefined {
    return this.uploads(document, edition).find((e) => e.status === 'udført' && e.format === 'docx' && Number(e.version) === version && e.contents)?.contents;
  }

  private sends(recipient: string): LogEntry[] {
    const r = recipient.trim().toLowerCase();
    return this.entries.filter((e) => e.action === 'send' && e.recipient?.trim().toLowerCase() === r);
  }

  /** The highest version of one edition of a document this recipient received. */
  received(document: DocumentKind, recipient: string, edition: Edition): number | undefined {
    const got = this.sends(recipient).filter((e) => e.document === DOCUMENT_LABEL[document] && e.edition === edition && went(e));
    return got.length ? Math.max(...got.map((e) => Number(e.version))) : undefined;
  }

  /** The edition and version of the last message about this document that reached this recipient. */
  lastReceived(document: DocumentKind, recipient: string): { edition: string; version: number } | undefined {
    const last = this.sends(recipient)
      .filter((e) => e.document === DOCUMENT_LABEL[document] && went(e))
      .at(-1);
    return last ? { edition: last.edition ?? '', version: Number(last.version) } : undefined;
  }

  /**
   * How many messages about this meeting reached this recipient. Part of each new message's key, so
   * a message that repeats an earlier one (an edition given back after it was taken away) is still a
   * new message, never mistaken for the earlier one.
   */
  receivedCount(recipient: string): number {
    return new Set(this.sends(recipient).filter(went).map((e) => e.messageId)).size;
  }

  /** Did this recipient ever get a message about this document, in any edition? */
  everReceived(document: MessageDocument, recipient: string): boolean {
    return this.sends(recipient).some((e) => e.document === DOCUMENT_LABEL[document] && went(e));
  }

  /**
   * The people this document's messages are owed to, as decided when its first sending was planned
   * (lower-cased addresses); undefined before that. A log from before the decision was recorded,
   * where the minutes already went to someone, counts as decided for those who had them.
   */
  owed(document: 'referat'): string[] | undefined {
    const rows = this.entries.filter((e) => e.action === 'skyldig' && e.document === DOCUMENT_LABEL[document]);
    // A row without a recipient records that the set was decided empty.
    if (rows.length) return [...new Set(rows.flatMap((e) => (e.recipient ? [e.recipient.trim().toLowerCase()] : [])))];
    return this.sentToAnyone(document) ? [] : undefined;
  }

  /** Did anyone get this document yet? */
  sentToAnyone(document: DocumentKind): boolean {
    return this.entries.some((e) => e.action === 'send' && e.document === DOCUMENT_LABEL[document] && went(e));
  }

  /** Everyone who was ever sent a message about this meeting (lower-cased addresses). */
  recipients(): string[] {
    return [...new Set(this.entries.filter((e) => e.action === 'send' && e.recipient).map((e) => e.recipient!.trim().toLowerCase()))];
  }

  /** Calendar messages that may have reached someone, judged by each message's last row. */
  private calendarRows(): LogEntry[] {
    const last = new Map<string, LogEntry>();
    for (const e of this.entries) if (e.action === 'send' && e.calendar) last.set(e.messageId ?? `${e.recipient} ${e.sequence}`, e);
    return [...last.values()].filter(mayHaveGone);
  }

  /**
   * The last calendar message this person may have got (a begun one counts: it may have gone). The
   * newest SEQUENCE wins, then the later row, as a calendar program decides.
   */
  calendarOf(recipient: string): CalendarState | undefined {
    const r = recipient.trim().toLowerCase();
    return this.newest(this.calendarRows().filter((e) => e.recipient?.trim().toLowerCase() === r));
  }

  /** The newest calendar message of the meeting to anyone: the meeting's current revision. */
  latestCalendar(): CalendarState | undefined {
    return this.newest(this.calendarRows());
  }

  private newest(rows: readonly LogEntry[]): CalendarState | undefined {
    let best: LogEntry | undefined;
    for (const e of rows) if (!best || Number(e.sequence) >= Number(best.sequence)) best = e;
    return best ? { method: best.calendar!, sequence: Number(best.sequence) || 0, ...(best.schedule ? { schedule: best.schedule } : {}) } : undefined;
  }

  /** A send begun (intent recorded) whose result is not known: its last row is the intent. */
  sendBegun(messageId: string): boolean {
    return this.entries.filter((e) => e.messageId === messageId).at(-1)?.status === 'påbegyndt';
  }

  /** The message went (or a run found it had gone). */
  sendFinished(messageId: string): boolean {
    return this.entries.some((e) => e.messageId === messageId && went(e));
  }

  /** The staging ticket (a Gmail draft id) an earlier run recorded for a message. */
  ticket(messageId: string): string | undefined {
    return this.entries.filter((e) => e.messageId === messageId && e.ticket).at(-1)?.ticket;
  }
}

/** Messages (sends and problem notices) whose intent was recorded and whose result was not. */
export function unsettledMessages(log: readonly LogEntry[]): LogEntry[] {
  const last = new Map<string, LogEntry>();
  for (const e of log) if ((e.action === 'send' || e.action === 'notify') && e.messageId) last.set(e.messageId, e);
  return [...last.values()].filter((e) => e.status === 'påbegyndt');
}

/** The row that settles an unfinished message once the transport has answered. */
export function settledRow(begun: LogEntry, at: string, status: Extract<LogStatus, 'udført' | 'ikke sendt'>): LogEntry {
  const { ticket: _ticket, ...rest } = begun;
  return { ...rest, at, status, detail: status === 'udført' ? 'var sendt (afbrudt kørsel)' : 'blev ikke sendt (afbrudt kørsel); sendes igen, hvis den stadig skal' };
}

/** Was a problem notice for this set of problems sent, or may it have been? */
export function notified(log: readonly LogEntry[], problemsHash: string): { done: boolean; begun?: LogEntry } {
  const rows = log.filter((e) => e.action === 'notify' && e.hash === problemsHash);
  if (rows.some(went)) return { done: true };
  const begun = unsettledMessages(rows)[0];
  return { done: false, ...(begun ? { begun } : {}) };
}

/** One time the daily sending limit stopped the sending, as the `sendeloft` row recorded it. */
export interface SendingLimitEvent {
  /** When the limit was met. */
  readonly reachedAt: string;
  /** From when the mail system takes messages again (ISO 8601, UTC). */
  readonly retryAt: string;
  /** How many messages waited then. */
  readonly waiting: number;
  /** The event's id: one per limit period (its end), so the secretary is told once per period. */
  readonly event: string;
}

export const SENDING_LIMIT_ACTION = 'sendeloft';

/** Said in the log of each message that waits for the daily sending limit to reset (for people; never read). */
export const WAITING_DETAIL = 'venter, til den daglige grænse for afsendte e-mails er nulstillet; sendes ved en senere kørsel';

/**
 * When the mail system names no time, the limit is still over a day after it was met: Gmail counts
 * its sending limit over a rolling 24 hours, so by then every message that filled it has aged out.
 */
const ROLLING_WINDOW_MS = 24 * 60 * 60_000;

/** The `sendeloft` row a run records when the daily sending limit stopped its sending. */
export function sendingLimitRow(at: string, waiting: number, retryAt: Date | undefined): LogEntry {
  const until = retryAt ?? new Date(Date.parse(at) + ROLLING_WINDOW_MS);
  return { at, meetingId: '', action: SENDING_LIMIT_ACTION, status: 'udført', waiting: String(waiting), retryAt: until.toISOString() };
}

/** The latest time the daily sending limit stopped the sending, if it ever did. */
export function latestSendingLimit(log: readonly LogEntry[]): SendingLimitEvent | undefined {
  const row = log.filter((e) => e.action === SENDING_LIMIT_ACTION && e.retryAt && Number.isFinite(Date.parse(e.retryAt))).at(-1);
  if (!row) return undefined;
  const retryAt = new Date(row.retryAt!).toISOString();
  return { reachedAt: row.at, retryAt, waiting: Number(row.waiting) || 0, event: shortHash(`sendeloft ${retryAt}`) };
}

/** The limit event that still holds at `now` (ms): nothing is sent before its `retryAt`. */
export function sendingPaused(log: readonly LogEntry[], now: number): SendingLimitEvent | undefined {
  const limit = latestSendingLimit(log);
  return limit && now < Date.parse(limit.retryAt) ? limit : undefined;
}
