// Which citizens' subscriptions are owed an e-mail (issue 21): one per address and published public
// version of an agenda or minutes of a forum they follow, or holding a case they follow. Pure: the
// model, the problems, the log and the subscriptions in; the notices out. The step that sends them
// is notify-subscribers.ts.

import { createHash } from 'node:crypto';
import type { DocumentKind } from '../documents/edition.js';
import type { LogEntry } from '../delivery/ports.js';
import { heldBackBy, type Problem, type WorkbookModel } from '../model.js';
import { follows, type Subscription } from '../portal/subscriptions/rules.js';
import { DOCUMENT_LABEL, MeetingLog, sendingPaused } from './log.js';

/** The log's `Handling` for a citizen's notice. */
export const SUBSCRIBER_ACTION = 'abonnement';

export interface SubscriberNotice {
  readonly meetingId: string;
  readonly document: DocumentKind;
  /** The public version announced. */
  readonly version: number;
  readonly email: string;
  /** The subscriptions of this address that match, oldest first; the first one's links go in the e-mail. */
  readonly subscriptions: readonly Subscription[];
  readonly messageId: string;
  /** An earlier run recorded the intent and not the result: ask the transport first. */
  readonly recover: boolean;
}

export interface NoticeInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly log: readonly LogEntry[];
  readonly subscriptions: readonly Subscription[];
  /** The sender's domain, for the Message-ID. */
  readonly domain: string;
  /** The moment (ms) the notices would go: none while the daily sending limit holds then (they stay owed). */
  readonly now?: number;
}

/** `<abonnent-…@dagsorden.domain>`: one per address and public version, so it is sent once whatever the runs. */
export function noticeMessageId(email: string, meetingId: string, document: DocumentKind, version: number, domain: string): string {
  const hash = createHash('sha256').update(JSON.stringify(['abonnement', email.trim().toLowerCase(), meetingId, document, version])).digest('hex').slice(0, 32);
  return `<abonnent-${hash}@dagsorden.${domain}>`;
}

/** The log's name for a subscriber: her subscription's random id, never her address. */
export const subscriberRef = (s: Pick<Subscription, 'id'>): string => `abonnent:${s.id}`;

/**
 * The notices owed. A version counts once every format begun for it is published; only the newest
 * public version of each document is announced, and only to subscriptions confirmed before it was
 * first published (a new subscriber is not sent the archive). A meeting held back by problems in its
 * rows, or any problem that holds back sending, sends nothing (fail closed).
 */
export function planSubscriberNotices(input: NoticeInput): SubscriberNotice[] {
  const held = heldBackBy(input.problems);
  if (held.sending || !input.model.settings.sender) return [];
  if (input.now !== undefined && sendingPaused(input.log, input.now)) return [];
  const confirmed = input.subscriptions.filter((s) => s.confirmedAt);
  if (confirmed.length === 0) return [];
  const state = noticeState(input.log);
  const out: SubscriberNotice[] = [];
  for (const meeting of input.model.meetings) {
    if (held.meeting(meeting.id)) continue;
    const log = new MeetingLog(input.log.filter((e) => e.meetingId === meeting.id));
    const what = { forum: meeting.forum, caseNumbers: meeting.items.map((i) => i.caseNumber) };
    const mine = confirmed.filter((s) => follows(s, what));
    if (mine.length === 0) continue;
    for (const document of ['dagsorden', 'referat'] as const) {
      const latest = log.latest(document, 'offentlig');
      if (!latest?.complete) continue;
      const first = firstPublished(input.log, meeting.id, document, latest.version);
      if (first === undefined) continue;
      const byAddress = new Map<string, Subscription[]>();
      for (const s of mine) if (Date.parse(s.confirmedAt!) <= first) byAddress.set(s.email, [...(byAddress.get(s.email) ?? []), s]);
      for (const [email, subscriptions] of byAddress) {
        const messageId = noticeMessageId(email, meeting.id, document, latest.version, input.domain);
        const last = state.get(messageId);
        if (last === 'udført' || last === 'fejlet') continue;
        out.push({ meetingId: meeting.id, document, version: latest.version, email, subscriptions, messageId, recover: last === 'påbegyndt' });
      }
    }
  }
  return out;
}

/** Each notice's last status in the log (a refused address is not tried again for the same version). */
function noticeState(log: readonly LogEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of log) if (e.action === SUBSCRIBER_ACTION && e.messageId) out.set(e.messageId, e.status === 'sluppet' ? 'udført' : e.status);
  return out;
}

/** When a public version was first published (ms), from its first finished upload. */
function firstPublished(log: readonly LogEntry[], meetingId: string, document: DocumentKind, version: number): number | undefined {
  let first: number | undefined;
  for (const e of log) {
    if (e.action !== 'upload' || e.status !== 'udført' || e.meetingId !== meetingId || e.edition !== 'offentlig' || e.document !== DOCUMENT_LABEL[document] || Number(e.version) !== version) continue;
    const t = Date.parse(e.at);
    if (Number.isFinite(t) && (first === undefined || t < first)) first = t;
  }
  return first;
}

/** A publication the planner plans: what a notice announces once it is done. */
export interface PlannedPublication {
  readonly meetingId: string;
  readonly document: DocumentKind;
  readonly edition: string;
  readonly version: number;
}

/**
 * The notices that will be owed once `publishes` are done at `at` (ISO): they are counted as published
 * then, and the planner above decides, so `--dry-run` and `Næste` say what a real run will send.
 */
export function noticesOnPublishing(input: NoticeInput & { readonly publishes: readonly PlannedPublication[]; readonly formats: readonly string[]; readonly at: string }): SubscriberNotice[] {
  const { publishes, formats, at, ...rest } = input;
  const published: LogEntry[] = publishes
    .filter((p) => p.edition === 'offentlig')
    .flatMap((p) => formats.map((format) => ({ at, meetingId: p.meetingId, action: 'upload' as const, document: DOCUMENT_LABEL[p.document], edition: 'offentlig', format, version: String(p.version), status: 'udført' as const })));
  return planSubscriberNotices({ ...rest, log: [...input.log, ...published] });
}
