// The runner: carries a plan out through the document store, the mail transport and the state store,
// recording each step so that a run killed at any instant continues where it stopped: never two files
// for one document, never two e-mails for one message, nothing done forgotten.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DateTime } from 'luxon';
import type { DocumentKind, Edition } from '../documents/edition.js';
import type { RenderedDocument, RenderRequest } from '../documents/render.js';
import { DailyLimitReached } from '../delivery/mail/daily-limit.js';
import { RecipientRejected } from '../delivery/mail/recipient-rejected.js';
import type { DocumentFile, DocumentFormat, DocumentStore, LogEntry, MailTransport, OutgoingMail, StateStore } from '../delivery/ports.js';
import type { Meeting, Problem, WorkbookModel } from '../model.js';
import { DOCUMENT_LABEL, FORMATS, MeetingLog, settledRow, unsettledMessages } from './log.js';
import { planPublish, type Action, type MessageKey, type NotifyAction, type Plan, type PublishAction, type SendAction } from './plan.js';
import { finishRun } from './preview.js';

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
  /** The item overview of the version the recipient had (amended agenda), as logged. */
  readonly previousContents?: string;
  readonly now: DateTime;
}

export interface Composer {
  messageId(key: MessageKey): string;
  /** The item overview of what an edition shows (numbers and hashes), stored with the upload. */
  contents(meeting: Meeting, document: DocumentKind, edition: Edition): string;
  compose(request: ComposeRequest): Promise<OutgoingMail>;
  composeProblemReport(action: NotifyAction, problems: readonly Problem[], model: WorkbookModel, now: DateTime): Promise<OutgoingMail>;
}

export type ProgressEvent =
  | { event: 'plan'; actions: number; heldBack: Plan['heldBack'] }
  | { event: 'busy'; detail: string }
  | { event: 'done'; action: Action; detail?: string }
  | { event: 'failed'; action: Action; detail: string }
  | { event: 'finished'; published: number; sent: number; failed: number };

export interface Services {
  readonly documents: DocumentStore;
  readonly mail: MailTransport;
  readonly state: StateStore;
  readonly renderer: Renderer;
  readonly composer: Composer;
  readonly progress?: (e: ProgressEvent) => void;
  /**
   * Called between steps. Tests make it throw to kill the run at that instant; the next run must
   * pick up where this one stopped.
   */
  readonly checkpoint?: (label: string) => void;
  /** The pause before writing a result again; tests pass one that does not wait. */
  readonly retryDelay?: (attempt: number) => Promise<void>;
}

export interface RunInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly now: DateTime;
  readonly dryRun?: boolean;
}

export interface RunResult {
  readonly plan: Plan;
  readonly published: number;
  readonly sent: number;
  readonly failed: { action: Action; detail: string }[];
  /** Another run holds the lease: this one did nothing. */
  readonly busy?: boolean;
  /** The mail account's daily sending limit stopped the sending: how many messages wait, and from when they can go. */
  readonly heldBack?: { readonly messages: number; readonly retryAt?: Date };
}

/** How long a run's lease holds if the run dies without releasing it. */
export const LEASE_MINUTES = 15;

const key = (meetingId: string, document: string, edition: string): string => `${meetingId}|${document}|${edition}`;

function uploadRow(a: PublishAction, format: DocumentFormat, at: string, status: LogEntry['status'], extra: Partial<LogEntry> = {}): LogEntry {
  return { at, meetingId: a.meetingId, action: 'upload', document: DOCUMENT_LABEL[a.document], edition: a.edition, format, version: String(a.version), hash: a.hash, template: a.template, status, ...extra };
}

function sendRow(a: SendAction, at: string, status: LogEntry['status'], extra: Partial<LogEntry> = {}): LogEntry {
  return {
    at,
    meetingId: a.meetingId,
    action: 'send',
    document: DOCUMENT_LABEL[a.document],
    edition: a.edition,
    version: String(a.version),
    recipient: a.recipient,
    messageId: a.messageId,
    ...(a.calendar ? { calendar: a.calendar.method, sequence: String(a.calendar.sequence), schedule: a.calendar.schedule } : {}),
    status,
    ...extra,
  };
}

function notifyRow(a: NotifyAction, at: string, status: LogEntry['status'], extra: Partial<LogEntry> = {}): LogEntry {
  return { at, meetingId: '', action: 'notify', hash: a.problemsHash, recipient: a.to, messageId: a.messageId, status, ...extra };
}

/** `<run id> <host> <pid>`: who holds a lease. */
function leaseHolderId(runId: string): string {
  return `${runId} ${hostname()} ${process.pid}`;
}

