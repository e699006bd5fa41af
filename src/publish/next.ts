// The `Næste` column: what the job will do next with each meeting, and when, in Danish. Pure. It asks
// the planner itself (planPublish) at the moments the planner's own rules turn on (the agenda's
// sending time, the meeting's start), and for a status the secretary has not set yet, what the
// planner would do if she set it; so the column can never promise what the job will not do.

import type { DateTime } from 'luxon';
import { DateTime as Luxon } from 'luxon';
import { DOCUMENT_LABEL, agendaSendTime, limitText, meetingStart, planPublish, type Action, type PlanInput, type SendAction } from './plan.js';
import { FORMATS, sendingPaused } from './log.js';
import { noticesOnPublishing } from './subscriber-notices.js';
import type { Subscription } from '../portal/subscriptions/rules.js';
import { heldBackBy, type Meeting, type Problem, type WorkbookModel } from '../model.js';
import type { MeetingStatus } from '../../sheets-schema/schema.js';
import { meetingDateInline } from '../text/danish.js';

export type NextInput = Pick<PlanInput, 'model' | 'problems' | 'log' | 'now' | 'formats' | 'messageId'> & {
  /** Citizens' subscriptions (read once by the run), to count who is told of the next publication. */
  readonly subscribers?: NextSubscribers;
};

export interface NextSubscribers {
  readonly subscriptions: readonly Subscription[];
  /** The sender's domain (the notices' Message-IDs). */
  readonly domain: string;
}

/** The statuses the secretary sets later in a meeting's life, in order: what a meeting waits for. */
const LATER: Readonly<Record<MeetingStatus, readonly MeetingStatus[]>> = {
  Planlagt: ['Dagsorden klar', 'Referat klar'],
  'Dagsorden klar': ['Referat klar'],
  Afholdt: ['Referat klar'],
  'Referat klar': [],
  Aflyst: [],
};

