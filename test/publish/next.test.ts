// Næste as a table: each meeting state → the sentence, checked against the planner's own plan at the
// moment the sentence names (it acts then, with those recipients, and not a minute before). The logs
// are made by the real runner (with in-memory services), so "sent" means what the runner records.

import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { LogEntry, MailTransport, OutgoingMail, StateStore, WriteBack } from '../../src/delivery/ports.js';
import { DailyLimitReached } from '../../src/delivery/mail/daily-limit.js';
import type { MeetingStatus } from '../../sheets-schema/schema.js';
import type { Meeting, Problem, WorkbookModel } from '../../src/model.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { createComposer } from '../../src/publish/composer.js';
import { nextStep, nextSteps } from '../../src/publish/next.js';
import { planPublish, type SendAction } from '../../src/publish/plan.js';
import { runPublish, type Composer } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { loadTemplate } from '../../src/documents/template.js';
import type { Subscription } from '../../src/portal/subscriptions/rules.js';
import type { SubscriberNotifier } from '../../src/publish/notify-subscribers.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { driveLikeStore, instantRenderer, recordingTransport } from '../helpers/fakes.js';

const ZONE = 'Europe/Copenhagen';
const ID = 'CF-2022-03-24'; // Udsend dagsorden 17-03-2022 12:00, starts 24-03-2022 09:00; 9 recipients (6 + 3)
const at = (iso: string): DateTime => DateTime.fromISO(iso, { zone: ZONE });

let example: WorkbookModel;
let composer: Composer;

beforeAll(async () => {
  example = (await readAndValidate(xlsxSource(BUNDLED_WORKBOOK))).model;
  composer = createComposer(example.settings, await loadMailTemplate());
});

function memoryState(): StateStore & { log: LogEntry[]; last?: WriteBack } {
  const s: StateStore & { log: LogEntry[]; last?: WriteBack } = {
    description: 'memory',
    log: [],
    readLog: async () => [...s.log],
    appendLog: async (e) => void s.log.push(...e),
    writeBack: async (u, e = []) => {
      s.log.push(...e);
      s.last = u;
    },
  };
  return s;
}

function withStatus(status: MeetingStatus): WorkbookModel {
  const m = example.meetings.find((x) => x.id === ID)!;
  return { ...example, meetings: [{ ...m, status }] };
}

/** The log after the real runner ran at each of `runs` (status, time), in order. */
async function logAfter(runs: readonly [MeetingStatus, string][], subscribers?: SubscriberNotifier): Promise<LogEntry[]> {
  const state = memoryState();
  const services = { documents: driveLikeStore(), mail: recordingTransport(true), state, renderer: instantRenderer(), composer, ...(subscribers ? { subscribers } : {}) };
  for (const [status, time] of runs) await runPublish({ model: withStatus(status), problems: [], now: at(time) }, services);
  return state.log;
}

/** The sends the planner makes for the meeting at `time` with `status`. */
function sendsAt(status: MeetingStatus, time: DateTime, log: readonly LogEntry[], problems: readonly Problem[] = []): SendAction[] {
  return planPublish({ model: withStatus(status), problems, log, now: time, formats: instantRenderer().formats, messageId: composer.messageId }).actions.filter(
    (a): a is SendAction => a.kind === 'send' && a.meetingId === ID,
  );
}

const byEdition = (sends: readonly SendAction[]): string => `${sends.filter((s) => s.edition === 'medlemmer').length}+${sends.filter((s) => s.edition === 'offentlig').length}`;

interface Row {
  readonly state: string;
  readonly status: MeetingStatus;
  readonly now: string;
  /** Runs before, as the secretary moved the meeting on. */
  readonly before: readonly [MeetingStatus, string][];
  readonly problems?: readonly Problem[];
  readonly next: string;
  /** The planner's plan the sentence stands for: with this status, at this moment, these sends (members+public). */
  readonly plan?: { readonly status: MeetingStatus; readonly at: string; readonly sends: string; readonly purpose: SendAction['purpose'] };
}

const meetingProblem = (cell: string): Problem => ({ tab: 'Punkter', cell, message: 'Sagsnr. skal udfyldes.', scope: { kind: 'meeting', meetingId: ID } });
const membersProblem: Problem = { tab: 'Medlemmer', cell: 'C4', message: 'E-mail er ikke en e-mailadresse.', scope: { kind: 'members' } };