/** A lease taken by a process on this machine that no longer exists is dead, whatever its age. */
function holderDied(run: string | undefined): boolean {
  const [, host, pid] = (run ?? '').split(' ');
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The run a lease row names (older logs kept it in Detaljer). */
const leaseRun = (e: LogEntry): string | undefined => e.run ?? e.detail;

/**
 * Is another run's lease still holding? Leases are settled by log order: the earliest live one wins.
 * A lease expires after LEASE_MINUTES (a run on another machine died), or at once when its process on
 * this machine is gone.
 */
function leaseHolder(log: readonly LogEntry[], now: DateTime): string | undefined {
  const released = new Set(log.filter((e) => e.action === 'lease' && e.status !== 'påbegyndt').map(leaseRun));
  const live = log.filter((e) => e.action === 'lease' && e.status === 'påbegyndt' && !released.has(leaseRun(e)) && isFresh(e.at, now) && !holderDied(leaseRun(e)));
  return live[0] ? leaseRun(live[0]) : undefined;
}

function isFresh(at: string, now: DateTime): boolean {
  const t = Date.parse(at);
  return Number.isFinite(t) && now.toMillis() - t < LEASE_MINUTES * 60_000;
}

/** A message on its way: the plan's action, the composed mail, and how its log rows are made. */
interface Outgoing {
  readonly action: SendAction | NotifyAction;
  readonly message: OutgoingMail;
  ticket?: string;
}

const rowFor = (a: SendAction | NotifyAction, at: string, status: LogEntry['status'], extra: Partial<LogEntry> = {}): LogEntry =>
  a.kind === 'send' ? sendRow(a, at, status, extra) : notifyRow(a, at, status, extra);

export async function runPublish(input: RunInput, services: Services): Promise<RunResult> {
  const { model, problems, now } = input;
  const { state, documents, mail, renderer, composer } = services;
  const progress = services.progress ?? (() => {});
  const checkpoint = services.checkpoint ?? (() => {});
  const stamp = (): string => now.toISO()!;
  const plan0 = (log: readonly LogEntry[]): Plan =>
    planPublish({ model, problems, log, now, formats: renderer.formats, ...(renderer.templateFingerprint ? { templateFingerprint: renderer.templateFingerprint } : {}), messageId: composer.messageId });

  let log = await state.readLog();
  if (input.dryRun) {
    const plan = plan0(log);
    progress({ event: 'plan', actions: plan.actions.length, heldBack: plan.heldBack });
    return { plan, published: 0, sent: 0, failed: [] };
  }
  if (leaseHolder(log, now)) {
    const plan = plan0(log);
    progress({ event: 'busy', detail: 'En anden kørsel er i gang; denne kørsel gør intet.' });
    return { plan, published: 0, sent: 0, failed: [], busy: true };
  }
  // NOTE: settle first what an earlier run began and did not finish: the plan must know whether
  // those messages went, or a member could get an invitation twice after an edit in between.
  const settled = await settleUnfinished(log, mail, stamp());
  if (settled.length) {
    await state.appendLog(settled);
    log = [...log, ...settled];
  }
  const plan = plan0(log);
  progress({ event: 'plan', actions: plan.actions.length, heldBack: plan.heldBack });
  const result: RunResult = { plan, published: 0, sent: 0, failed: [] };
  if (plan.actions.length === 0) {
    await finishRun({ model, problems, now, log }, services, []);
    return result;
  }

  // Lease: record ours, read the log again, and go on only if ours is the earliest live one.
  const runId = leaseHolderId(randomUUID());
  const standBack = (): RunResult => {
    progress({ event: 'busy', detail: 'En anden kørsel er i gang; denne kørsel gør intet.' });
    return { ...result, busy: true };
  };
  const publishes = plan.actions.filter((a): a is PublishAction => a.kind === 'publish');
  const messages = plan.actions.filter((a): a is SendAction | NotifyAction => a.kind === 'send' || a.kind === 'notify');
  const batchedSends = Boolean(mail.prepare || mail.wasSent);
  // Intents: the lease, every upload, and (for transports that can tell afterwards) every message.
  await state.appendLog([
    { at: stamp(), meetingId: '', action: 'lease', status: 'påbegyndt', run: runId },
    ...publishes.filter((a) => !a.recover).flatMap((a) => renderer.formats.map((f) => uploadRow(a, f, stamp(), 'påbegyndt'))),
    ...(batchedSends ? messages.filter((a) => !a.recover).map((a) => rowFor(a, stamp(), 'påbegyndt')) : []),
  ]);
  log = await state.readLog();
  const holder = leaseHolder(log, now);
  if (holder !== runId) {
    await state.appendLog([{ at: stamp(), meetingId: '', action: 'lease', status: 'udført', run: runId }]);
    return standBack();
  }
  checkpoint('lease');

  const failed: { action: Action; detail: string }[] = [];
  /** Rows this run has recorded but not yet written: they go with its next write. */
  const pending: LogEntry[] = [];
  const record = (...rows: LogEntry[]): void => {
    pending.push(...rows);
    log = [...log, ...rows];
  };
  const logOf = (meetingId: string): MeetingLog => new MeetingLog(log.filter((e) => e.meetingId === meetingId));

  // Render everything this run needs, once: what it publishes and the PDFs it attaches.
  const meetings = new Map(model.meetings.map((m) => [m.id, m]));
  const requests = new Map<string, RenderRequest>();
  for (const a of [...publishes, ...messages]) {
    if (a.kind === 'notify' || (a.kind === 'send' && a.document === 'aflysning')) continue;
    const kind = a.document as DocumentKind;
    requests.set(key(a.meetingId, kind, a.edition), { meeting: meetings.get(a.meetingId)!, kind, edition: a.edition });
  }
  const renderedList = await renderer.renderAll([...requests.values()], model.settings);
  const rendered = new Map([...requests.keys()].map((k, i) => [k, renderedList[i]!]));
  checkpoint('rendered');

  let published = 0;
  for (const a of publishes) {
    const r = rendered.get(key(a.meetingId, a.document, a.edition))!;
    const contents = composer.contents(meetings.get(a.meetingId)!, a.document, a.edition);
    for (const format of renderer.formats) {
      const docKey = { meetingId: a.meetingId, kind: a.document, edition: a.edition, format };
      // NOTE: after a crash the file may exist although the log does not say so: look before creating.
      const existing = logOf(a.meetingId).file(a.document, a.edition, format) ?? (a.recover ? await documents.findDocument(docKey) : undefined);
      const file: DocumentFile = {
        ...docKey,
        fileName: `${r.fileStem}.${format}`, // documentFileName: `Dagsorden Chefforum 2022-03-24 (offentlig).pdf`
        mimeType: format === 'pdf' ? 'application/pdf' : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        bytes: r.files.get(format)!,
        contentHash: a.hash,
        title: r.title,
      };
      const put = await documents.putDocument(file, existing);
      record(uploadRow(a, format, stamp(), 'udført', { fileId: put.fileId, link: put.link, ...(format === 'docx' ? { contents } : {}) }));
      checkpoint(`upload ${a.meetingId} ${a.document} ${a.edition} ${format}`);
    }
    // A format this run cannot make (no LibreOffice) must not go on showing an older version.
    for (const format of FORMATS.filter((f) => !renderer.formats.includes(f))) {
      const stale = logOf(a.meetingId).file(a.document, a.edition, format);
      if (!stale) continue;
      await documents.withdrawDocument({ meetingId: a.meetingId, kind: a.document, edition: a.edition, format }, stale);
      record(uploadRow(a, format, stamp(), 'fjernet', { fileId: stale.fileId, detail: 'fjernet: den nye version kunne ikke laves i dette format' }));
      checkpoint(`withdraw ${a.meetingId} ${a.document} ${a.edition} ${format}`);
    }
    published++;
    progress({ event: 'done', action: a });
  }
  // NOTE: the upload results travel with the run's next write (the staged tickets, or the final
  // write-back): a run that dies before it left intents, and the next finds those files again by key.
  checkpoint('uploaded');

  const composeFor = async (a: SendAction | NotifyAction): Promise<OutgoingMail> => {
    if (a.kind === 'notify') return composer.composeProblemReport(a, problems, model, now);
    const meeting = meetings.get(a.meetingId)!;
    const document: DocumentKind = a.document === 'aflysning' ? 'dagsorden' : a.document;
    const r = a.document === 'aflysning' ? undefined : rendered.get(key(a.meetingId, document, a.edition));
    const pdfBytes = r?.files.get('pdf');
    const meetingLog = logOf(a.meetingId);
    const previousContents = a.previousVersion === undefined ? undefined : meetingLog.contents(document, a.edition, a.previousVersion);
    return composer.compose({
      action: a,
      meeting,
      model,
      ...(pdfBytes && r ? { pdf: { fileName: `${r.fileStem}.pdf`, bytes: pdfBytes } } : {}),
      links: { pdf: meetingLog.file(document, a.edition, 'pdf')?.link, docx: meetingLog.file(document, a.edition, 'docx')?.link },
      ...(previousContents ? { previousContents } : {}),
      now,
    });
  };
  const recipientFailed = (a: SendAction | NotifyAction, e: unknown): void => {
    if (!isRecipientProblem(e)) throw e;
    const detail = (e as Error).message;
    failed.push({ action: a, detail });
    record(rowFor(a, stamp(), 'fejlet', { detail }));
    progress({ event: 'failed', action: a, detail });
  };

  // 1. Compose; a message whose earlier result is unknown is asked about first.
  const outgoing: Outgoing[] = [];
  for (const a of messages) {
    try {
      const message = await composeFor(a);
      const ticket = logOf(a.kind === 'send' ? a.meetingId : '').ticket(a.messageId) ?? new MeetingLog(log).ticket(a.messageId);
      if (a.recover && mail.wasSent && (await mail.wasSent(message, ticket))) {
        record(rowFor(a, stamp(), 'udført', { detail: 'var allerede sendt (afbrudt kørsel)' }));
        continue;
      }
      outgoing.push({ action: a, message, ...(ticket ? { ticket } : {}) });
    } catch (e) {
      recipientFailed(a, e);
    }
  }
  // 2. A staging transport (Gmail drafts) stages every message and the tickets are recorded in one
  //    write before anything is sent: a staged message that went can be recognised by its ticket.
  if (mail.prepare) {
    for (const o of outgoing) {
      if (o.ticket) continue;
      try {
        o.ticket = await mail.prepare(o.message);
        record(rowFor(o.action, stamp(), 'påbegyndt', { ticket: o.ticket }));
      } catch (e) {
        recipientFailed(o.action, e);
      }
    }
    await state.appendLog(pending.splice(0));
    checkpoint('staged');
  }
  // 3. Send: every message, the problem notice included, through the same intent → send → result.
  let sent = 0;
  let heldBack: RunResult['heldBack'];
  for (const o of outgoing) {
    const a = o.action;
    if (mail.prepare && !o.ticket) continue; // staging failed for this recipient: recorded above
    try {
      if (!batchedSends) await state.appendLog([rowFor(a, stamp(), 'påbegyndt')]);
      checkpoint(`before send ${a.messageId}`);
      await mail.send(o.message, o.ticket);
      record(rowFor(a, stamp(), 'udført'));
      // NOTE: a transport that cannot tell afterwards whether a message went (SMTP) gets its result
      // recorded at once, insisting, so the only uncertain window is a process dying between the
      // server's OK and this write. A re-run then sends again with the same Message-ID.
      if (!batchedSends) await writeInsisting(state, pending.splice(0), services.retryDelay);
      if (a.kind === 'send') sent++;
      progress({ event: 'done', action: a });
      checkpoint(`after send ${a.messageId}`);
    } catch (e) {
      // NOTE: the daily limit stops the sending, not the run: this message and the rest are left
      // unsent (a staged draft keeps its ticket), and a later run sends them once the limit resets.
      if (e instanceof DailyLimitReached) {
        heldBack = { messages: outgoing.length - outgoing.indexOf(o), ...(e.retryAt ? { retryAt: e.retryAt } : {}) };
        record(rowFor(a, stamp(), 'ikke sendt', { detail: e.message }));
        progress({ event: 'failed', action: a, detail: e.message });
        break;
      }
      recipientFailed(a, e);
    }
  }

  record({ at: stamp(), meetingId: '', action: 'lease', status: 'udført', run: runId });
  await finishRun({ model, problems, now, log }, services, pending.splice(0));
  progress({ event: 'finished', published, sent, failed: failed.length });
  return { plan, published, sent, failed, ...(heldBack ? { heldBack } : {}) };
}

/**
 * Asks the transport about every message an earlier run began and did not finish. Those it can
 * answer for are settled in the log (sent, or not sent); those it cannot (SMTP) stay begun, and
 * the plan treats them as possibly sent.
 */
async function settleUnfinished(log: readonly LogEntry[], mail: MailTransport, at: string): Promise<LogEntry[]> {
  if (!mail.wasSent) return [];
  const out: LogEntry[] = [];
  const all = new MeetingLog(log);
  for (const begun of unsettledMessages(log)) {
    const went = await mail.wasSent({ messageId: begun.messageId!, to: begun.recipient ?? '' }, all.ticket(begun.messageId!));
    if (went === undefined) continue;
    // NOTE: a staged draft that did not go keeps its ticket in the log: a later send of the same message uses it.
    out.push(settledRow(begun, at, went ? 'udført' : 'ikke sendt'));
  }
  return out;
}

/** The message went: its record must be written, so a failing write is tried again before giving up. */
async function writeInsisting(state: StateStore, entries: LogEntry[], delay: (attempt: number) => Promise<void> = defaultRetryDelay, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await state.appendLog(entries);
      return;
    } catch (e) {
      if (i >= attempts) throw e;
      await delay(i);
    }
  }
}

const defaultRetryDelay = (attempt: number): Promise<void> => new Promise((r) => setTimeout(r, 50 * attempt));

/** A problem with one recipient (a rejected address) is recorded and does not stop the others. */
function isRecipientProblem(e: unknown): boolean {
  return e instanceof RecipientRejected;
}
