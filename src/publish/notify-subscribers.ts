// The runner's step for citizens' subscriptions (issue 21): plans the notices owed
// (subscriber-notices.ts, pure), composes each from the public edition, and sends them through the
// same intent → send → result rows as every other e-mail of the run, so a run killed at any instant
// neither loses nor doubles a notice. The log names a subscriber by her subscription's id only.

import type { DateTime } from 'luxon';
import { composeSubscriberNotice } from '../delivery/mail/subscriber-notice.js';
import { senderOf } from '../delivery/mail/compose.js';
import { RecipientRejected } from '../delivery/mail/recipient-rejected.js';
import { DailyLimitReached } from '../delivery/mail/daily-limit.js';
import type { LogEntry, MailTransport, OutgoingMail, StateStore } from '../delivery/ports.js';
import type { DocumentKind } from '../documents/edition.js';
import type { Template } from '../documents/template.js';
import type { Problem, WorkbookModel } from '../model.js';
import { absolute, paths } from '../portal/addresses.js';
import { DEFAULT_SITE_ADDRESS } from '../portal/input.js';
import { followLabel, type Subscription } from '../portal/subscriptions/rules.js';
import { subscriptionLinks } from '../portal/subscriptions/links.js';
import { DOCUMENT_LABEL, MeetingLog, sendingLimitRow, WAITING_DETAIL } from './log.js';
import { noticesOnPublishing, planSubscriberNotices, subscriberRef, SUBSCRIBER_ACTION, type SubscriberNotice } from './subscriber-notices.js';
import { writeInsisting } from './insist.js';

/** Reads the subscriptions once for the whole run, however many steps ask (they are one list for one run). */
export function readOnce(notifier: SubscriberNotifier): SubscriberNotifier {
  let list: Promise<Subscription[]> | undefined;
  return { description: notifier.description, template: notifier.template, readSubscriptions: () => (list ??= notifier.readSubscriptions()) };
}

/** What the runner is given when citizens can subscribe: where the subscriptions are read, and the document template (item headings). */
export interface SubscriberNotifier {
  readonly description: string;
  readSubscriptions(): Promise<Subscription[]>;
  readonly template: Template;
}

interface StepInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly log: readonly LogEntry[];
  readonly now: DateTime;
}

interface StepServices {
  readonly mail: MailTransport;
  readonly state: StateStore;
  readonly subscribers?: SubscriberNotifier;
  readonly checkpoint?: (label: string) => void;
  readonly retryDelay?: (attempt: number) => Promise<void>;
}

/** The notices owed; with `now`, none while the daily sending limit holds (they stay owed). */
async function plan(input: Omit<StepInput, 'now'> & { readonly now?: DateTime }, notifier: SubscriberNotifier): Promise<SubscriberNotice[]> {
  if (!input.model.settings.sender) return [];
  const { now, ...rest } = input;
  return planSubscriberNotices({ ...rest, subscriptions: await notifier.readSubscriptions(), domain: senderOf(input.model.settings).domain, ...(now ? { now: now.toMillis() } : {}) });
}

/** Is any notice due now? The runner takes its lease only when something is due. */
export async function subscriberNoticesDue(input: StepInput, notifier: SubscriberNotifier | undefined): Promise<boolean> {
  return notifier ? (await plan(input, notifier)).length > 0 : false;
}

/** How many notices are owed, whether or not the daily sending limit holds: they wait with the rest. */
export async function subscriberNoticesOwed(input: Omit<StepInput, 'now'>, notifier: SubscriberNotifier | undefined): Promise<number> {
  return notifier ? (await plan(input, notifier)).length : 0;
}

function noticeRow(n: SubscriberNotice, at: string, status: LogEntry['status'], extra: Partial<LogEntry> = {}): LogEntry {
  return {
    at,
    meetingId: n.meetingId,
    action: SUBSCRIBER_ACTION,
    document: DOCUMENT_LABEL[n.document],
    edition: 'offentlig',
    version: String(n.version),
    recipient: subscriberRef(n.subscriptions[0]!),
    messageId: n.messageId,
    status,
    ...extra,
  };
}

/**
 * Sends the notices owed, and returns the rows it wrote (durably). `pending` are the runner's rows
 * not yet written: they go with this step's first write, so the log never holds a notice's intent
 * before the upload it announces.
 */
