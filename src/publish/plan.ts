// planPublish: what is due, computed from data only: the model, the problems, the log, the clock and
// the templates' fingerprint. Pure: no disk, no network, no ports. The runner carries the plan out;
// `--dry-run` prints it. The lifecycle it implements is written down in docs/lifecycle.md.

import { DateTime } from 'luxon';
import { editionFor, EDITIONS, type DocumentKind, type Edition } from '../documents/edition.js';
import { contentHash } from '../documents/hash.js';
import type { LogEntry } from '../delivery/ports.js';
import type { DocumentFormat } from '../documents/files.js';
import { meetingDateInline } from '../text/danish.js';
import { heldBackBy, type Meeting, type Member, type Problem, type Settings, type WorkbookModel } from '../model.js';
import { DOCUMENT_LABEL, FORMATS, latestSendingLimit, MeetingLog, notified, scheduleHash, scheduleOf, sendingPaused, shortHash, type CalendarState, type MessageDocument, type SendingLimitEvent } from './log.js';

export { DOCUMENT_LABEL, FORMATS, MeetingLog, scheduleOf };

/**
 * Why a message goes:
 * - `invitation`: the first agenda this person gets for the meeting;
 * - `ændring`: a newer version of the agenda, or a new time or place;
 * - `udgave`: the person now sees another edition (access to closed items given or taken away);
 * - `genindkaldelse`: the meeting is on again after a cancellation this person received;
 * - `aflysning`: the meeting is cancelled (`Aflyst`);
 * - `afmelding`: this person is no longer invited (removed, inactive, moved to another forum);
 * - `referat`: the minutes.
 */
export type SendPurpose = 'invitation' | 'ændring' | 'udgave' | 'genindkaldelse' | 'aflysning' | 'afmelding' | 'referat';

export interface PublishAction {
  readonly kind: 'publish';
  readonly meetingId: string;
  readonly document: DocumentKind;
  readonly edition: Edition;
  readonly version: number;
  /** What the document shows (not the templates): a change of it is a new version. */
  readonly hash: string;
  /** The templates' fingerprint the files are made with. */
  readonly template: string;
  /** Only the templates changed: the same version is made again and updated in place, no e-mail. */
  readonly refresh: boolean;
  /** A run died while publishing this version: look for the file before creating one. */
  readonly recover: boolean;
}

export interface SendAction {
  readonly kind: 'send';
  readonly meetingId: string;
  readonly document: MessageDocument;
  readonly purpose: SendPurpose;
  readonly edition: Edition;
  /** The document version this message carries (for a cancellation: the newest agenda version of the edition). */
  readonly version: number;
  readonly recipient: string;
  readonly recipientName: string;
  readonly messageId: string;
  /** The calendar message this e-mail carries (none for the minutes). */
  readonly calendar?: { readonly method: 'REQUEST' | 'CANCEL'; readonly sequence: number; readonly schedule: string; readonly askReply: boolean };
  /** The version of the same edition this recipient received before, for the list of changes. */
  readonly previousVersion?: number;
  /** A run died after recording the intent and its result is unknown: ask the transport first. */
  readonly recover: boolean;
  /** How many messages about the meeting reached the recipient before this one (part of its Message-ID). */
  readonly nth: number;
}

interface NoticeBase {
  readonly kind: 'notify';
  readonly to: string;
  readonly messageId: string;
  readonly recover: boolean;
}

/** The secretary's notice of a new set of problems in the sheet. */
export interface ProblemNotice extends NoticeBase {
  readonly about: 'problemer';
  readonly problemsHash: string;
  readonly problemCount: number;
}

/**
 * The secretary's notice that the daily sending limit stopped the sending: once per limit event. It
 * goes when sending resumes, first of all: before then the account cannot send it either.
 */
export interface LimitNotice extends NoticeBase {
  readonly about: 'sendeloft';
  readonly limit: SendingLimitEvent;
}

/** An e-mail to the secretary (`Sekretær e-mail`), through the same intent → send → result as the rest. */
export type NotifyAction = ProblemNotice | LimitNotice;

/**
 * The set of people a document's messages are owed to, decided once: recorded with the run's intents
 * when the first minutes of a meeting are planned, so that later runs complete that set whatever
 * happened in between (a crash mid-sending, a second run). See docs/lifecycle.md.
 */