/** `torsdag d. 17. marts 2022 kl. 12:00`, as the e-mails say a date inside a sentence. */
export function danishMoment(t: DateTime): string {
  return meetingDateInline(t.toISODate()!, t.toFormat('HH:mm'));
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

/** `Holdes tilbage: 2 problemer – se Validering` */
export function heldBackText(count: number): string {
  return `Holdes tilbage: ${plural(count, 'problem', 'problemer')} – se Validering`;
}

/** `til 9 modtagere (6 medlemsudgave, 3 offentlig)` */
function recipientsText(sends: readonly SendAction[]): string {
  const members = sends.filter((s) => s.edition === 'medlemmer').length;
  const publicOnes = sends.length - members;
  const parts = [...(members ? [`${members} medlemsudgave`] : []), ...(publicOnes ? [`${publicOnes} offentlig`] : [])];
  return `til ${plural(sends.length, 'modtager', 'modtagere')} (${parts.join(', ')})`;
}

const SUBJECT: Record<SendAction['purpose'], string> = {
  invitation: 'Dagsorden',
  ændring: 'Ændret dagsorden',
  udgave: 'Dagsorden i ny udgave',
  genindkaldelse: 'Besked om, at mødet holdes alligevel,',
  afmelding: 'Afmelding',
  referat: 'Referat',
  aflysning: 'Aflysning',
};
const DEFINITE: Record<string, string> = { Dagsorden: 'Dagsordenen', Referat: 'Referatet' };

/** What the planner would do with one meeting at one moment (the meeting as given, or with another status). */
function planAt(input: NextInput, meeting: Meeting, at: DateTime): Action[] {
  const model: WorkbookModel = { ...input.model, meetings: [meeting] };
  // NOTE: without problems: a meeting's own problems are told before this is asked, and problems
  // elsewhere (members, settings) only hold back sending, which the caller checks on the result.
  return planPublish({ model, problems: [], log: input.log, now: at, formats: input.formats, messageId: input.messageId }).actions.filter((a) => a.kind !== 'notify' && a.meetingId === meeting.id);
}

/** The first of the planner's own moments (now, the agenda's time, the start) at which it acts. */
function firstAction(input: NextInput, meeting: Meeting): { at: DateTime; actions: Action[] } | undefined {
  const { now, model } = input;
  // The daily sending limit's end is one of the planner's moments too: before it, it plans no e-mail.
  const pause = limitEnd(input);
  const moments = [now, agendaSendTime(meeting, model), meetingStart(meeting, model.settings.timeZone), ...(pause ? [pause] : [])]
    .filter((t) => t >= now)
    .sort((a, b) => a.toMillis() - b.toMillis());
  let publishOnly: { at: DateTime; actions: Action[] } | undefined;
  for (const at of moments) {
    const actions = planAt(input, meeting, at);
    if (actions.some((a) => a.kind === 'send')) return { at, actions };
    if (actions.length && !publishOnly) publishOnly = { at, actions };
  }
  return publishOnly;
}

/** When the daily sending limit, met earlier, lets the planner send again (none: it does not hold now). */
function limitEnd(input: NextInput): DateTime | undefined {
  const paused = sendingPaused(input.log, input.now.toMillis());
  return paused ? Luxon.fromISO(paused.retryAt, { zone: input.model.settings.timeZone }) : undefined;
}

/**
 * How many citizens the notice planner (subscriber-notices.ts) will tell of what `actions` publish at
 * `at`: the publications counted as done then, and its own rules decide.
 */
function subscribersTold(input: NextInput, meeting: Meeting, at: DateTime, actions: readonly Action[]): number {
  if (!input.subscribers) return 0;
  const publishes = actions.flatMap((a) => (a.kind === 'publish' && !a.refresh ? [a] : []));
  if (publishes.length === 0) return 0;
  const model: WorkbookModel = { ...input.model, meetings: [meeting] };
  const notices = noticesOnPublishing({ model, problems: [], log: input.log, ...input.subscribers, publishes, formats: input.formats ?? FORMATS, at: at.toUTC().toISO()! });
  return notices.filter((n) => n.meetingId === meeting.id).length;
}

/** ` og 2 abonnenter`, or nothing. */
const andSubscribers = (n: number): string => (n ? ` og ${plural(n, 'abonnent', 'abonnenter')}` : '');

/** The sentence for what the planner will do at `at` with `meeting`; `status` when it waits for the secretary. */
function describe(input: NextInput, meeting: Meeting, at: DateTime, actions: readonly Action[], status?: MeetingStatus): string {
  const when = at <= input.now ? 'ved næste kørsel' : danishMoment(at);
  const sends = actions.filter((a): a is SendAction => a.kind === 'send');
  const told = subscribersTold(input, meeting, at, actions);
  // The e-mails the limit holds back go when it lifts: say so, and how many (the planner's own count then).
  const pause = limitEnd(input);
  if (!status && sends.length && pause && at.toMillis() === pause.toMillis()) return limitText(sends.length, pause.toUTC().toISO()!, input.model.settings.timeZone);
  if (sends.length === 0) {
    const documents = [...new Set(actions.flatMap((a) => (a.kind === 'publish' ? [DOCUMENT_LABEL[a.document]] : [])))];
    return told ? `${documents.join(' og ')} udgives ${when}, med besked til ${plural(told, 'abonnent', 'abonnenter')}` : `${documents.join(' og ')} udgives ${when}, uden e-mails`;
  }
  // The first purpose the planner sends (an agenda before minutes; a meeting sends one kind at a time).
  const purpose = sends[0]!.purpose;
  const group = sends.filter((s) => s.purpose === purpose);
  if (status) {
    const label = DOCUMENT_LABEL[group[0]!.document];
    const earliest = at > input.now ? `, tidligst ${danishMoment(at)}` : '';
    return `${DEFINITE[label] ?? label} udsendes, når status er ${status}${earliest}, ${recipientsText(group)}${andSubscribers(told)}`;
  }
  return `${SUBJECT[purpose]} udsendes ${when} ${recipientsText(group)}${andSubscribers(told)}`;
}

/** Næste for one meeting of the model. */
export function nextStep(input: NextInput, meeting: Meeting): string {
  const { problems } = input;
  const own = problems.filter((p) => p.scope.kind === 'meeting' && p.scope.meetingId === meeting.id);
  const elsewhere = problems.filter((p) => p.scope.kind !== 'meeting');
  // The planner's own rule for what holds a meeting back (its problems, or a broken workbook).
  const rule = heldBackBy(problems);
  if (rule.meeting(meeting.id)) return heldBackText(own.length + elsewhere.length);
  const held = (actions: readonly Action[]): boolean => rule.sending && actions.some((a) => a.kind === 'send');

  const first = firstAction(input, meeting);
  if (first) return held(first.actions) ? heldBackText(elsewhere.length) : describe(input, meeting, first.at, first.actions);
  for (const status of LATER[meeting.status]) {
    const later = { ...meeting, status };
    const then = firstAction(input, later);
    if (!then?.actions.some((a) => a.kind === 'send')) continue;
    return held(then.actions) ? heldBackText(elsewhere.length) : describe(input, later, then.at, then.actions, status);
  }
  if (meeting.status === 'Aflyst') return 'Intet mere at gøre: mødet er aflyst.';
  if (meeting.status === 'Referat klar') return 'Intet mere at gøre: referatet er udgivet og udsendt.';
  return 'Intet planlagt: der er ingen at sende til.';
}

/**
 * Næste for every meeting: those of the model, and those left out of it because their own row has a
 * problem (the write-back finds their row by Møde-id).
 */
export function nextSteps(input: NextInput): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of input.model.meetings) out.set(m.id, nextStep(input, m));
  for (const p of input.problems as readonly Problem[]) {
    // NOTE: a row without a Møde-id cannot be found again; its problem is in Validering.
    if (p.scope.kind !== 'meeting' || !p.scope.meetingId.trim() || out.has(p.scope.meetingId)) continue;
    const id = p.scope.meetingId;
    out.set(id, heldBackText(input.problems.filter((q) => q.scope.kind !== 'meeting' || q.scope.meetingId === id).length));
  }
  return out;
}