const ROWS: Row[] = [
  {
    state: 'Planlagt, before the sending time',
    status: 'Planlagt',
    now: '2022-03-10T09:00',
    before: [],
    next: 'Dagsordenen udsendes, når status er Dagsorden klar, tidligst torsdag d. 17. marts 2022 kl. 12:00, til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Dagsorden klar', at: '2022-03-17T12:00', sends: '6+3', purpose: 'invitation' },
  },
  {
    state: 'Planlagt, the sending time passed',
    status: 'Planlagt',
    now: '2022-03-18T09:00',
    before: [],
    next: 'Dagsordenen udsendes, når status er Dagsorden klar, til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Dagsorden klar', at: '2022-03-18T09:00', sends: '6+3', purpose: 'invitation' },
  },
  {
    state: 'Dagsorden klar, before the sending time',
    status: 'Dagsorden klar',
    now: '2022-03-10T09:00',
    before: [],
    next: 'Dagsorden udsendes torsdag d. 17. marts 2022 kl. 12:00 til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Dagsorden klar', at: '2022-03-17T12:00', sends: '6+3', purpose: 'invitation' },
  },
  {
    state: 'Dagsorden klar, due and not yet sent (a run that failed to send)',
    status: 'Dagsorden klar',
    now: '2022-03-18T09:00',
    before: [],
    next: 'Dagsorden udsendes ved næste kørsel til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Dagsorden klar', at: '2022-03-18T09:00', sends: '6+3', purpose: 'invitation' },
  },
  {
    state: 'Dagsorden klar, the meeting has begun and the agenda never went (kept for the record)',
    status: 'Dagsorden klar',
    now: '2022-03-24T10:00',
    before: [],
    next: 'Dagsorden udgives ved næste kørsel, uden e-mails',
  },
  {
    state: 'Dagsorden klar, sent',
    status: 'Dagsorden klar',
    now: '2022-03-18T09:05',
    before: [['Dagsorden klar', '2022-03-18T09:00']],
    next: 'Referatet udsendes, når status er Referat klar, tidligst torsdag d. 24. marts 2022 kl. 09:00, til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Referat klar', at: '2022-03-24T09:00', sends: '6+3', purpose: 'referat' },
  },
  {
    state: 'Afholdt',
    status: 'Afholdt',
    now: '2022-03-25T10:00',
    before: [['Dagsorden klar', '2022-03-18T09:00']],
    next: 'Referatet udsendes, når status er Referat klar, til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Referat klar', at: '2022-03-25T10:00', sends: '6+3', purpose: 'referat' },
  },
  {
    state: 'Referat klar before the meeting has begun',
    status: 'Referat klar',
    now: '2022-03-20T10:00',
    before: [['Dagsorden klar', '2022-03-18T09:00']],
    next: 'Referat udsendes torsdag d. 24. marts 2022 kl. 09:00 til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Referat klar', at: '2022-03-24T09:00', sends: '6+3', purpose: 'referat' },
  },
  {
    state: 'Referat klar, sent',
    status: 'Referat klar',
    now: '2022-03-25T10:05',
    before: [
      ['Dagsorden klar', '2022-03-18T09:00'],
      ['Referat klar', '2022-03-25T10:00'],
    ],
    next: 'Intet mere at gøre: referatet er udgivet og udsendt.',
  },
  {
    state: 'Aflyst after the invitations went',
    status: 'Aflyst',
    now: '2022-03-20T10:00',
    before: [['Dagsorden klar', '2022-03-18T09:00']],
    next: 'Aflysning udsendes ved næste kørsel til 9 modtagere (6 medlemsudgave, 3 offentlig)',
    plan: { status: 'Aflyst', at: '2022-03-20T10:00', sends: '6+3', purpose: 'aflysning' },
  },
  {
    state: 'Aflyst, cancellations sent',
    status: 'Aflyst',
    now: '2022-03-20T10:05',
    before: [
      ['Dagsorden klar', '2022-03-18T09:00'],
      ['Aflyst', '2022-03-20T10:00'],
    ],
    next: 'Intet mere at gøre: mødet er aflyst.',
  },
  {
    state: 'Dagsorden klar with two problems of its own',
    status: 'Dagsorden klar',
    now: '2022-03-18T09:00',
    before: [],
    problems: [meetingProblem('F20'), meetingProblem('F21')],
    next: 'Holdes tilbage: 2 problemer – se Validering',
  },
  {
    state: 'Dagsorden klar, due, with a problem among the members',
    status: 'Dagsorden klar',
    now: '2022-03-18T09:00',
    before: [],
    problems: [membersProblem],
    next: 'Holdes tilbage: 1 problem – se Validering',
  },
];