export interface OweAction {
  readonly kind: 'owe';
  readonly meetingId: string;
  readonly document: 'referat';
  /** The addresses, as written in Medlemmer. */
  readonly recipients: readonly string[];
}

export type Action = PublishAction | SendAction | NotifyAction | OweAction;

export interface HeldBack {
  readonly meetingId: string;
  readonly reason: string;
}

export interface Plan {
  readonly actions: readonly Action[];
  readonly heldBack: readonly HeldBack[];
  /** The daily sending limit holds: the messages due are kept (owed, not lost) and none is planned before `until`. */
  readonly paused?: { readonly until: string; readonly messages: number };
}

export interface MessageKey {
  readonly meetingId: string;
  readonly document: string;
  readonly edition: string;
  readonly version: number;
  /** The calendar SEQUENCE; 0 for the minutes. */
  readonly sequence: number;
  readonly recipient: string;
  /** How many messages about the meeting reached the recipient before this one. */
  readonly nth: number;
  /** For the secretary's problem notice: the set of problems it is about (one notice per set). */
  readonly problemsHash?: string;
  /** For the secretary's notice of the daily sending limit: the limit event (one notice per event). */
  readonly limitEvent?: string;
}

export interface PlanInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly log: readonly LogEntry[];
  readonly now: DateTime;
  /** The formats this run can make (docx only where LibreOffice is missing). */
  readonly formats?: readonly DocumentFormat[];
  /** The fingerprint of the document templates in use: a change republishes in place. */
  readonly templateFingerprint?: string;
  /** Builds the deterministic Message-ID of one message. */
  readonly messageId: (key: MessageKey) => string;
}

/**
 * Hash of what one edition of a document shows (content only: the layout version and templates are
 * compared separately, so neither an upgrade nor a new logo e-mails anyone), and for the agenda also the meeting's end time: a
 * change of it must reach the calendar, though the document does not show it.
 */
export function documentHash(meeting: Meeting, document: DocumentKind, edition: Edition, settings: Settings): string {
  return shortHash(contentHash(meeting, settings, document, edition, null) + (document === 'dagsorden' ? scheduleOf(meeting) : ''));
}

/** The wall-clock moment in the workbook's zone. */
export function localMoment(isoLocal: string, zone: string): DateTime {
  return DateTime.fromISO(isoLocal, { zone });
}

/** When the agenda may go out: `Udsend dagsorden`, or the default days before at the default time. */
export function agendaSendTime(meeting: Meeting, model: WorkbookModel): DateTime {
  const zone = model.settings.timeZone;
  if (meeting.sendAgendaAt) return localMoment(meeting.sendAgendaAt, zone);
  // NOTE: calendar days in the local zone, so a daylight-saving change in between does not move the hour.
  return localMoment(`${meeting.date}T${model.settings.sendTime}`, zone).minus({ days: model.settings.daysBefore });
}

export function meetingStart(meeting: Meeting, zone: string): DateTime {
  return localMoment(`${meeting.date}T${meeting.start}`, zone);
}

/** The normalised form two addresses or names are compared in. */
export const sameText = (s: string): string => s.normalize('NFKC').replace(/[\u200b-\u200f\u2060\ufeff]/g, '').trim().toLowerCase();

/** Active members of the meeting's forum. */
export function recipientsOf(meeting: Meeting, members: readonly Member[]): Member[] {
  const forum = sameText(meeting.forum);
  return members.filter((m) => m.active && m.fora.some((f) => sameText(f) === forum));
}

export function problemsHash(problems: readonly Problem[]): string {
  return shortHash(JSON.stringify(problems.map((p) => [p.tab, p.cell, p.message])));
}

/** The Message-ID of the problem notice: one per set of problems, so it is sent once. */
export const NOTIFY_DOCUMENT = 'problemer';
/** The Message-ID of the notice of the daily sending limit: one per limit event. */
export const LIMIT_DOCUMENT = 'sendeloft';

/**
 * The calendar SEQUENCE for a person who needs a new calendar message. The meeting's revision is
 * the newest calendar message to anyone: if it already says what is wanted now, its number serves;
 * otherwise the next one. A person whose own last message is newer (a personal cancellation) gets
 * a number above it, so her calendar program never ignores the message (RFC 5546 §2.1.5).
 */
