// planPublish as tables: meeting state × time × log → the actions due. No services involved.

import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/delivery/ports.js';
import type { Item, Meeting, Member, Problem, WorkbookModel } from '../../src/model.js';
import { documentHash, planPublish, problemsHash, scheduleOf, type Action, type MessageKey } from '../../src/publish/plan.js';
import { scheduleHash } from '../../src/publish/log.js';
import { parseRichText } from '../../src/validate/richtext.js';

const ZONE = 'Europe/Copenhagen';

function item(n: number, over: Partial<Item> = {}): Item {
  return {
    meetingId: 'CF-2022-03-31', number: n, prefix: 'CF', title: `Punkt ${n}`, caseNumber: '00.01.00-A21-2-21', closed: false, recommendationFirst: false,
    presentation: parseRichText(`Tekst ${n}`), recommendation: [], attachments: [], row: n + 1, ...over,
  };
}

function meeting(over: Partial<Meeting> = {}): Meeting {
  const id = over.id ?? 'CF-2022-03-31';
  return {
    id, forum: 'Chefforum', date: '2022-03-31', start: '09:00', end: '12:00', place: 'Mødelokale 1', status: 'Dagsorden klar', row: 2,
    items: [item(1, { meetingId: id }), item(2, { meetingId: id, closed: true, title: 'Personalesag', presentation: parseRichText('Fortroligt') })],
    ...over,
  };
}

const members: Member[] = [
  { name: 'Anne', email: 'anne@example.org', fora: ['Chefforum'], seesClosed: true, active: true, row: 2 },
  { name: 'Bo', email: 'bo@example.org', fora: ['Chefforum'], seesClosed: false, active: true, row: 3 },
  { name: 'Carl', email: 'carl@example.org', fora: ['Chefforum'], seesClosed: false, active: false, row: 4 },
  { name: 'Dorte', email: 'dorte@example.org', fora: ['DIF'], seesClosed: true, active: true, row: 5 },
];

function model(meetings: Meeting[], over: Partial<WorkbookModel['settings']> = {}): WorkbookModel {
  return { meetings, members, settings: { organisation: 'Albertslund Kommune', timeZone: ZONE, daysBefore: 7, sendTime: '12:00', secretaryEmail: 'sekr@example.org', sender: 'Sekretariatet <sekr@example.org>', extra: {}, ...over } };
}

const messageId = (p: MessageKey) => `<${p.meetingId}.${p.document}.${p.edition}.${p.version}.${p.sequence}.${p.recipient}.${p.nth}>`;
const editionOf = (recipient: string): 'medlemmer' | 'offentlig' => (members.find((m) => m.email === recipient)?.seesClosed ? 'medlemmer' : 'offentlig');

/** Compact, readable form of an action. */
function show(a: Action): string {
  if (a.kind === 'publish') return `publish ${a.meetingId} ${a.document} ${a.edition} v${a.version}${a.recover ? ' recover' : ''}`;
  if (a.kind === 'notify') return a.about === 'problemer' ? `notify ${a.to} ${a.problemCount}` : `notify ${a.to} sendeloft ${a.limit.waiting}`;
  if (a.kind === 'owe') return `owe ${a.meetingId} ${a.document} ${a.recipients.join(',')}`;
  return `send ${a.meetingId} ${a.purpose} ${a.edition} v${a.version} ${a.recipient} seq${a.calendar?.sequence ?? "-"}${a.previousVersion ? ` prev${a.previousVersion}` : ''}${a.recover ? ' recover' : ''}`;
}

const at = (iso: string) => DateTime.fromISO(iso, { zone: ZONE });

/** Log rows saying that a document version was published in both formats. */
function published(m: Meeting, document: 'dagsorden' | 'referat', edition: 'medlemmer' | 'offentlig', version: number, hash = documentHash(m, document, edition, model([]).settings)): LogEntry[] {
  return (['docx', 'pdf'] as const).map((format) => ({
    at: '2022-03-24T12:00:00+01:00', meetingId: m.id, action: 'upload', document: document === 'dagsorden' ? 'Dagsorden' : 'Referat', edition, format, version: String(version), hash, fileId: `f-${edition}-${format}-${version}`, link: '', status: 'udført',
    ...(format === 'docx' ? { detail: JSON.stringify({ date: m.date, start: m.start, end: m.end, place: m.place }) } : {}),
  }));
}

