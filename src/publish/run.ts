// The runner: carries a plan out through the document store, the mail transport and the state store,
// recording each step so that a run killed at any instant continues where it stopped: never two files
// for one document, never two e-mails for one message, nothing done forgotten.

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { DateTime } from 'luxon';
import type { DocumentKind, Edition } from '../documents/edition.js';
import type { RenderRequest } from '../documents/render.js';
import { DailyLimitReached } from '../delivery/mail/daily-limit.js';
import { RecipientRejected } from '../delivery/mail/recipient-rejected.js';
import type { DocumentFile, LogEntry, MailTransport, OutgoingMail } from '../delivery/ports.js';
import type { DocumentFormat } from '../documents/files.js';
import type { Problem, WorkbookModel } from '../model.js';
import { DOCUMENT_LABEL, FORMATS, MeetingLog, SENDING_LIMIT_ACTION, sendingLimitRow, settledRow, unsettledMessages, WAITING_DETAIL } from './log.js';
import { planPublish, type Action, type NotifyAction, type OweAction, type Plan, type PublishAction, type SendAction } from './plan.js';
import { finishRun } from './finish.js';
import { planPreviewWork, previewIntents } from './preview.js';
import type { Services } from './services.js';
import { notifySubscribers, readOnce, subscriberNoticesDue, subscriberNoticesOwed } from './notify-subscribers.js';
import type { NextSubscribers } from './next.js';
import { senderOf } from '../delivery/mail/compose.js';
import { writeInsisting } from './insist.js';

export type { ComposeRequest, Composer, ProgressEvent, Renderer, Services, SiteStep } from './services.js';

export interface RunInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly now: DateTime;
  readonly dryRun?: boolean;
}

export interface RunResult<SiteOutcome = unknown> {
  readonly plan: Plan;
  readonly published: number;
  readonly sent: number;
  readonly failed: { action: Action; detail: string }[];
  /** Another run holds the lease: this one did nothing at all (no file, no mail, no site). */
  readonly busy?: boolean;
  /** What the site step did (none: no site, or the run stood back). */
  readonly site?: SiteOutcome;
  /** The mail account's daily sending limit stopped the sending: how many messages wait, and from when they can go. */
  readonly heldBack?: { readonly messages: number; readonly retryAt?: Date };
}

/** Said when another run holds the lease. */
export const BUSY_MESSAGE = 'En anden kørsel er i gang; denne kørsel gør intet. Den næste planlagte kørsel fortsætter.';

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

/** One row per person the document is owed to: the decision, recorded with the run's intents. */
function oweRows(a: OweAction, at: string, run: string): LogEntry[] {
  const row = { at, meetingId: a.meetingId, action: 'skyldig' as const, document: DOCUMENT_LABEL[a.document], run, status: 'udført' as const };
  // Nobody invited: one row without a recipient, so the empty decision is kept too.
  return a.recipients.length ? a.recipients.map((recipient) => ({ ...row, recipient })) : [{ ...row, detail: 'ingen modtagere' }];
}