function nextSequence(log: MeetingLog, want: { method: 'REQUEST' | 'CANCEL'; schedule: string }, mine: CalendarState | undefined): number {
  const latest = log.latestCalendar();
  const revision = !latest ? 0 : latest.method === want.method && (want.method === 'CANCEL' || latest.schedule === want.schedule) ? latest.sequence : latest.sequence + 1;
  return Math.max(revision, mine ? mine.sequence + 1 : 0);
}

export function planPublish(input: PlanInput): Plan {
  const { model, problems, now } = input;
  const zone = model.settings.timeZone;
  const template = input.templateFingerprint ?? '';
  const actions: Action[] = [];
  const heldBack: HeldBack[] = [];
  const held = heldBackBy(problems);
  const noSending = held.sending;
  const membersByEmail = new Map(model.members.map((m) => [sameText(m.email), m]));

  for (const meeting of model.meetings) {
    if (held.meeting(meeting.id)) {
      heldBack.push({ meetingId: meeting.id, reason: held.everything ? 'Regnearkets faner eller kolonner har fejl; intet udgives, før de er rettet.' : 'Mødet har fejl i regnearket; intet udgives eller sendes, før de er rettet.' });
      continue;
    }
    const log = new MeetingLog(input.log.filter((e) => e.meetingId === meeting.id));
    const start = meetingStart(meeting, zone);
    const before = now < start;
    const recipients = recipientsOf(meeting, model.members);
    const invited = new Set(recipients.map((m) => sameText(m.email)));
    const send = (a: Omit<SendAction, 'kind' | 'meetingId' | 'messageId' | 'recover' | 'nth'>): void => {
      const nth = log.receivedCount(a.recipient);
      const messageId = input.messageId({ meetingId: meeting.id, document: a.document, edition: a.edition, version: a.version, sequence: a.calendar?.sequence ?? 0, recipient: a.recipient, nth });
      if (log.sendFinished(messageId)) return;
      actions.push({ kind: 'send', meetingId: meeting.id, messageId, recover: log.sendBegun(messageId), nth, ...a });
    };

    // 1. Documents: what is due is published, each edition on its own.
    const due: DocumentKind[] = [];
    const agendaTime = agendaSendTime(meeting, model);
    const agendaOut = ['Dagsorden klar', 'Afholdt', 'Referat klar'].includes(meeting.status) && now >= agendaTime;
    if (agendaOut) due.push('dagsorden');
    else if (meeting.status === 'Dagsorden klar') heldBack.push({ meetingId: meeting.id, reason: `Dagsordenen udsendes ${agendaTime.setLocale('da').toFormat("cccc d. LLLL yyyy 'kl.' HH:mm")}.` });
    // NOTE: minutes marked ready before the meeting has begun are surely a slip; they wait for the meeting.
    if (meeting.status === 'Referat klar' && !before) due.push('referat');
    else if (meeting.status === 'Referat klar') heldBack.push({ meetingId: meeting.id, reason: 'Referatet udgives først, når mødet er begyndt.' });

    const versions = new Map<string, number>();
    const hashes = new Map<string, string>();
    /**
     * She holds what the current version shows: that version, or an earlier one with the same content
     * (the content went back to what it was before the change reached her): nothing to send.
     */
    const showsCurrent = (document: DocumentKind, edition: Edition, held: number): boolean =>
      held >= versions.get(`${document} ${edition}`)! || log.hashOf(document, edition, held) === hashes.get(`${document} ${edition}`);
    for (const document of due) {
      for (const edition of EDITIONS) {
        const hash = documentHash(meeting, document, edition, model.settings);
        hashes.set(`${document} ${edition}`, hash);
        const latest = log.latest(document, edition);
        if (latest && latest.hash === hash) {
          versions.set(`${document} ${edition}`, latest.version);
          // A run died while publishing this version: finish it, looking for the files first.
          if (!latest.complete) actions.push({ kind: 'publish', meetingId: meeting.id, document, edition, version: latest.version, hash, template, refresh: false, recover: true });
          // NOTE: a file made before templates were fingerprinted in the log is left as it is.
          else if (template && latest.template !== undefined && latest.template !== template) {
            actions.push({ kind: 'publish', meetingId: meeting.id, document, edition, version: latest.version, hash, template, refresh: true, recover: false });
          }
          continue;
        }
        const version = log.highestVersion(document, edition) + 1;
        versions.set(`${document} ${edition}`, version);
        actions.push({ kind: 'publish', meetingId: meeting.id, document, edition, version, hash, template, refresh: false, recover: false });
      }
    }
    if (noSending) continue;

    // 2. Calendars and agendas: only before the meeting begins; afterwards the agenda is kept for the record.
    if (before) {
      const live = meeting.status === 'Dagsorden klar' && agendaOut;
      const cancelled = meeting.status === 'Aflyst';
      const schedule = scheduleHash(meeting);
      const everyone = new Set([...recipients.map((m) => sameText(m.email)), ...log.recipients().map(sameText)]);
      for (const email of everyone) {
        const member = membersByEmail.get(email);
        const mine = log.calendarOf(email);
        const edition = member ? editionFor(member) : 'offentlig';
        if (live && invited.has(email) && member) {
          const version = versions.get(`dagsorden ${edition}`)!;
          const previous = log.received('dagsorden', email, edition);
          // NOTE: what she holds is the last agenda that reached her: after access was taken away and
          // given back, an older copy of this edition in her inbox is not the one she was told to use.
          const holds = log.lastReceived('dagsorden', email);
          const calendarChanged = !mine || mine.method !== 'REQUEST' || mine.schedule !== schedule;
          if (!calendarChanged && holds?.edition === edition && showsCurrent('dagsorden', edition, holds.version)) continue;
          const purpose: SendPurpose =
            mine?.method === 'CANCEL' ? 'genindkaldelse' : !holds ? 'invitation' : holds.edition !== edition ? 'udgave' : 'ændring';
          const sequence = calendarChanged ? nextSequence(log, { method: 'REQUEST', schedule }, mine) : mine!.sequence;
          send({
            document: 'dagsorden',
            purpose,
            edition,
            version,
            recipient: member.email,
            recipientName: member.name,
            // NOTE: a content-only change keeps SEQUENCE and does not ask for a reply, so answers stand.
            calendar: { method: 'REQUEST', sequence, schedule, askReply: calendarChanged },
            ...(previous !== undefined && purpose === 'ændring' ? { previousVersion: holds?.version ?? previous } : {}),
          });
        } else if (mine?.method === 'REQUEST' && (cancelled || !invited.has(email))) {
          const name = member?.name ?? email;
          const address = member?.email ?? email;
          const version = log.received('dagsorden', email, edition) ?? Math.max(0, ...EDITIONS.map((e) => log.received('dagsorden', email, e) ?? 0));
          const sequence = nextSequence(log, { method: 'CANCEL', schedule }, mine);
          send({ document: 'aflysning', purpose: cancelled ? 'aflysning' : 'afmelding', edition, version, recipient: address, recipientName: name, calendar: { method: 'CANCEL', sequence, schedule, askReply: false } });
        }
      }
    }

    // 3. Minutes: to the invited members they are owed to (decided once, when the first minutes are
    //    planned: everyone invited then) and to invited members who had the agenda. Like the agenda,
    //    what she must hold is the newest version of her current edition. A member who joins later
    //    finds old minutes in Drive, not in her inbox (docs/lifecycle.md).
    if (due.includes('referat')) {
      const decided = log.owed('referat');
      const owed = new Set((decided ?? recipients.map((m) => m.email)).map(sameText));
      // NOTE: an empty set is a decision too: members added later follow the policy for new members.
      if (!decided) actions.push({ kind: 'owe', meetingId: meeting.id, document: 'referat', recipients: recipients.map((m) => m.email) });
      for (const member of recipients) {
        const email = sameText(member.email);
        if (!owed.has(email) && !log.everReceived('dagsorden', email)) continue;
        const edition = editionFor(member);
        const version = versions.get(`referat ${edition}`)!;
        const holds = log.lastReceived('referat', email);
        if (holds?.edition === edition && showsCurrent('referat', edition, holds.version)) continue;
        const previous = log.received('referat', email, edition);
        send({
          document: 'referat',
          // NOTE: an edition switch of the minutes is a plain minutes message of her new edition.
          purpose: 'referat',
          edition,
          version,
          recipient: member.email,
          recipientName: member.name,
          ...(previous !== undefined && holds?.edition === edition ? { previousVersion: previous } : {}),
        });
      }
    }
  }

  // One e-mail to the secretary per new set of problems, not one per run.
  const secretary = model.settings.secretaryEmail;
  if (problems.length > 0 && secretary && model.settings.sender) {
    const hash = problemsHash(problems);
    const state = notified(input.log, hash);
    if (!state.done) {
      const messageId = input.messageId({ meetingId: '', document: NOTIFY_DOCUMENT, edition: '', version: 0, sequence: 0, recipient: secretary, nth: 0, problemsHash: hash });
      actions.push({ kind: 'notify', about: 'problemer', to: secretary, problemsHash: hash, problemCount: problems.length, messageId, recover: state.begun !== undefined });
    }
  }

  // The daily sending limit: until the mail system takes messages again, no message is planned (a
  // refused send a run would only spend); what is due stays owed, as the log still says it is not sent.
  const paused = sendingPaused(input.log, now.toMillis());
  if (paused) {
    const waiting = actions.filter((a) => a.kind === 'send' || a.kind === 'notify');
    if (waiting.length === 0) return { actions, heldBack };
    for (const id of new Set(waiting.flatMap((a) => (a.kind === 'send' ? [a.meetingId] : [])))) {
      const n = waiting.filter((a) => a.kind === 'send' && a.meetingId === id).length;
      heldBack.push({ meetingId: id, reason: `${limitText(n, paused.retryAt, zone)}.` });
    }
    return { actions: actions.filter((a) => a.kind !== 'send' && a.kind !== 'notify'), heldBack, paused: { until: paused.retryAt, messages: waiting.length } };
  }
  // Once it takes messages again, the secretary is told of the last limit event, first of all.
  const limit = latestSendingLimit(input.log);
  if (limit && secretary && model.settings.sender) {
    const state = notified(input.log, limit.event);
    if (!state.done) {
      const messageId = input.messageId({ meetingId: '', document: LIMIT_DOCUMENT, edition: '', version: 0, sequence: 0, recipient: secretary, nth: 0, limitEvent: limit.event });
      actions.unshift({ kind: 'notify', about: 'sendeloft', to: secretary, limit, messageId, recover: state.begun !== undefined });
    }
  }
  return { actions, heldBack };
}

