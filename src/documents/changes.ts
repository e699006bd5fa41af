// What changed in an agenda since the version that was sent: snapshots of an edition's view, their
// difference as data, and that difference in Danish sentences for the amended invitation.

import { createHash } from 'node:crypto';
import { ITEMS_TAB } from '../../sheets-schema/schema.js';
import type { ClockTime, IsoDate, RichText } from '../model.js';
import { meetingDateInline } from '../text/danish.js';
import { isRedacted, type Edition, type MeetingView, type ViewItem } from './edition.js';
import { fill } from './template.js';

/** Section of an item whose text is compared, by its Danish heading. */
type SectionName = 'Anledning' | 'Sagsfremstilling' | 'Supplerende sagsfremstilling' | 'Indstilling' | 'Historik' | 'Beslutning' | 'Bilag';

/**
 * An item as one edition shows it: numbers and hashes only. `title` is present only in a snapshot
 * of the version being sent now (it names what changed); the stored overview never has it.
 */
type SnapshotItem =
  | {
      readonly number: number;
      readonly caseNumber: string;
      readonly closed: boolean;
      readonly redacted: false;
      readonly titleHash: string;
      readonly prefixHash: string;
      readonly title?: string;
      readonly prefix?: string;
      readonly timeSlot?: string;
      /** Section → short hash of its text; absent sections are left out. */
      readonly sections: Readonly<Partial<Record<SectionName, string>>>;
      /** Short hash of each bilag (title, reference and file checksum), in order; older logs lack it. */
      readonly bilag?: readonly string[];
    }
  | { readonly number: number; readonly caseNumber: string; readonly closed: true; readonly redacted: true };

/**
 * What one edition of an agenda showed, small enough to store in the log as JSON: titles and
 * section texts are kept as hashes (`storedContents`), so the log never holds an item's title or
 * text, closed or not (an item closed later must not linger there either).
 */
export interface AgendaSnapshot {
  readonly meetingId: string;
  readonly edition: Edition;
  readonly date: IsoDate;
  readonly start: ClockTime;
  readonly end?: ClockTime;
  readonly place: string;
  readonly items: readonly SnapshotItem[];
}

interface Located {
  /** The item's number in the version sent before. */
  readonly before: number;
  /** Its number now. */
  readonly number: number;
}

/** One change, for the edition both snapshots were taken from. */
export type AgendaChange = { readonly edition: Edition } & (
  | { readonly kind: 'time'; readonly before: string; readonly after: string }
  | { readonly kind: 'place'; readonly before: string; readonly after: string }
  | { readonly kind: 'added'; readonly number: number; readonly title?: string }
  | { readonly kind: 'removed'; readonly before: number; readonly closed: boolean }
  | ({ readonly kind: 'moved' } & Located)
  | ({ readonly kind: 'retitled'; readonly to: string } & Located)
  | ({ readonly kind: 'closed' } & Located)
  | ({ readonly kind: 'opened'; readonly title: string } & Located)
  | ({ readonly kind: 'timeSlot'; readonly from?: string; readonly to?: string } & Located)
  | ({ readonly kind: 'caseNumber'; readonly from: string; readonly to: string } & Located)
  | ({ readonly kind: 'text'; readonly section: SectionName } & Located)
  | ({ readonly kind: 'attachment'; readonly change: 'added' | 'removed' | 'changed'; readonly attachment: number } & Located)
);

export type ChangePhrases = Readonly<
  Record<
    | 'added'
    | 'addedClosed'
    | 'removed'
    | 'removedClosed'
    | 'moved'
    | 'retitled'
    | 'text'
    | 'timeSlot'
    | 'timeSlotAdded'
    | 'timeSlotRemoved'
    | 'caseNumber'
    | 'closed'
    | 'opened'
    | 'time'
    | 'place',
    string
  >
> &
  // NOTE: optional, so a municipality's own phrases.json from before bilag were files still loads.
  Partial<Readonly<Record<'attachmentAdded' | 'attachmentRemoved' | 'attachmentChanged', string>>>;