function notifyRow(a: NotifyAction, at: string, status: LogEntry['status'], extra: Partial<LogEntry> = {}): LogEntry {
  return { at, meetingId: '', action: 'notify', hash: a.about === 'problemer' ? a.problemsHash : a.limit.event, recipient: a.to, messageId: a.messageId, status, ...extra };
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

export async function runPublish<SiteOutcome = unknown>(input: RunInput, given: Services<SiteOutcome>): Promise<RunResult<SiteOutcome>> {
  const { model, problems, now } = input;
  // NOTE: the subscriptions are one list for one run: read once, however many steps ask.
  const services: Services<SiteOutcome> = given.subscribers ? { ...given, subscribers: readOnce(given.subscribers) } : given;
  /** For Næste: who the notices of the next publication will reach. */
  const subscribersFor = async (): Promise<NextSubscribers | undefined> =>
    services.subscribers && model.settings.sender ? { subscriptions: await services.subscribers.readSubscriptions(), domain: senderOf(model.settings).domain } : undefined;
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
  const standBack = (plan: Plan): RunResult<SiteOutcome> => {
    progress({ event: 'busy', detail: BUSY_MESSAGE });
    return { plan, published: 0, sent: 0, failed: [], busy: true };
  };
  // NOTE: a run that finds the lease held does nothing at all: no settling, no preview, no site, no write-back.
  if (leaseHolder(log, now)) return standBack({ actions: [], heldBack: [] });
  // NOTE: settle first what an earlier run began and did not finish: the plan must know whether
  // those messages went, or a member could get an invitation twice after an edit in between.
  const settled = await settleUnfinished(log, mail, stamp());
  if (settled.length) {
    await state.appendLog(settled);
    log = [...log, ...settled];
  }
  const plan = plan0(log);
  progress({ event: 'plan', actions: plan.actions.length, heldBack: plan.heldBack });
  const result: RunResult<SiteOutcome> = { plan, published: 0, sent: 0, failed: [] };
  const previewWork = planPreviewWork({ model, problems, log, now, formats: renderer.formats });
  const otherWork =
    plan.actions.length > 0 || previewWork.make.length > 0 || previewWork.remove.length > 0 || (await subscriberNoticesDue({ model, problems, log, now }, services.subscribers));
  // The daily sending limit still holds: the messages due wait (the plan kept them owed), and the run says so.
  const paused: RunResult['heldBack'] = plan.paused ? { messages: plan.paused.messages, retryAt: new Date(plan.paused.until) } : undefined;
  // The site is asked (read only) whether it has anything to write only when nothing else is due.
  const probe = otherWork ? undefined : await services.site?.probe(log);
  if (!otherWork && !probe?.due) {
    // Nothing to do: the write-back alone (on a Sheet it writes nothing when nothing changed).
    const subscribers = await subscribersFor();
    await finishRun({ model, problems, now, log, ...(subscribers ? { subscribers } : {}) }, { ...services, site: undefined }, [], { pages: probe?.pages });
    return { ...result, ...(paused ? { heldBack: paused } : {}), ...(probe ? { site: probe.outcome } : {}) };
  }

  // Lease: record ours with the intents, read the log again, and go on only if ours is the earliest live one.
  const runId = leaseHolderId(randomUUID());
  const publishes = plan.actions.filter((a): a is PublishAction => a.kind === 'publish');
  const messages = plan.actions.filter((a): a is SendAction | NotifyAction => a.kind === 'send' || a.kind === 'notify');
  const owes = plan.actions.filter((a): a is OweAction => a.kind === 'owe');
  const batchedSends = Boolean(mail.prepare || mail.wasSent);
  // Intents: the lease, who the minutes are owed to, every upload, and (for transports that can tell afterwards) every message.
  const intents: LogEntry[] = [
    { at: stamp(), meetingId: '', action: 'lease', status: 'påbegyndt', run: runId },
    ...owes.flatMap((a) => oweRows(a, stamp(), runId)),
    ...previewIntents(previewWork, renderer.formats, stamp()),
    ...publishes.filter((a) => !a.recover).flatMap((a) => renderer.formats.map((f) => uploadRow(a, f, stamp(), 'påbegyndt'))),
    ...(batchedSends ? messages.filter((a) => !a.recover).map((a) => rowFor(a, stamp(), 'påbegyndt')) : []),
  ];
  await state.appendLog(intents);
  const planned = log.length;
  // NOTE: fresh: on a Google Sheet another run, on this machine or another, appends to the same log.
  log = await state.readLog({ fresh: true });
  const holder = leaseHolder(log, now);
  // NOTE: another run that wrote to the log after this one read it and before this one's lease (and
  // finished, releasing its lease) may already have done this plan: a plan made from a view gone stale
  // is not carried out. Rows after this run's lease are a later run's, which stands back for this one.
  // What this run recorded is only intents; the next run settles them (a file is looked up, a message asked about).
  const staleView = log.findIndex((e) => e.action === 'lease' && e.run === runId) !== planned;
  if (holder !== runId || staleView) {
    await state.appendLog([{ at: stamp(), meetingId: '', action: 'lease', status: 'udført', run: runId }]);
    return standBack(plan);
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
  // Bilag on Google Drive: each copy's address before the documents that link it are made (a copy
  // this run makes gets its id now); beside the documents, the links are relative and nothing is asked.
  if (services.bilag) {
    const editions = new Map<string, Set<Edition>>();
    for (const a of [...publishes, ...messages]) {
      if (a.kind === 'notify' || (a.kind === 'send' && a.document === 'aflysning')) continue;
      editions.set(a.meetingId, (editions.get(a.meetingId) ?? new Set()).add(a.edition));
    }
    for (const [id, set] of editions) {
      meetings.set(id, await services.bilag.withLinks(meetings.get(id)!, [...set], { reserve: publishes.some((p) => p.meetingId === id) }));
    }
  }
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
  // Bilag: before the upload results are written, so a run that dies here does the step again.
  for (const a of services.bilag ? publishes : []) {
    const mayHaveCopies = a.recover || logOf(a.meetingId).listedBilag();
    await services.bilag!.publish(meetings.get(a.meetingId)!, a.edition, a.document, rendered.get(key(a.meetingId, a.document, a.edition))!.files.get('pdf'), { mayHaveCopies });
  }
  // NOTE: the upload results travel with the run's next write (the staged tickets, or the final
  // write-back): a run that dies before it left intents, and the next finds those files again by key.
  checkpoint('uploaded');

  const composeFor = async (a: SendAction | NotifyAction): Promise<OutgoingMail> => {
    if (a.kind === 'notify') return a.about === 'problemer' ? composer.composeProblemReport(a, problems, model, now) : composer.composeLimitNotice(a, model, now);
    const meeting = meetings.get(a.meetingId)!;
    const document: DocumentKind = a.document === 'aflysning' ? 'dagsorden' : a.document;
    const r = a.document === 'aflysning' ? undefined : rendered.get(key(a.meetingId, document, a.edition));
    const pdfBytes = r?.files.get('pdf');
    const meetingLog = logOf(a.meetingId);
    const previousContents = a.previousVersion === undefined ? undefined : meetingLog.contents(document, a.edition, a.previousVersion);
    // NOTE: the invitation (and an amended one) carries the bilag; the minutes and a cancellation do not.
    const bilag = a.document === 'dagsorden' ? await services.bilag?.forMail(meeting, a.edition) : undefined;
    return composer.compose({
      action: a,
      meeting,
      model,
      ...(pdfBytes && r ? { pdf: { fileName: `${r.fileStem}.pdf`, bytes: pdfBytes } } : {}),
      links: { pdf: meetingLog.file(document, a.edition, 'pdf')?.link, docx: meetingLog.file(document, a.edition, 'docx')?.link },
      ...(previousContents ? { previousContents } : {}),
      ...(bilag ? { bilag } : {}),
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
        const rest = outgoing.slice(outgoing.indexOf(o)).filter((r) => !(mail.prepare && !r.ticket));
        record(rowFor(a, stamp(), 'ikke sendt', { detail: e.message }));
        // NOTE: the rest were never handed to the transport: known not sent, so no later run need ask about each.
        if (batchedSends) for (const r of rest.slice(1)) record(rowFor(r.action, stamp(), 'ikke sendt', { detail: WAITING_DETAIL }));
        // What the limit told, for the planner (nothing before the retry time), Næste and the secretary's notice.
        const notices = await subscriberNoticesOwed({ model, problems, log }, services.subscribers);
        record(sendingLimitRow(stamp(), rest.length + notices, e.retryAt));
        progress({ event: 'failed', action: a, detail: e.message });
        break;
      }
      recipientFailed(a, e);
    }
  }

  // Citizens' notices of what was just published: the same intent → send → result (notify-subscribers.ts).
  log = [...log, ...(await notifySubscribers({ model, problems, log, now }, services, pending))];
  // Previews, the site and the one write-back, still under the lease; the lease is released in that write.
  const subscribers = await subscribersFor();
  const finished = await finishRun({ model, problems, now, log, ...(subscribers ? { subscribers } : {}) }, services, pending.splice(0), {
    release: { at: stamp(), meetingId: '', action: 'lease', status: 'udført', run: runId },
  });
  progress({ event: 'finished', published, sent, failed: failed.length });
  // The limit met in this run (members' mail or citizens' notices), or the one that still held.
  const met = log.slice(planned).filter((e) => e.action === SENDING_LIMIT_ACTION).at(-1);
  const heldBack: RunResult['heldBack'] = met ? { messages: Number(met.waiting) || 0, retryAt: new Date(met.retryAt!) } : paused;
  return { plan, published, sent, failed, ...(heldBack ? { heldBack } : {}), ...(finished.site ? { site: finished.site.outcome } : {}) };
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



/** A problem with one recipient (a rejected address) is recorded and does not stop the others. */
function isRecipientProblem(e: unknown): boolean {
  return e instanceof RecipientRejected;
}