function sent(m: Meeting, document: 'Dagsorden' | 'Referat' | 'Aflysning', version: number, recipient: string, status: LogEntry['status'] = 'udført', sequence = document === 'Aflysning' ? 1 : 0): LogEntry {
  const edition = editionOf(recipient);
  const calendar = document === 'Dagsorden' ? 'REQUEST' : document === 'Aflysning' ? 'CANCEL' : undefined;
  return {
    at: '2022-03-24T12:00:00+01:00', meetingId: m.id, action: 'send', document, edition, version: String(version), recipient,
    messageId: messageId({ meetingId: m.id, document: document.toLowerCase(), edition, version, sequence: calendar ? sequence : 0, recipient, nth: 0 }), status,
    ...(calendar ? { calendar, sequence: String(sequence), schedule: scheduleHash(m) } : {}),
  };
}

const agendaSent = (m: Meeting): LogEntry[] => [...published(m, 'dagsorden', 'medlemmer', 1), ...published(m, 'dagsorden', 'offentlig', 1), sent(m, 'Dagsorden', 1, 'anne@example.org'), sent(m, 'Dagsorden', 1, 'bo@example.org')];

const firstAgenda = (id = 'CF-2022-03-31') => [
  `publish ${id} dagsorden medlemmer v1`,
  `publish ${id} dagsorden offentlig v1`,
  `send ${id} invitation medlemmer v1 anne@example.org seq0`,
  `send ${id} invitation offentlig v1 bo@example.org seq0`,
];

interface Case {
  name: string;
  meetings: Meeting[];
  log?: (ms: Meeting[]) => LogEntry[];
  now: string;
  problems?: Problem[];
  expected: string[];
}

