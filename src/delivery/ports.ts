// The narrow interfaces the publish runner talks to. Google Drive / a local folder, Gmail / SMTP /
// an outbox, and the Sheet / a local state file each implement one; tests pass fakes through the
// same door.

import type { DocumentKind, Edition } from '../documents/edition.js';
import type { DocumentFormat } from '../documents/files.js';

/** What identifies one published file. Drive stores these as the file's appProperties. */
export interface DocumentKey {
  readonly meetingId: string;
  readonly kind: DocumentKind;
  readonly edition: Edition;
  readonly format: DocumentFormat;
  /**
   * A preview ("KLADDE – ikke udsendt"): kept apart from published files, where only the secretariat
   * can open it, and never found by a published file's key.
   */
  readonly draft?: boolean;
}

export interface DocumentFile extends DocumentKey {
  /** `Dagsorden Chefforum 2022-03-24 (offentlig).pdf` (documentFileName) */
  readonly fileName: string;
  readonly mimeType: string;
  readonly bytes: Uint8Array;
  /** Hash of the content the file was built from (not of the bytes, which carry timestamps). */
  readonly contentHash: string;
  /** Document title for the file's metadata: safe for the edition (never a closed item's title). */
  readonly title: string;
}

export interface PublishedFile {
  readonly fileId: string;
  /** Where a reader opens it: a Drive link, or a local path. */
  readonly link: string;
  /** Where the file's folder opens (previews: the meeting's drafts, both editions side by side). */
  readonly folderLink?: string;
}

export interface DocumentStore {
  readonly description: string;
  /**
   * Creates the file, or updates the existing one in place (same id, new revision) when `existing`
   * is given. Never creates a second file for the same key.
   */
  putDocument(file: DocumentFile, existing?: PublishedFile): Promise<PublishedFile>;
  /** Finds a file published earlier for this key (after a run died between upload and log). */
  findDocument(key: DocumentKey): Promise<PublishedFile | undefined>;
  /**
   * Removes a published file whose newer version cannot be made in its format (no LibreOffice):
   * an old PDF must not go on showing what the new version no longer shows. Gone already is fine.
   */
  withdrawDocument(key: DocumentKey, file: PublishedFile): Promise<void>;
}

/** A complete message, already rendered to MIME by nodemailer. */
export interface OutgoingMail {
  /** `<...@dagsorden>`: deterministic per meeting, document, version and recipient. */
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly raw: Buffer;
}

/** What the log knows of a message whose result was not recorded: enough to ask the transport. */
export type SentMessageRef = Pick<OutgoingMail, 'messageId' | 'to'>;

export interface MailTransport {
  readonly description: string;
  /**
   * Optional first phase: stage the message and return a ticket to record before sending (Gmail: a
   * draft id). A staged message that was sent can be recognised afterwards with `wasSent`.
   */
  prepare?(mail: OutgoingMail): Promise<string>;
  send(mail: OutgoingMail, ticket?: string): Promise<void>;
  /** After a run died between intent and result: true sent, false not sent, undefined cannot tell. */
  wasSent?(mail: SentMessageRef, ticket?: string): Promise<boolean | undefined>;
}

/**
 * `kladde`: a preview was made, updated or removed (its hash, file and folder), so an unchanged one is
 * left alone; `skyldig`: one person the minutes of a meeting are owed to, decided once when the first
 * minutes were planned (docs/lifecycle.md), so later runs complete that set whatever happened between;
 * `abonnement`: a citizen's notice of a published public version (src/publish/notify-subscribers.ts);
 * `sendeloft`: the mail account's daily sending limit stopped the sending (how many waited, and from
 * when the mail system takes messages again), so later runs send nothing before then.
 */
export type LogAction = 'lease' | 'upload' | 'send' | 'notify' | 'kladde' | 'skyldig' | 'abonnement' | 'sendeloft';
/**
 * `ikke sendt`: an intent a later run found was never carried out (the transport said so);
 * `fjernet`: a published file withdrawn because its newer version could not be made in that format,
 * or a preview removed because the document it previewed has gone out.
 */
export type LogStatus = 'påbegyndt' | 'udført' | 'fejlet' | 'sluppet' | 'ikke sendt' | 'fjernet';

/** One row of the `Udsendelser` tab (or the local state file). */
export interface LogEntry {
  readonly at: string;
  readonly meetingId: string;
  readonly action: LogAction;
  readonly document?: string;
  readonly edition?: string;
  readonly format?: string;
  readonly version?: string;
  readonly hash?: string;
  readonly fileId?: string;
  readonly link?: string;
  readonly recipient?: string;
  readonly messageId?: string;
  readonly status: LogStatus;
  /** Free text for people: an error message or a note. Never read by the program. */
  readonly detail?: string;
  /** A message's effect on the recipient's calendar. */
  readonly calendar?: 'REQUEST' | 'CANCEL';
  /** The calendar SEQUENCE the message carried. */
  readonly sequence?: string;
  /** Hash of the time and place the calendar entry carried. */
  readonly schedule?: string;
  /** Fingerprint of the templates a published file was made with. */
  readonly template?: string;
  /** Item numbers and hashes of a published version (JSON; never a title or text). */
  readonly contents?: string;
  /** The staging ticket (a Gmail draft id) recorded before a message is sent. */
  readonly ticket?: string;
  /** The run that holds or released a lease. */
  readonly run?: string;
  /** Where a preview's folder opens (a Drive folder link, or a local folder). */
  readonly folder?: string;
  /** `sendeloft`: how many messages waited when the daily sending limit stopped the sending. */
  readonly waiting?: string;
  /** `sendeloft`: from when the mail system takes messages again (ISO 8601, UTC). */
  readonly retryAt?: string;
}

/** What the run writes back to the workbook's script-owned columns and tabs. */
export interface WriteBack {
  /** Møde-id → script-owned column header → value. */
  readonly meetings: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** The whole `Validering` tab, rewritten. */
  readonly problems: readonly { tab: string; cell: string; message: string }[];
}

export interface StateStore {
  readonly description: string;
  /**
   * The log as it stood when the run read the workbook; with `fresh`, as it stands now, other runs'
   * rows included (a store that always reads its file afresh may ignore it).
   */
  readLog(opts?: { readonly fresh?: boolean }): Promise<LogEntry[]>;
  /** Appends log rows; durable when it returns. */
  appendLog(entries: readonly LogEntry[]): Promise<void>;
  /**
   * Writes only script-owned cells, never a secretary's; `log` rows are appended in the same write
   * (on a Sheet, one call for the run's results, links, status and problems).
   */
  writeBack(update: WriteBack, log?: readonly LogEntry[]): Promise<void>;
}