describe('Næste for each meeting state, against the planner', () => {
  it.each(ROWS)('$state', async (row) => {
    const log = await logAfter(row.before);
    const problems = row.problems ?? [];
    const model = withStatus(row.status);
    const input = { model, problems, log, now: at(row.now), formats: instantRenderer().formats, messageId: composer.messageId };
    expect(nextStep(input, model.meetings[0]!)).toBe(row.next);

    const plan = planPublish({ ...input, now: at(row.now) });
    if (row.next.startsWith('Holdes tilbage')) {
      // The planner holds it back too: nothing is sent for the meeting now.
      expect(plan.actions.filter((a) => a.kind === 'send' && a.meetingId === ID)).toEqual([]);
    }
    if (row.next.includes('uden e-mails')) {
      // The planner publishes now and sends nothing, now or later.
      expect(plan.actions.some((a) => a.kind === 'publish' && a.meetingId === ID)).toBe(true);
      expect(sendsAt(row.status, at(row.now), log)).toEqual([]);
    }
    if (row.next.startsWith('Intet mere')) {
      // Nothing now, and nothing at any later moment the planner turns on.
      for (const t of [row.now, '2022-03-24T09:00', '2023-01-01T00:00']) expect(sendsAt(row.status, at(t), log)).toEqual([]);
    }
    if (row.plan) {
      const then = sendsAt(row.plan.status, at(row.plan.at), log);
      expect(byEdition(then)).toBe(row.plan.sends);
      expect(new Set(then.map((s) => s.purpose))).toEqual(new Set([row.plan.purpose]));
      // Not a minute before the moment named (unless that moment is now).
      if (at(row.plan.at) > at(row.now)) expect(sendsAt(row.plan.status, at(row.plan.at).minus({ minutes: 1 }), log)).toEqual([]);
      // With the meeting's actual status, the planner sends now only when the sentence says "ved næste kørsel".
      expect(sendsAt(row.status, at(row.now), log).length > 0).toBe(row.next.includes('ved næste kørsel'));
    }
  });

  it('a meeting left out of the model for a problem in its own row still gets its Næste', () => {
    const problems: Problem[] = [{ tab: 'Møder', cell: 'C5', message: 'Dato mangler.', scope: { kind: 'meeting', meetingId: 'CF-2023-01-01' } }, membersProblem];
    const next = nextSteps({ model: example, problems, log: [], now: at('2022-03-10T09:00'), messageId: composer.messageId });
    expect(next.get('CF-2023-01-01')).toBe('Holdes tilbage: 2 problemer – se Validering');
    expect([...next.keys()].sort()).toEqual([...example.meetings.map((m: Meeting) => m.id), 'CF-2023-01-01'].sort());
  });

  it('the runner writes Næste for every meeting into the write-back', async () => {
    const state = memoryState();
    const services = { documents: driveLikeStore(), mail: recordingTransport(true), state, renderer: instantRenderer(), composer };
    await runPublish({ model: withStatus('Dagsorden klar'), problems: [], now: at('2022-03-10T09:00') }, services);
    expect(state.last!.meetings.get(ID)).toMatchObject({ Næste: ROWS.find((r) => r.state === 'Dagsorden klar, before the sending time')!.next });
  });
});

