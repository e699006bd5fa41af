// The narrow interfaces the publish runner talks to. Google Drive / a local folder, Gmail / SMTP /
// an outbox, and the Sheet / a local state file each implement one; tests pass fakes through the
// same door.

import type { DocumentKind, Edition } from '../documents/edition.js';

export type DocumentFormat = 'docx' | 'pdf';

/** What identifies one published file. Drive stores these as the file's appProperties. */
export interface DocumentKey {
  readonly meetingId: string;
  readonly kind: DocumentKind;
  readonly edition: Edition;
  readonly format: DocumentFormat;
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
}

/** A complete message, already rendered to MIME by nodemailer. */
export interface OutgoingMail {
  /** `<...@dagsorden>`: deterministic per meeting, document, version and recipient. */
  readonly messageId: string;
  readonly to: string;
  readonly subject: string;
  readonly raw: Buffer;
}

export interface MailTransport {
  readonly description: string;
  /**
   * Optional first phase: stage the message and return a ticket to record before sending (Gmail: a
   * draft id). A staged message that was sent can be recognised afterwards with `wasSent`.
   */
  prepare?(mail: OutgoingMail): Promise<string>;
  send(mail: OutgoingMail, ticket?: string): Promise<void>;
  /** After a run died between intent and result: true sent, false not sent, undefined cannot tell. */
  wasSent?(mail: OutgoingMail, ticket?: string): Promise<boolean | undefined>;
}

export type LogAction = 'lease' | 'upload' | 'send' | 'notify';
export type LogStatus = 'påbegyndt' | 'udført' | 'fejlet' | 'sluppet';

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
  readonly detail?: string;
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
  /** The log as it stood when the run read the workbook. */
  readLog(): Promise<LogEntry[]>;
  /** Appends log rows; durable when it returns. */
  appendLog(entries: readonly LogEntry[]): Promise<void>;
  /**
   * Writes only script-owned cells, never a secretary's; `log` rows are appended in the same write
   * (on a Sheet, one call for the run's results, links, status and problems).
   */
  writeBack(update: WriteBack, log?: readonly LogEntry[]): Promise<void>;
}