/** The same sentences as templates/mail/phrases.json `changes` (a test keeps the two equal). */
export const DANISH_CHANGE_PHRASES: ChangePhrases = {
  added: 'Punkt {nr} »{titel}« er tilføjet.',
  addedClosed: 'Punkt {nr} (lukket punkt) er tilføjet.',
  removed: 'Punkt {nr} er fjernet.',
  removedClosed: 'Punkt {nr} (lukket punkt) er fjernet.',
  moved: 'Punkt {fra} er flyttet til punkt {til}.',
  retitled: 'Titlen på punkt {nr} er ændret til »{efter}«.',
  text: 'Teksten i punkt {nr} ({afsnit}) er ændret.',
  timeSlot: 'Tidsrummet for punkt {nr} er ændret fra {før} til {efter}.',
  timeSlotAdded: 'Punkt {nr} har fået tidsrummet {efter}.',
  timeSlotRemoved: 'Tidsrummet {før} for punkt {nr} er fjernet.',
  caseNumber: 'Sagsnummeret på punkt {nr} er ændret fra {før} til {efter}.',
  closed: 'Punkt {nr} er nu et lukket punkt.',
  opened: 'Punkt {nr} »{titel}« er ikke længere lukket.',
  time: 'Mødetidspunktet er ændret fra {før} til {efter}.',
  place: 'Mødestedet er ændret fra {før} til {efter}.',
  attachmentAdded: 'Bilag {bilag} til punkt {nr} er tilføjet.',
  attachmentRemoved: 'Bilag {bilag} til punkt {nr} er fjernet.',
  attachmentChanged: 'Bilag {bilag} til punkt {nr} er ændret.',
};

const header = (key: string): string => ITEMS_TAB.columns.find((c) => c.key === key)!.header;

const hashText = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 16);
const rich = (r: RichText | undefined): string | undefined => (r && r.source.trim() !== '' ? r.source.trim() : undefined);

function sectionsOf(item: Extract<ViewItem, { redacted: false }>, withDecision: boolean): Partial<Record<SectionName, string>> {
  const texts: [SectionName, string | undefined][] = [
    [header('occasion') as SectionName, rich(item.occasion)],
    [header('presentation') as SectionName, rich(item.presentation)],
    [header('supplement') as SectionName, rich(item.supplement)],
    // NOTE: Indstiller and the `at ...` points print as one section, Indstilling.
    [
      header('recommendation') as SectionName,
      item.recommender || item.recommendation.length > 0 ? [item.recommender ?? '', ...item.recommendation].join('\n') : undefined,
    ],
    [header('history') as SectionName, rich(item.history)],
    [header('decision') as SectionName, withDecision ? rich(item.decision) : undefined],
    [header('attachments') as SectionName, item.attachments.length > 0 ? item.attachments.map(attachmentText).join('\n') : undefined],
  ];
  const out: Partial<Record<SectionName, string>> = {};
  for (const [name, text] of texts) if (text !== undefined) out[name] = hashText(text);
  return out;
}

/** A bilag as compared: its line, and the checksum of its file when it is one (so a new file is a change). */
function attachmentText(a: Extract<ViewItem, { redacted: false }>['attachments'][number]): string {
  return `${a.title} | ${a.url ?? a.path ?? ''}${a.file ? ` | ${a.file.sha256}` : ''}`;
}

/**
 * Snapshots the view one recipient group sees. Build it from `editionView(meeting, 'offentlig')`
 * for members without access to closed items: their change list is then computed from what they
 * could see, and never names a closed item's title or content.
 */
export function snapshotAgenda(view: MeetingView, kind: 'dagsorden' | 'referat' = 'dagsorden'): AgendaSnapshot {
  return {
    meetingId: view.id,
    edition: view.edition,
    date: view.date,
    start: view.start,
    ...(view.end ? { end: view.end } : {}),
    place: view.place,
    items: view.items.map((item): SnapshotItem => {
      if (isRedacted(item)) return { number: item.number, caseNumber: item.caseNumber, closed: true, redacted: true };
      return {
        number: item.number,
        caseNumber: item.caseNumber,
        closed: item.closed,
        redacted: false,
        titleHash: hashText(item.title),
        prefixHash: hashText(item.prefix),
        prefix: item.prefix,
        title: item.title,
        ...(item.timeSlot ? { timeSlot: item.timeSlot.label } : {}),
        sections: sectionsOf(item, kind === 'referat'),
        ...(item.attachments.length > 0 ? { bilag: item.attachments.map((a) => hashText(attachmentText(a))) } : {}),
      };
    }),
  };
}