const m0 = meeting();
const memberProblem: Problem = { tab: 'Medlemmer', cell: 'C3', message: 'x', scope: { kind: 'members' } };
const cases: Case[] = [
  { name: 'Planlagt: nothing, whatever the time', meetings: [meeting({ status: 'Planlagt' })], now: '2022-03-30T12:00', expected: [] },
  { name: 'Dagsorden klar, a minute before the default sending time', meetings: [m0], now: '2022-03-24T11:59', expected: [] },
  { name: 'Dagsorden klar, at the default sending time (7 days before, 12:00)', meetings: [m0], now: '2022-03-24T12:00', expected: firstAgenda() },
  { name: 'explicit Udsend dagsorden overrides the default', meetings: [meeting({ sendAgendaAt: '2022-03-28T08:00' })], now: '2022-03-24T12:00', expected: [] },
  { name: 'explicit Udsend dagsorden reached', meetings: [meeting({ sendAgendaAt: '2022-03-28T08:00' })], now: '2022-03-28T08:00', expected: firstAgenda() },
  { name: 'everything already done: a no-op', meetings: [m0], log: ([m]) => agendaSent(m!), now: '2022-03-25T12:00', expected: [] },
  {
    name: 'an open item changed after sending: new version for both editions, amended to all',
    meetings: [meeting({ items: [item(1, { title: 'Ny titel' }), m0.items[1]!] })],
    log: () => agendaSent(m0),
    now: '2022-03-25T12:00',
    expected: [
      'publish CF-2022-03-31 dagsorden medlemmer v2',
      'publish CF-2022-03-31 dagsorden offentlig v2',
      'send CF-2022-03-31 ændring medlemmer v2 anne@example.org seq0 prev1',
      'send CF-2022-03-31 ændring offentlig v2 bo@example.org seq0 prev1',
    ],
  },
  {
    name: 'a closed item changed: only the members edition, only to entitled members',
    meetings: [meeting({ items: [m0.items[0]!, { ...m0.items[1]!, presentation: parseRichText('Fortroligt, rettet') }] })],
    log: () => agendaSent(m0),
    now: '2022-03-25T12:00',
    expected: ['publish CF-2022-03-31 dagsorden medlemmer v2', 'send CF-2022-03-31 ændring medlemmer v2 anne@example.org seq0 prev1'],
  },
  {
    name: 'moving the meeting raises the calendar sequence',
    meetings: [meeting({ place: 'Teams' })],
    log: () => agendaSent(m0),
    now: '2022-03-25T12:00',
    expected: [
      'publish CF-2022-03-31 dagsorden medlemmer v2',
      'publish CF-2022-03-31 dagsorden offentlig v2',
      'send CF-2022-03-31 ændring medlemmer v2 anne@example.org seq1 prev1',
      'send CF-2022-03-31 ændring offentlig v2 bo@example.org seq1 prev1',
    ],
  },
  {
    name: 'a member added after the agenda went out gets the current version as an invitation',
    meetings: [m0],
    log: ([m]) => agendaSent(m!).filter((e) => e.recipient !== 'bo@example.org'),
    now: '2022-03-26T09:00',
    expected: ['send CF-2022-03-31 invitation offentlig v1 bo@example.org seq0'],
  },
  { name: 'the meeting has begun: no invitations any more, the agenda is still published for the record', meetings: [m0], now: '2022-03-31T09:00', expected: ['publish CF-2022-03-31 dagsorden medlemmer v1', 'publish CF-2022-03-31 dagsorden offentlig v1'] },
  {
    name: 'Referat klar: the minutes are published and sent',
    meetings: [meeting({ status: 'Referat klar', items: m0.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) })],
    log: ([m]) => agendaSent(m!),
    now: '2022-04-02T10:00',
    expected: [
      'publish CF-2022-03-31 referat medlemmer v1',
      'publish CF-2022-03-31 referat offentlig v1',
      'owe CF-2022-03-31 referat anne@example.org,bo@example.org',
      'send CF-2022-03-31 referat medlemmer v1 anne@example.org seq-',
      'send CF-2022-03-31 referat offentlig v1 bo@example.org seq-',
    ],
  },
  {
    name: 'Referat klar before the meeting has begun: the minutes wait, the agenda goes out',
    meetings: [meeting({ status: 'Referat klar', items: m0.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) })],
    now: '2022-03-30T10:00',
    expected: ['publish CF-2022-03-31 dagsorden medlemmer v1', 'publish CF-2022-03-31 dagsorden offentlig v1'],
  },
  {
    name: 'Aflyst after the agenda went out: a cancellation with a raised sequence to those who got it',
    meetings: [meeting({ status: 'Aflyst' })],
    log: () => agendaSent(m0).filter((e) => e.recipient !== 'bo@example.org'),
    now: '2022-03-26T09:00',
    expected: ['send CF-2022-03-31 aflysning medlemmer v1 anne@example.org seq1'],
  },
  { name: 'Aflyst before anything went out: nothing', meetings: [meeting({ status: 'Aflyst' })], now: '2022-03-26T09:00', expected: [] },
  {
    name: 'Aflyst, cancellation already sent: nothing',
    meetings: [meeting({ status: 'Aflyst' })],
    log: ([m]) => [...agendaSent(m0), sent(m!, 'Aflysning', 1, 'anne@example.org'), sent(m!, 'Aflysning', 1, 'bo@example.org')],
    now: '2022-03-26T09:00',
    expected: [],
  },
  {
    name: 'a run died while publishing: the same version is resumed, looking for the file first',
    meetings: [m0],
    log: ([m]) => [{ ...published(m!, 'dagsorden', 'medlemmer', 1)[0]!, status: 'påbegyndt' }],
    now: '2022-03-24T12:05',
    expected: ['publish CF-2022-03-31 dagsorden medlemmer v1 recover', ...firstAgenda().slice(1)],
  },
  {
    name: 'a run died after recording a send: it is checked before sending again',
    meetings: [m0],
    log: ([m]) => [...agendaSent(m!).filter((e) => e.recipient !== 'bo@example.org'), sent(m!, 'Dagsorden', 1, 'bo@example.org', 'påbegyndt')],
    now: '2022-03-24T12:05',
    expected: ['send CF-2022-03-31 invitation offentlig v1 bo@example.org seq0 recover'],
  },
  {
    name: 'a problem in one meeting holds back that meeting only',
    meetings: [m0, meeting({ id: 'CF-2022-04-07', date: '2022-04-07' })],
    problems: [{ tab: 'Punkter', cell: 'F9', message: 'x', scope: { kind: 'meeting', meetingId: 'CF-2022-04-07' } }],
    now: '2022-03-30T12:00',
    expected: [...firstAgenda(), 'notify sekr@example.org 1'],
  },
  {
    name: 'a problem among the members holds back all sending, not publishing',
    meetings: [m0],
    problems: [{ tab: 'Medlemmer', cell: 'C3', message: 'x', scope: { kind: 'members' } }],
    now: '2022-03-24T12:00',
    expected: [...firstAgenda().slice(0, 2), 'notify sekr@example.org 1'],
  },
  {
    name: 'the secretary is not told again about the same set of problems',
    meetings: [],
    problems: [memberProblem],
    log: () => [{ at: '', meetingId: '', action: 'notify', hash: problemsHash([memberProblem]), status: 'udført' }],
    now: '2022-03-24T12:00',
    expected: [],
  },
  {
    name: 'the secretary is told about a new set of problems',
    meetings: [],
    problems: [memberProblem, { ...memberProblem, cell: 'C4' }],
    log: () => [{ at: '', meetingId: '', action: 'notify', hash: problemsHash([memberProblem]), status: 'udført' }],
    now: '2022-03-24T12:00',
    expected: ['notify sekr@example.org 2'],
  },
  {
    name: 'first run after a long outage: past minutes sent, past agendas only published, future agenda on time',
    meetings: [
      meeting({ id: 'CF-2022-01-13', date: '2022-01-13', status: 'Referat klar', items: [item(1, { meetingId: 'CF-2022-01-13', decision: parseRichText('Godkendt.') })] }),
      meeting({ id: 'CF-2022-02-10', date: '2022-02-10', status: 'Dagsorden klar', items: [item(1, { meetingId: 'CF-2022-02-10' })] }),
      meeting({ id: 'CF-2022-03-31' }),
      meeting({ id: 'CF-2022-04-28', date: '2022-04-28' }),
    ],
    now: '2022-03-25T06:00',
    expected: [
      'publish CF-2022-01-13 dagsorden medlemmer v1', 'publish CF-2022-01-13 dagsorden offentlig v1',
      'publish CF-2022-01-13 referat medlemmer v1', 'publish CF-2022-01-13 referat offentlig v1',
      'owe CF-2022-01-13 referat anne@example.org,bo@example.org',
      'send CF-2022-01-13 referat medlemmer v1 anne@example.org seq-', 'send CF-2022-01-13 referat offentlig v1 bo@example.org seq-',
      'publish CF-2022-02-10 dagsorden medlemmer v1', 'publish CF-2022-02-10 dagsorden offentlig v1',
      ...firstAgenda(),
    ],
  },
];

