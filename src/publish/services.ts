// What the runner talks to: the renderer, the composer, the stores, the mail transport and the public
// site, as narrow interfaces. Kept apart from the runner so that the runner's own steps (previews,
// the site) can name them without importing the runner back.

import type { DateTime } from 'luxon';
import type { DocumentKind, Edition } from '../documents/edition.js';
import type { RenderedDocument, RenderRequest } from '../documents/render.js';
import type { DocumentStore, LogEntry, MailTransport, OutgoingMail, StateStore } from '../delivery/ports.js';
import type { DocumentFormat } from '../documents/files.js';
import type { Meeting, Problem, WorkbookModel } from '../model.js';
import type { BilagPublisher, MailBilag } from './bilag-step.js';
import type { SubscriberNotifier } from './notify-subscribers.js';
import type { Action, LimitNotice, MessageKey, Plan, ProblemNotice, SendAction } from './plan.js';

export interface Renderer {
  /** The formats it can make (no LibreOffice: docx only). */
  readonly formats: readonly DocumentFormat[];
  /** The fingerprint of the templates it renders with: a change republishes the files in place. */
  readonly templateFingerprint?: string;
  /** Renders all requests at once (PDFs in one LibreOffice start). */
  renderAll(requests: readonly RenderRequest[], settings: WorkbookModel['settings']): Promise<RenderedDocument[]>;
}

export interface ComposeRequest {
  readonly action: SendAction;
  readonly meeting: Meeting;
  readonly model: WorkbookModel;
  /** The PDF of the recipient's edition, when there is one. */
  readonly pdf?: { fileName: string; bytes: Uint8Array };
  /** Links to the recipient's edition. */
  readonly links: { pdf?: string; docx?: string };
  /** The bilag of the recipient's edition (src/publish/bilag-step.ts). */
  readonly bilag?: MailBilag;
  /** The item overview of the version the recipient had (amended agenda), as logged. */
  readonly previousContents?: string;
  readonly now: DateTime;
}

export interface Composer {
  messageId(key: MessageKey): string;
  /** The item overview of what an edition shows (numbers and hashes), stored with the upload. */
  contents(meeting: Meeting, document: DocumentKind, edition: Edition): string;
  compose(request: ComposeRequest): Promise<OutgoingMail>;
  composeProblemReport(action: ProblemNotice, problems: readonly Problem[], model: WorkbookModel, now: DateTime): Promise<OutgoingMail>;
  /** The secretary's notice that the daily sending limit stopped the sending. */
  composeLimitNotice(action: LimitNotice, model: WorkbookModel, now: DateTime): Promise<OutgoingMail>;
}

export type ProgressEvent =
  | { event: 'plan'; actions: number; heldBack: Plan['heldBack'] }
  | { event: 'busy'; detail: string }
  | { event: 'done'; action: Action; detail?: string }
  | { event: 'failed'; action: Action; detail: string }
  | { event: 'finished'; published: number; sent: number; failed: number };

export interface Services<SiteOutcome = unknown> {
  readonly documents: DocumentStore;
  readonly mail: MailTransport;
  readonly state: StateStore;
  readonly renderer: Renderer;
  readonly composer: Composer;
  /** The bilag step: copies and the combined PDF of each edition published (src/publish/bilag-step.ts). */
  readonly bilag?: BilagPublisher;
  readonly progress?: (e: ProgressEvent) => void;
  /**
   * Called between steps. Tests make it throw to kill the run at that instant; the next run must
   * pick up where this one stopped.
   */
  readonly checkpoint?: (label: string) => void;
  /** The pause before writing a result again; tests pass one that does not wait. */
  readonly retryDelay?: (attempt: number) => Promise<void>;
  /** Citizens' e-mail subscriptions (issue 21), when the site offers them. */
  readonly subscribers?: SubscriberNotifier;
  /** The public site, brought up to date under the run's lease (none: no site). */
  readonly site?: SiteStep<SiteOutcome> | undefined;
}

/**
 * The public site, as a step of the run: it runs under the run's lease, like everything else the run
 * writes. `probe` only reads (is anything to be written?); `publish` brings the site in line. Both
 * return each meeting's page address, for the `Hjemmeside` column, and an outcome to report.
 */
export interface SiteStep<Outcome = unknown> {
  /** There is a site to bring up to date (not held back, and somewhere to put it). Reads nothing else. */
  enabled(): Promise<boolean>;
  probe(log: readonly LogEntry[]): Promise<SiteProbe<Outcome>>;
  publish(log: readonly LogEntry[], checkpoint: (label: string) => void): Promise<SiteOutcome<Outcome>>;
}

export interface SiteOutcome<Outcome> {
  /** Møde-id → the address of the meeting's public page. */
  readonly pages: ReadonlyMap<string, string>;
  readonly outcome: Outcome;
}

export interface SiteProbe<Outcome> extends SiteOutcome<Outcome> {
  /** Something on the site is to be written or removed. */
  readonly due: boolean;
}