/** The snapshot as the log keeps it: without titles and prefixes (their hashes stay). */
export function storedContents(snapshot: AgendaSnapshot): string {
  return JSON.stringify({ ...snapshot, items: snapshot.items.map((i) => (i.redacted ? i : { ...i, title: undefined, prefix: undefined })) });
}

const titleOf = (i: SnapshotItem): string | undefined => (i.redacted ? undefined : i.titleHash);

/**
 * Pairs each item of the new version with the item it was in the old one. Items have no id of
 * their own, so this goes from the surest evidence to the weakest, each item used once.
 * NOTE: case numbers repeat (`Eventuelt` and `Status` often share one), so a case number alone
 * pairs only when it is unambiguous among the items still unpaired.
 */
function pairItems(before: readonly SnapshotItem[], after: readonly SnapshotItem[]): Map<SnapshotItem, SnapshotItem> {
  const pairs = new Map<SnapshotItem, SnapshotItem>(); // after → before
  const used = new Set<SnapshotItem>();
  const pass = (same: (a: SnapshotItem, b: SnapshotItem) => boolean, unique = false): void => {
    for (const a of after) {
      if (pairs.has(a)) continue;
      const candidates = before.filter((b) => !used.has(b) && same(a, b));
      if (candidates.length === 0) continue;
      if (unique && (candidates.length > 1 || after.filter((x) => !pairs.has(x) && same(x, candidates[0]!)).length > 1)) continue;
      const pick = candidates.find((b) => b.number === a.number) ?? candidates[0]!;
      pairs.set(a, pick);
      used.add(pick);
    }
  };
  const sameTitle = (a: SnapshotItem, b: SnapshotItem): boolean => titleOf(a) !== undefined && titleOf(a) === titleOf(b);
  pass((a, b) => a.caseNumber === b.caseNumber && (sameTitle(a, b) || (a.redacted && b.redacted)));
  pass((a, b) => a.caseNumber === b.caseNumber && a.number === b.number);
  pass(sameTitle);
  pass((a, b) => a.caseNumber === b.caseNumber, true);
  return pairs;
}

function timeLine(s: AgendaSnapshot): string {
  return `${meetingDateInline(s.date, s.start)}${s.end ? `-${s.end}` : ''}`;
}

/** The changes from the version sent (`before`) to the new one (`after`), both of one edition. */
export function diffAgenda(before: AgendaSnapshot, after: AgendaSnapshot): AgendaChange[] {
  if (before.edition !== after.edition) {
    throw new Error(`diffAgenda: snapshots of different editions (${before.edition} and ${after.edition}); compare like with like.`);
  }
  const edition = after.edition;
  const changes: AgendaChange[] = [];
  if (timeLine(before) !== timeLine(after)) changes.push({ edition, kind: 'time', before: timeLine(before), after: timeLine(after) });
  if (before.place !== after.place) changes.push({ edition, kind: 'place', before: before.place, after: after.place });

  const pairs = pairItems(before.items, after.items);
  const kept = new Set(pairs.values());
  for (const b of before.items) {
    if (!kept.has(b)) changes.push({ edition, kind: 'removed', before: b.number, closed: b.closed });
  }
  for (const a of [...after.items].sort((x, y) => x.number - y.number)) {
    const b = pairs.get(a);
    if (!b) {
      changes.push({ edition, kind: 'added', number: a.number, ...(a.redacted ? {} : { title: a.title ?? '' }) });
      continue;
    }
    const at: Located = { before: b.number, number: a.number };
    if (a.number !== b.number) changes.push({ edition, kind: 'moved', ...at });
    if (a.caseNumber !== b.caseNumber) changes.push({ edition, kind: 'caseNumber', ...at, from: b.caseNumber, to: a.caseNumber });
    if (a.redacted) {
      if (!b.redacted) changes.push({ edition, kind: 'closed', ...at });
      continue;
    }
    if (b.redacted) {
      changes.push({ edition, kind: 'opened', ...at, title: a.title ?? '' });
      continue;
    }
    if (a.closed && !b.closed) changes.push({ edition, kind: 'closed', ...at });
    if (!a.closed && b.closed) changes.push({ edition, kind: 'opened', ...at, title: a.title ?? '' });
    if (a.titleHash !== b.titleHash || a.prefixHash !== b.prefixHash) {
      const full = a.titleHash === b.titleHash;
      changes.push({ edition, kind: 'retitled', ...at, to: full ? `${a.prefix ?? ''} - ${a.title ?? ''}` : (a.title ?? '') });
    }
    if (a.timeSlot !== b.timeSlot) changes.push({ edition, kind: 'timeSlot', ...at, ...(b.timeSlot ? { from: b.timeSlot } : {}), ...(a.timeSlot ? { to: a.timeSlot } : {}) });
    const names = new Set([...Object.keys(b.sections), ...Object.keys(a.sections)] as SectionName[]);
    const perAttachment = attachmentChanges(b, a);
    for (const name of SECTION_ORDER) {
      if (!names.has(name) || a.sections[name] === b.sections[name]) continue;
      // NOTE: bilag are told one by one when both versions list them; an older log's snapshot has no list.
      if (name === 'Bilag' && perAttachment) changes.push(...perAttachment.map((c) => ({ edition, ...at, ...c })));
      else changes.push({ edition, kind: 'text', ...at, section: name });
    }
  }
  return changes;
}