describe('planPublish', () => {
  it.each(cases)('$name', ({ meetings, log, now, problems, expected }) => {
    const plan = planPublish({ model: model(meetings), problems: problems ?? [], log: log?.(meetings) ?? [], now: at(now), messageId });
    expect(plan.actions.map(show)).toEqual(expected);
  });

  // Daylight saving: the default sending time is 12:00 local, 7 calendar days before, on either side of a change.
  it.each([
    ['2022-03-31 (the clocks went forward on 27 March): due at 12:00 CET = 11:00Z', '2022-03-31', '2022-03-24T10:59:00Z', '2022-03-24T11:00:00Z'],
    ['2022-11-03 (the clocks went back on 30 October): due at 12:00 CEST = 10:00Z', '2022-11-03', '2022-10-27T09:59:00Z', '2022-10-27T10:00:00Z'],
    ['2022-04-01, sending day before the change, meeting after it', '2022-04-01', '2022-03-25T10:59:00Z', '2022-03-25T11:00:00Z'],
    ['2022-03-29, sending day on the winter side (22 March), meeting in summer time', '2022-03-29', '2022-03-22T10:59:00Z', '2022-03-22T11:00:00Z'],
  ])('%s', (_, date, before, after) => {
    const m = meeting({ date, id: `CF-${date}` });
    const planAt = (iso: string) => planPublish({ model: model([m]), problems: [], log: [], now: DateTime.fromISO(iso, { zone: 'utc' }), messageId }).actions.length;
    expect(planAt(before)).toBe(0);
    expect(planAt(after)).toBe(4);
  });

  it('a sending time in the hour that does not exist (02:30 on 27 March 2022) is not lost', () => {
    const m = meeting({ sendAgendaAt: '2022-03-27T02:30' });
    const plan = planPublish({ model: model([m]), problems: [], log: [], now: DateTime.fromISO('2022-03-27T01:31:00Z', { zone: 'utc' }), messageId });
    expect(plan.actions).toHaveLength(4);
  });

  it('the agenda hash ignores decisions, row numbers and status; the minutes hash includes decisions', () => {
    const a = meeting();
    const b = meeting({ status: 'Referat klar', row: 9, items: a.items.map((i) => ({ ...i, row: 40, decision: parseRichText('Godkendt.') })) });
    expect(documentHash(b, 'dagsorden', 'offentlig', model([]).settings)).toBe(documentHash(a, 'dagsorden', 'offentlig', model([]).settings));
    expect(documentHash(b, 'referat', 'offentlig', model([]).settings)).not.toBe(documentHash(a, 'referat', 'offentlig', model([]).settings));
  });

  it('the public hash does not change when only closed content changes', () => {
    const a = meeting();
    const b = meeting({ items: [a.items[0]!, { ...a.items[1]!, title: 'Anden personalesag' }] });
    expect(documentHash(b, 'dagsorden', 'offentlig', model([]).settings)).toBe(documentHash(a, 'dagsorden', 'offentlig', model([]).settings));
    expect(documentHash(b, 'dagsorden', 'medlemmer', model([]).settings)).not.toBe(documentHash(a, 'dagsorden', 'medlemmer', model([]).settings));
    expect(scheduleOf(a)).toBe('2022-03-31 09:00-12:00 @ Mødelokale 1');
  });
});