describe('the daily sending limit in Næste and in the plan', () => {
  /** A transport that refuses, as Gmail does, every message after the first `limit` (until `reset`: a new day). */
  function limitedTransport(canTell: boolean | 'drafts', limit: number) {
    const inner = recordingTransport(canTell);
    let left = limit;
    const attempts: string[] = [];
    const transport: MailTransport = {
      ...inner,
      async send(mail: OutgoingMail, ticket?: string): Promise<void> {
        attempts.push(mail.messageId);
        if (left <= 0) throw new DailyLimitReached(new Date('2022-03-19T00:00:00Z'), 'User-rate limit exceeded (Mail sending)');
        left--;
        await inner.send(mail, ticket);
      },
    };
    return { transport, delivered: inner.delivered, attempts, reset: () => void (left = Infinity) };
  }

  it.each([['Gmail-like (drafts)', 'drafts' as const], ['SMTP-like (cannot tell)', false as const]])(
    '%s: the rest wait, Næste counts them and names the time, nothing is tried before it, and the secretary is told once',
    async (_name, canTell) => {
      const state = memoryState();
      const mail = limitedTransport(canTell, 4);
      const services = { documents: driveLikeStore(), mail: mail.transport, state, renderer: instantRenderer(), composer };
      const model = withStatus('Dagsorden klar');
      const first = await runPublish({ model, problems: [], now: at('2022-03-18T09:00') }, services);
      expect(mail.delivered).toHaveLength(4);
      expect(first.heldBack).toEqual({ messages: 5, retryAt: new Date('2022-03-19T00:00:00Z') });
      expect(state.log.filter((e) => e.action === 'sendeloft')).toEqual([expect.objectContaining({ waiting: '5', retryAt: '2022-03-19T00:00:00.000Z' })]);

      const input = (now: string) => ({ model, problems: [], log: state.log, now: at(now), formats: instantRenderer().formats, messageId: composer.messageId });
      const expected = 'Dagligt sendeloft nået: 5 e-mails venter; de sendes fra lørdag d. 19. marts 2022 kl. 01:00';
      expect(nextStep(input('2022-03-18T09:05'), model.meetings[0]!)).toBe(expected);
      expect(state.last!.meetings.get(ID)).toMatchObject({ Næste: expected });
      // The planner: no message before the limit lifts (not a minute before), kept owed, and the count said.
      const waiting = planPublish(input('2022-03-19T00:59'));
      expect(waiting.actions.filter((a) => a.kind === 'send' || a.kind === 'notify')).toEqual([]);
      expect(waiting.paused).toEqual({ until: '2022-03-19T00:00:00.000Z', messages: 5 });
      expect(waiting.heldBack).toContainEqual({ meetingId: ID, reason: `${expected}.` });
      const then = planPublish(input('2022-03-19T01:00'));
      expect(then.actions.map((a) => a.kind)).toEqual(['notify', 'send', 'send', 'send', 'send', 'send']);
      expect(then.actions[0]).toMatchObject({ about: 'sendeloft', to: 'sekretariat@example.org', limit: { waiting: 5 } });

      // A run the same day tries nothing (even were the account able to send), and says so.
      mail.reset();
      const attempts = mail.attempts.length;
      const second = await runPublish({ model, problems: [], now: at('2022-03-18T15:00') }, services);
      expect(mail.attempts.length).toBe(attempts);
      expect(second.heldBack).toEqual({ messages: 5, retryAt: new Date('2022-03-19T00:00:00Z') });

      // The next day: the notice first, then the rest; every invitation exactly once; the notice once.
      await runPublish({ model, problems: [], now: at('2022-03-19T09:00') }, services);
      await runPublish({ model, problems: [], now: at('2022-03-19T09:05') }, services);
      const ids = mail.delivered.map((m) => m.messageId);
      expect(ids).toHaveLength(10);
      expect(new Set(ids).size).toBe(10);
      expect(ids[4]).toMatch(/^<sendeloft-[0-9a-f]+@dagsorden\.example\.org>$/);
      expect(mail.delivered[4]!.to).toBe('sekretariat@example.org');
      expect(nextStep(input('2022-03-19T09:05'), model.meetings[0]!)).toMatch(/^Referatet udsendes, når status er Referat klar/);
    },
  );
});