/** `Dagligt sendeloft nået: 1.234 e-mails venter; de sendes fra lørdag d. 19. marts 2022 kl. 01:00` */
export function limitText(waiting: number, retryAt: string, zone: string): string {
  const t = DateTime.fromISO(retryAt, { zone: 'utc' }).setZone(zone);
  const when = meetingDateInline(t.toISODate()!, t.toFormat('HH:mm'));
  return `Dagligt sendeloft nået: ${waiting.toLocaleString('da-DK')} ${waiting === 1 ? 'e-mail venter; den sendes' : 'e-mails venter; de sendes'} fra ${when}`;
}

const PURPOSE_TEXT: Record<SendPurpose, string> = {
  invitation: 'invitation med dagsorden',
  ændring: 'ændret dagsorden',
  udgave: 'dagsorden i den udgave, modtageren nu skal have',
  genindkaldelse: 'besked om, at mødet holdes alligevel',
  aflysning: 'aflysning',
  afmelding: 'besked om, at modtageren ikke længere er indkaldt',
  referat: 'referat',
};

/** The plan in Danish, for `--dry-run` and the progress view. */
export function describeAction(a: Action): string {
  switch (a.kind) {
    case 'publish':
      return `${a.refresh ? 'Opdater' : 'Udgiv'} ${DOCUMENT_LABEL[a.document].toLowerCase()} for ${a.meetingId}, ${a.edition === 'medlemmer' ? 'medlemsudgaven' : 'den offentlige udgave'}, version ${a.version}${a.refresh ? ' (nye skabeloner; ingen e-mail)' : ''}${a.recover ? ' (genoptaget efter afbrudt kørsel)' : ''}`;
    case 'send':
      return `Send ${PURPOSE_TEXT[a.purpose]} (version ${a.version}) for ${a.meetingId} til ${a.recipientName} <${a.recipient}>${a.recover ? ' (kontrolleres først: kørslen blev afbrudt)' : ''}`;
    case 'owe':
      return `Referatet for ${a.meetingId} skal til ${a.recipients.length} ${a.recipients.length === 1 ? 'modtager' : 'modtagere'}: fastlagt nu, så en afbrudt udsendelse gøres færdig til dem alle`;
    case 'notify':
      if (a.about === 'sendeloft') return `Send besked til sekretariatet (${a.to}) om, at den daglige grænse for afsendte e-mails blev nået (${a.limit.waiting} ventede)`;
      return `Send besked til sekretariatet (${a.to}) om ${a.problemCount} ${a.problemCount === 1 ? 'problem' : 'problemer'} i regnearket`;
  }
}