// The lifecycle's transitions (docs/lifecycle.md), one row each.
describe('planPublish: lifecycle transitions', () => {
  const plan = (meetings: Meeting[], log: LogEntry[], now: string, over: { members?: Member[]; template?: string } = {}) =>
    planPublish({
      model: { ...model(meetings), members: over.members ?? members },
      problems: [],
      log,
      now: at(now),
      messageId,
      ...(over.template ? { templateFingerprint: over.template } : {}),
    }).actions.map((a) => (a.kind === 'send' ? `${show(a)}${a.calendar ? ` ${a.calendar.method}${a.calendar.askReply ? ' ask' : ''}` : ''}` : show(a)));
  const cancelled = (m: Meeting): LogEntry[] => [...agendaSent(m), sent(m, 'Aflysning', 1, 'anne@example.org'), sent(m, 'Aflysning', 1, 'bo@example.org')];

  it.each<[string, () => string[], string[]]>([
    [
      'Aflyst and back to Dagsorden klar: a REQUEST above the cancellation, saying the meeting is on again',
      () => plan([m0], cancelled(m0), '2022-03-26T09:00'),
      [
        'send CF-2022-03-31 genindkaldelse medlemmer v1 anne@example.org seq2 REQUEST ask',
        'send CF-2022-03-31 genindkaldelse offentlig v1 bo@example.org seq2 REQUEST ask',
      ],
    ],
    [
      'a member removed after the invitation gets a CANCEL above her invitation',
      () => plan([m0], agendaSent(m0), '2022-03-26T09:00', { members: members.filter((m) => m.email !== 'bo@example.org') }),
      ['send CF-2022-03-31 afmelding offentlig v1 bo@example.org seq1 CANCEL'],
    ],
    [
      'a member made inactive gets a CANCEL',
      () => plan([m0], agendaSent(m0), '2022-03-26T09:00', { members: members.map((m) => (m.email === 'bo@example.org' ? { ...m, active: false } : m)) }),
      ['send CF-2022-03-31 afmelding offentlig v1 bo@example.org seq1 CANCEL'],
    ],
    [
      'a member moved to another forum gets a CANCEL',
      () => plan([m0], agendaSent(m0), '2022-03-26T09:00', { members: members.map((m) => (m.email === 'anne@example.org' ? { ...m, fora: ['DIF'] } : m)) }),
      ['send CF-2022-03-31 afmelding medlemmer v1 anne@example.org seq1 CANCEL'],
    ],
    [
      'a member given access to closed items gets the members edition, calendar untouched',
      () => plan([m0], agendaSent(m0), '2022-03-26T09:00', { members: members.map((m) => (m.email === 'bo@example.org' ? { ...m, seesClosed: true } : m)) }),
      ['send CF-2022-03-31 udgave medlemmer v1 bo@example.org seq0 REQUEST'],
    ],
    [
      'a member denied access gets the public edition',
      () => plan([m0], agendaSent(m0), '2022-03-26T09:00', { members: members.map((m) => (m.email === 'anne@example.org' ? { ...m, seesClosed: false } : m)) }),
      ['send CF-2022-03-31 udgave offentlig v1 anne@example.org seq0 REQUEST'],
    ],
    [
      'access given and taken away again: she gets the public edition again, under a new Message-ID',
      () => {
        const bo = (seesClosed: boolean) => members.map((m) => (m.email === 'bo@example.org' ? { ...m, seesClosed } : m));
        const log = [...agendaSent(m0), { ...sent(m0, 'Dagsorden', 1, 'anne@example.org'), recipient: 'bo@example.org', edition: 'medlemmer', messageId: '<bo-medlemmer-1>' }];
        const actions = planPublish({ model: { ...model([m0]), members: bo(false) }, problems: [], log, now: at('2022-03-26T09:00'), messageId }).actions;
        expect(actions.filter((a) => a.kind === 'send').map((a) => a.messageId)).not.toContain(log.find((e) => e.recipient === 'bo@example.org' && e.edition === 'offentlig')!.messageId);
        return plan([m0], log, '2022-03-26T09:00', { members: bo(false) });
      },
      ['send CF-2022-03-31 udgave offentlig v1 bo@example.org seq0 REQUEST'],
    ],
    [
      'a content-only change keeps SEQUENCE and does not ask for an answer again',
      () => plan([meeting({ items: [item(1, { title: 'Ny titel' }), m0.items[1]!] })], agendaSent(m0), '2022-03-25T12:00').filter((s) => s.startsWith('send')),
      [
        'send CF-2022-03-31 ændring medlemmer v2 anne@example.org seq0 prev1 REQUEST',
        'send CF-2022-03-31 ændring offentlig v2 bo@example.org seq0 prev1 REQUEST',
      ],
    ],
    [
      'a new time raises SEQUENCE and asks again',
      () => plan([meeting({ start: '10:00' })], agendaSent(m0), '2022-03-25T12:00').filter((s) => s.startsWith('send')),
      [
        'send CF-2022-03-31 ændring medlemmer v2 anne@example.org seq1 prev1 REQUEST ask',
        'send CF-2022-03-31 ændring offentlig v2 bo@example.org seq1 prev1 REQUEST ask',
      ],
    ],
    [
      'a member added after the minutes went out does not get old minutes',
      () => {
        const m = meeting({ status: 'Referat klar', items: m0.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) });
        const log = [...published(m, 'referat', 'medlemmer', 1), ...published(m, 'referat', 'offentlig', 1), sent(m, 'Referat', 1, 'anne@example.org')];
        return plan([m], log, '2022-04-05T10:00', { members: [...members, { name: 'Eva', email: 'eva@example.org', fora: ['Chefforum'], seesClosed: false, active: true, row: 9 }] }).filter((s) => s.startsWith('send'));
      },
      [],
    ],
    [
      'a run died after the first of the minutes went out: the rest of those they were owed to get them (issue 18)',
      () => {
        const m = meeting({ status: 'Referat klar', items: m0.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) });
        const owed = ['anne@example.org', 'bo@example.org'].map((recipient): LogEntry => ({ at: '2022-04-02T10:00', meetingId: m.id, action: 'skyldig', document: 'Referat', recipient, run: 'r1', status: 'udført' }));
        // Bo never had the agenda (say he joined on the day): only the recorded decision owes him the minutes.
        const log = [...owed, ...published(m, 'referat', 'medlemmer', 1), ...published(m, 'referat', 'offentlig', 1), sent(m, 'Referat', 1, 'anne@example.org')];
        return plan([m], log, '2022-04-02T10:20').filter((a) => !a.startsWith('publish'));
      },
      ['send CF-2022-03-31 referat offentlig v1 bo@example.org seq-'],
    ],
    [
      'the minutes are owed to those invited when they were first planned, not to a member added since',
      () => {
        const m = meeting({ status: 'Referat klar', items: m0.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) });
        const owed: LogEntry[] = [{ at: '2022-04-02T10:00', meetingId: m.id, action: 'skyldig', document: 'Referat', recipient: 'anne@example.org', run: 'r1', status: 'udført' }];
        const log = [...owed, ...published(m, 'referat', 'medlemmer', 1), ...published(m, 'referat', 'offentlig', 1)];
        return plan([m], log, '2022-04-02T10:20').filter((a) => !a.startsWith('publish'));
      },
      ['send CF-2022-03-31 referat medlemmer v1 anne@example.org seq-'],
    ],
    [
      'access given and taken away again after the minutes went: she gets the public minutes again, as with the agenda',
      () => {
        const m = meeting({ status: 'Referat klar', items: m0.items.map((i) => ({ ...i, decision: parseRichText('Godkendt.') })) });
        // Anne had the public minutes, was given access and had the members' minutes, and is now denied again.
        const before: LogEntry = { ...sent(m, 'Referat', 1, 'anne@example.org'), edition: 'offentlig', messageId: '<tidligere>' };
        const log = [...agendaSent(m0), ...published(m, 'referat', 'medlemmer', 1), ...published(m, 'referat', 'offentlig', 1), before, sent(m, 'Referat', 1, 'anne@example.org'), sent(m, 'Referat', 1, 'bo@example.org')];
        return plan([m], log, '2022-04-05T10:00', { members: members.map((x) => (x.email === 'anne@example.org' ? { ...x, seesClosed: false } : x)) });
      },
      ['send CF-2022-03-31 referat offentlig v1 anne@example.org seq-'],
    ],
    [
      'the templates changed: the same version is made again in place, and no e-mail goes',
      () => plan([m0], agendaSent(m0).map((e) => (e.action === 'upload' ? { ...e, template: 'gammel' } : e)), '2022-03-26T09:00', { template: 'ny' }),
      ['publish CF-2022-03-31 dagsorden medlemmer v1', 'publish CF-2022-03-31 dagsorden offentlig v1'],
    ],
    [
      'content back as it was in an earlier version: a new version, never an old number again',
      () => {
        const changed = meeting({ place: 'Teams' });
        const log = [...agendaSent(m0), ...published(changed, 'dagsorden', 'medlemmer', 2), ...published(changed, 'dagsorden', 'offentlig', 2)];
        return plan([m0], log, '2022-03-26T09:00').filter((s) => s.startsWith('publish'));
      },
      ['publish CF-2022-03-31 dagsorden medlemmer v3', 'publish CF-2022-03-31 dagsorden offentlig v3'],
    ],
  ])('%s', (_, run, expected) => {
    expect(run()).toEqual(expected);
  });
});