export async function notifySubscribers(input: StepInput, services: StepServices, pending: LogEntry[]): Promise<LogEntry[]> {
  const { model, now } = input;
  const { mail, state, subscribers } = services;
  if (!subscribers) return [];
  const notices = await plan(input, subscribers);
  if (notices.length === 0) return [];
  const checkpoint = services.checkpoint ?? (() => {});
  const stamp = now.toISO()!;
  const written: LogEntry[] = [];
  const write = async (rows: LogEntry[], insist = false): Promise<void> => {
    const all = [...pending.splice(0), ...rows];
    if (all.length === 0) return;
    if (insist) await writeInsisting(state, all, services.retryDelay);
    else await state.appendLog(all);
    written.push(...rows);
  };
  const site = model.settings.siteAddress ?? DEFAULT_SITE_ADDRESS;
  const meetings = new Map(model.meetings.map((m) => [m.id, m]));
  const known = new MeetingLog(input.log);
  const batched = Boolean(mail.prepare || mail.wasSent);

  // NOTE: composed when needed and not kept: a notice to 10,000 subscribers must not hold 10,000 messages in memory.
  const compose = (n: SubscriberNotice): Promise<OutgoingMail> => {
    const first = n.subscriptions[0]!;
    const pdf = new MeetingLog(input.log.filter((e) => e.meetingId === n.meetingId)).file(n.document, 'offentlig', 'pdf');
    const links = subscriptionLinks(site, first.token);
    return composeSubscriberNotice({
      meeting: meetings.get(n.meetingId)!,
      document: n.document,
      version: n.version,
      to: n.email,
      follows: n.subscriptions.map(followLabel),
      links: {
        page: absolute(site, paths.meeting(n.meetingId)),
        // NOTE: a Drive link as it is; a local file is linked where the site copies it.
        ...(pdf ? { pdf: /^https?:\/\//i.test(pdf.link) ? pdf.link : absolute(site, paths.document(n.meetingId, n.document, 'pdf')) } : {}),
        unsubscribe: links.unsubscribe,
        manage: links.manage,
      },
      settings: model.settings,
      template: subscribers.template,
      messageId: n.messageId,
      now: now.toJSDate(),
    });
  };

  // 1. A notice whose earlier result is unknown is asked about first.
  const outgoing: { notice: SubscriberNotice; ticket?: string }[] = [];
  const settled: LogEntry[] = [];
  for (const n of notices) {
    const ticket = known.ticket(n.messageId);
    if (n.recover && mail.wasSent && (await mail.wasSent({ messageId: n.messageId, to: n.email }, ticket))) {
      settled.push(noticeRow(n, stamp, 'udført', { detail: 'var allerede sendt (afbrudt kørsel)' }));
      continue;
    }
    outgoing.push({ notice: n, ...(ticket ? { ticket } : {}) });
  }
  // 2. Intents (and, for a staging transport, the tickets) before anything is sent.
  if (batched) await write([...settled, ...outgoing.filter((o) => !o.notice.recover).map((o) => noticeRow(o.notice, stamp, 'påbegyndt'))]);
  else if (settled.length) await write(settled);
  if (mail.prepare) {
    const tickets: LogEntry[] = [];
    for (const o of outgoing) {
      if (o.ticket) continue;
      try {
        o.ticket = await mail.prepare(await compose(o.notice));
        tickets.push(noticeRow(o.notice, stamp, 'påbegyndt', { ticket: o.ticket }));
      } catch (e) {
        if (!(e instanceof RecipientRejected)) throw e;
        tickets.push(noticeRow(o.notice, stamp, 'fejlet', { detail: e.message }));
      }
    }
    await write(tickets);
  }
  checkpoint('subscribers staged');
  // 3. Send, each result recorded (at once and insisting where the transport cannot tell afterwards).
  const results: LogEntry[] = [];
  for (const o of outgoing) {
    if (mail.prepare && !o.ticket) continue;
    try {
      if (!batched) await write([noticeRow(o.notice, stamp, 'påbegyndt')]);
      checkpoint(`before notice ${o.notice.messageId}`);
      await mail.send(await compose(o.notice), o.ticket);
      const row = noticeRow(o.notice, stamp, 'udført');
      if (batched) results.push(row);
      else await write([row], true);
      checkpoint(`after notice ${o.notice.messageId}`);
    } catch (e) {
      // NOTE: the daily limit stops the notices as it stops the members' mail: this one and the rest
      // wait (owed, as the log says they are not sent), and the limit is recorded for later runs.
      if (e instanceof DailyLimitReached) {
        const rest = outgoing.slice(outgoing.indexOf(o)).filter((r) => !(mail.prepare && !r.ticket));
        results.push(noticeRow(o.notice, stamp, 'ikke sendt', { detail: e.message }));
        if (batched) for (const r of rest.slice(1)) results.push(noticeRow(r.notice, stamp, 'ikke sendt', { detail: WAITING_DETAIL }));
        results.push(sendingLimitRow(stamp, rest.length, e.retryAt));
        break;
      }
      if (!(e instanceof RecipientRejected)) throw e;
      results.push(noticeRow(o.notice, stamp, 'fejlet', { detail: e.message }));
    }
  }
  await write(results, true);
  return written;
}


/**
 * For `--dry-run`: the notices the run would send, one line per publication, Danish. What the plan
 * publishes is counted as published now (the planner's own rule then decides), so the lines say
 * what a real run would do.
 */
export async function describeSubscriberNotices(
  input: Omit<StepInput, 'log'> & { readonly log: readonly LogEntry[]; readonly publishes: readonly { meetingId: string; document: DocumentKind; edition: string; version: number }[]; readonly formats: readonly string[] },
  notifier: SubscriberNotifier | undefined,
): Promise<string[]> {
  if (!notifier || !input.model.settings.sender) return [];
  const notices = noticesOnPublishing({
    ...input,
    subscriptions: await notifier.readSubscriptions(),
    domain: senderOf(input.model.settings).domain,
    now: input.now.toMillis(),
    at: input.now.toISO()!,
  });
  const groups = new Map<string, number>();
  for (const n of notices) {
    const key = `${DOCUMENT_LABEL[n.document].toLowerCase()} for ${n.meetingId}, version ${n.version}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  return [...groups].map(([what, count]) => `Send besked til ${count} ${count === 1 ? 'abonnent' : 'abonnenter'} om ${what}`);
}