describe('Næste counts the citizens told of the next publication', () => {
  const sub = (id: string, email: string, kind: 'forum' | 'sag', target: string, confirmedAt?: string): Subscription => ({
    id,
    email,
    kind,
    target,
    token: `token-${id}`,
    requestedAt: '2022-03-01T08:00:00.000Z',
    ...(confirmedAt ? { confirmedAt } : {}),
  });
  let subscriptions: Subscription[];
  let notifier: SubscriberNotifier;
  beforeAll(async () => {
    const caseNumber = example.meetings.find((m) => m.id === ID)!.items[0]!.caseNumber;
    subscriptions = [
      sub('a', 'a@example.dk', 'forum', 'Chefforum', '2022-03-01T09:00:00.000Z'),
      // One address following both the forum and a case of the meeting: one notice.
      sub('b1', 'b@example.dk', 'sag', caseNumber, '2022-03-01T09:00:00.000Z'),
      sub('b2', 'b@example.dk', 'forum', 'Chefforum', '2022-03-02T09:00:00.000Z'),
      // Not confirmed: told nothing.
      sub('c', 'c@example.dk', 'forum', 'Chefforum'),
      // Confirmed after the agenda goes out: not sent the agenda, but the minutes.
      sub('d', 'd@example.dk', 'forum', 'Chefforum', '2022-03-20T09:00:00.000Z'),
      // Another forum.
      sub('e', 'e@example.dk', 'forum', 'Økonomiudvalget', '2022-03-01T09:00:00.000Z'),
    ];
    notifier = { description: 'memory', readSubscriptions: async () => [...subscriptions], template: await loadTemplate() };
  });
  const subscribers = () => ({ subscriptions, domain: 'example.org' });

  it.each([
    ['Dagsorden klar', '2022-03-10T09:00', [], 'Dagsorden udsendes torsdag d. 17. marts 2022 kl. 12:00 til 9 modtagere (6 medlemsudgave, 3 offentlig) og 2 abonnenter'],
    ['Planlagt', '2022-03-10T09:00', [], 'Dagsordenen udsendes, når status er Dagsorden klar, tidligst torsdag d. 17. marts 2022 kl. 12:00, til 9 modtagere (6 medlemsudgave, 3 offentlig) og 2 abonnenter'],
    ['Afholdt', '2022-03-25T10:00', [['Dagsorden klar', '2022-03-18T09:00']], 'Referatet udsendes, når status er Referat klar, til 9 modtagere (6 medlemsudgave, 3 offentlig) og 3 abonnenter'],
  ] as [MeetingStatus, string, [MeetingStatus, string][], string][])('%s at %s', async (status, now, before, expected) => {
    // The earlier runs told the subscribers of what they published.
    const log = await logAfter(before, notifier);
    const model = withStatus(status);
    expect(nextStep({ model, problems: [], log, now: at(now), formats: instantRenderer().formats, messageId: composer.messageId, subscribers: subscribers() }, model.meetings[0]!)).toBe(expected);
  });

  it('the count is what the runner then sends: the write-back says 2, and the publication tells exactly those 2', async () => {
    const state = memoryState();
    const mail = recordingTransport(true);
    const services = { documents: driveLikeStore(), mail, state, renderer: instantRenderer(), composer, subscribers: notifier };
    const model = withStatus('Dagsorden klar');
    await runPublish({ model, problems: [], now: at('2022-03-10T09:00') }, services);
    expect(state.last!.meetings.get(ID)).toMatchObject({ Næste: 'Dagsorden udsendes torsdag d. 17. marts 2022 kl. 12:00 til 9 modtagere (6 medlemsudgave, 3 offentlig) og 2 abonnenter' });
    await runPublish({ model, problems: [], now: at('2022-03-17T12:00') }, services);
    const members = new Set(model.members.map((m) => m.email.toLowerCase()));
    expect(mail.delivered.filter((m) => !members.has(m.to.toLowerCase())).map((m) => m.to).sort()).toEqual(['a@example.dk', 'b@example.dk']);
  });

  it('the daily limit met while telling the citizens: the notices wait with the rest, each goes once, the secretary is told once', async () => {
    const state = memoryState();
    const inner = recordingTransport('drafts');
    let left = 10; // the 9 invitations and one notice; the next day, as many as needed
    const mail: MailTransport = {
      ...inner,
      async send(m: OutgoingMail, ticket?: string): Promise<void> {
        if (left-- <= 0) throw new DailyLimitReached(new Date('2022-03-18T00:00:00Z'), 'User-rate limit exceeded (Mail sending)');
        await inner.send(m, ticket);
      },
    };
    const services = { documents: driveLikeStore(), mail, state, renderer: instantRenderer(), composer, subscribers: notifier };
    const model = withStatus('Dagsorden klar');
    const first = await runPublish({ model, problems: [], now: at('2022-03-17T12:00') }, services);
    expect(first.heldBack).toEqual({ messages: 1, retryAt: new Date('2022-03-18T00:00:00Z') });
    expect(state.log.filter((e) => e.action === 'sendeloft')).toEqual([expect.objectContaining({ waiting: '1' })]);
    // Nothing is tried before the limit lifts.
    const before = inner.delivered.length;
    await runPublish({ model, problems: [], now: at('2022-03-17T18:00') }, services);
    expect(inner.delivered.length).toBe(before);
    left = Infinity;
    await runPublish({ model, problems: [], now: at('2022-03-18T09:00') }, services);
    await runPublish({ model, problems: [], now: at('2022-03-18T09:05') }, services);
    const to = inner.delivered.map((m) => m.to).filter((t) => t.endsWith('@example.dk') || t === 'sekretariat@example.org');
    expect(to.sort()).toEqual(['a@example.dk', 'b@example.dk', 'sekretariat@example.org']);
    expect(inner.delivered).toHaveLength(12);
    expect(new Set(inner.delivered.map((m) => m.messageId)).size).toBe(12);
  });
});