/** Bilag k of an item: added, removed or changed, by position (as the documents number them). */
function attachmentChanges(before: SnapshotItem, after: SnapshotItem): { kind: 'attachment'; change: 'added' | 'removed' | 'changed'; attachment: number }[] | undefined {
  if (before.redacted || after.redacted) return undefined;
  const b = before.bilag ?? (before.sections.Bilag === undefined ? [] : undefined);
  const a = after.bilag ?? [];
  if (!b) return undefined;
  const out: { kind: 'attachment'; change: 'added' | 'removed' | 'changed'; attachment: number }[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    out.push({ kind: 'attachment', change: a[i] === undefined ? 'removed' : b[i] === undefined ? 'added' : 'changed', attachment: i + 1 });
  }
  return out;
}

const SECTION_ORDER: readonly SectionName[] = ['Anledning', 'Sagsfremstilling', 'Supplerende sagsfremstilling', 'Indstilling', 'Historik', 'Beslutning', 'Bilag'];

/** One Danish sentence per change, in the order `diffAgenda` gives them. */
export function describeChanges(changes: readonly AgendaChange[], phrases: ChangePhrases = DANISH_CHANGE_PHRASES): string[] {
  return changes.map((c) => {
    switch (c.kind) {
      case 'time':
        return fill(phrases.time, { før: c.before, efter: c.after });
      case 'place':
        return fill(phrases.place, { før: c.before, efter: c.after });
      case 'added':
        return c.title === undefined ? fill(phrases.addedClosed, { nr: c.number }) : fill(phrases.added, { nr: c.number, titel: c.title });
      case 'removed':
        return c.closed ? fill(phrases.removedClosed, { nr: c.before }) : fill(phrases.removed, { nr: c.before });
      case 'moved':
        return fill(phrases.moved, { fra: c.before, til: c.number });
      case 'retitled':
        return fill(phrases.retitled, { nr: c.number, efter: c.to });
      case 'closed':
        return fill(phrases.closed, { nr: c.number });
      case 'opened':
        return fill(phrases.opened, { nr: c.number, titel: c.title });
      case 'timeSlot':
        if (c.from && c.to) return fill(phrases.timeSlot, { nr: c.number, før: c.from, efter: c.to });
        return c.to ? fill(phrases.timeSlotAdded, { nr: c.number, efter: c.to }) : fill(phrases.timeSlotRemoved, { nr: c.number, før: c.from ?? '' });
      case 'caseNumber':
        return fill(phrases.caseNumber, { nr: c.number, før: c.from, efter: c.to });
      case 'text':
        return fill(phrases.text, { nr: c.number, afsnit: c.section });
      case 'attachment': {
        const key = c.change === 'added' ? 'attachmentAdded' : c.change === 'removed' ? 'attachmentRemoved' : 'attachmentChanged';
        return fill(phrases[key] ?? DANISH_CHANGE_PHRASES[key]!, { nr: c.number, bilag: c.attachment });
      }
    }
  });
}
