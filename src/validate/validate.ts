// Raw workbook grids → the typed meeting model, plus every problem at once with its cell.
// Each cell is read by the parser of its column's kind (cells.ts); the rules across rows follow.

import {
  INPUT_TABS,
  ITEMS_TAB,
  MEETINGS_TAB,
  MEMBERS_TAB,
  SETTINGS,
  SETTINGS_TAB,
  TABS,
  columnLetter,
  parseA1,
  type MeetingStatus,
  type SettingKey,
  type SettingKind,
  type SettingKindValues,
  type SettingsOf,
  type TabSpec,
} from '../../sheets-schema/schema.js';
import type { Item, ItemRow, Meeting, MeetingRow, Member, Problem, ProblemScope, Settings, TimeSlot, Validated } from '../model.js';
import type { RawGrid, RawWorkbook } from '../workbook/raw.js';
import { clip, parseRows, PARSERS, type ParsedRow, type ProblemSink, type RawRow } from './cells.js';
import { hasControlCharacter, hasHiddenDifference, identityKey } from './guard.js';
import { locateColumns, similar, suggestTab, type ColumnMap } from './headers.js';
import * as v from './values.js';

class ProblemList implements ProblemSink {
  readonly items: Problem[] = [];
  add(tab: string, cell: string, message: string, scope: ProblemScope): void {
    this.items.push({ tab, cell, message, scope });
  }
}

const WORKBOOK: ProblemScope = { kind: 'workbook' };
/** An item row whose meeting cannot be told: it holds back the sending of every meeting. */
const UNASSIGNED: ProblemScope = { kind: 'unassigned' };

/** The scope of a problem in this tab: what it holds back. */
function tabScope(tab: TabSpec, meetingId?: string): ProblemScope {
  if (tab.key === 'members') return { kind: 'members' };
  if (tab.key === 'settings') return { kind: 'settings' };
  return { kind: 'meeting', meetingId: meetingId ?? '' };
}

function cellOf(tab: TabSpec, columns: ColumnMap, key: string, row: number): string {
  const idx = columns.get(key);
  return idx === undefined ? '' : `${columnLetter(idx)}${row}`;
}

// NOTE: the id as typed, also when its cell was refused: it still tells which meeting a problem holds back.
const rawMeetingId = (raw: RawRow): string => (typeof raw.meetingId === 'string' || typeof raw.meetingId === 'number' ? String(raw.meetingId).trim() : '');
const rawId = (raw: RawRow): string => (typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id).trim() : '');

/** An item row on its way into its meeting: the rules across rows read `value`; `item` is what the model gets. */
interface ItemEntry {
  readonly row: number;
  readonly number: number;
  /** What was read of the row: a refused cell is missing. */
  readonly value: Partial<ItemRow>;
  /** The whole row as an item; undefined when a cell of it was refused. */
  readonly item: Item | undefined;
  /** False once a rule across rows refuses the item: it is left out of its meeting. */
  ok: boolean;
}

const toMinutes = (t: string): number => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));
const dotted = (t: string): string => `${Number(t.slice(0, 2))}.${t.slice(3, 5)}`;

const STATUSES_NEEDING_ITEMS: readonly MeetingStatus[] = ['Dagsorden klar', 'Afholdt', 'Referat klar'];

export function validateWorkbook(raw: RawWorkbook): Validated {
  const problems = new ProblemList();
  const grids = new Map<TabSpec['key'], { grid: RawGrid; columns: ColumnMap }>();

  for (const tab of INPUT_TABS) {
    const grid = raw.grids.get(tab.name);
    const scope = tab.key === 'members' || tab.key === 'settings' ? tabScope(tab) : WORKBOOK;
    if (!grid) {
      const similar = suggestTab(tab.name, raw.tabNames);
      problems.add(
        tab.name,
        '',
        similar
          ? `Fanen "${tab.name}" mangler. Fandt fanen "${similar}": omdøb den til "${tab.name}".`
          : `Fanen "${tab.name}" mangler. Opret fanen med overskrifterne ${tab.columns.filter((c) => !c.scriptOwned).map((c) => c.header).join(', ')} i første række.`,
        scope,
      );
      continue;
    }
    const located = locateColumns(tab, grid.rows[0] ?? []);
    for (const p of located.problems) problems.add(tab.name, p.cell, p.message, p.holdsBackAll ? WORKBOOK : scope);
    if (located.usable) grids.set(tab.key, { grid, columns: located.columns });
  }

  // Meetings
  const meetingsTab = grids.get('meetings');
  const meetingRows = meetingsTab
    ? parseRows(MEETINGS_TAB, meetingsTab.grid, meetingsTab.columns, problems, (r) => ({ kind: 'meeting', meetingId: rawId(r) }))
    : [];
  const meetingsById = new Map<string, ParsedRow<MeetingRow>>();
  const meetingKeys = new Map<string, ParsedRow<MeetingRow>>();
  for (const m of meetingRows) {
    const id = m.value.id;
    if (!id) continue;
    const scope: ProblemScope = { kind: 'meeting', meetingId: id };
    // NOTE: ids that differ only by case or invisible characters name the same folder on many
    // disks and look the same to the secretary: they count as the same id.
    const earlier = meetingKeys.get(identityKey(id));
    if (earlier) {
      const other = earlier.value.id;
      const same = other === id ? '' : ` (som "${other}"; store og små bogstaver, mellemrum og usynlige tegn tæller ikke)`;
      problems.add(MEETINGS_TAB.name, cellOf(MEETINGS_TAB, meetingsTab!.columns, 'id', m.row), `Møde-id "${id}" står også i Møder!${cellOf(MEETINGS_TAB, meetingsTab!.columns, 'id', earlier.row)}${same}. Giv hvert møde sit eget id.`, scope);
      continue;
    }
    meetingKeys.set(identityKey(id), m);
    meetingsById.set(id, m);
    if (m.value.start && m.value.end && toMinutes(m.value.end) <= toMinutes(m.value.start)) {
      problems.add(MEETINGS_TAB.name, cellOf(MEETINGS_TAB, meetingsTab!.columns, 'end', m.row), `Slut (${m.value.end}) er ikke efter Start (${m.value.start}). Ret mødets sluttidspunkt.`, scope);
    }
  }

  // Items
  const itemsTab = grids.get('items');
  const itemRows = itemsTab
    ? parseRows(ITEMS_TAB, itemsTab.grid, itemsTab.columns, problems, (r) => (meetingsById.has(rawMeetingId(r)) ? { kind: 'meeting', meetingId: rawMeetingId(r) } : UNASSIGNED))
    : [];
  /** The item rows with a number, by meeting. */
  const itemsByMeeting = new Map<string, ItemEntry[]>();
  /** Meetings with any item row at all, numbered or not. */
  const meetingsWithItems = new Set<string>();
  for (const it of itemRows) {
    const cols = itemsTab!.columns;
    const value: Partial<ItemRow> = it.value;
    const meetingId = value.meetingId;
    if (!meetingId) continue;
    const scope: ProblemScope = { kind: 'meeting', meetingId };
    let ok = it.whole;
    if (!meetingsById.has(meetingId)) {
      // NOTE: with Møder unreadable the header problem says it all; no row can be matched.
      if (meetingsTab) problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols, 'meetingId', it.row), `Mødet "${meetingId}" findes ikke i fanen Møder. Ret Møde-id, eller opret mødet i fanen Møder.`, UNASSIGNED);
      continue;
    }
    // A refused Indstilling is missing from the row: its own problem says it, so neither rule below does.
    const hasRecommendation = value.recommendation !== undefined && value.recommendation.length > 0;
    if (value.recommender && !hasRecommendation && !it.failed.has('recommendation')) {
      problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols, 'recommendation', it.row), 'Indstilling mangler, men Indstiller er udfyldt. Skriv indstillingen (1. at ...), eller slet Indstiller.', scope);
      ok = false;
    }
    if (hasRecommendation && !value.recommender && !it.failed.has('recommender')) {
      problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols, 'recommender', it.row), 'Indstiller mangler, men Indstilling er udfyldt. Skriv hvem der indstiller, fx Kommunaldirektøren.', scope);
      ok = false;
    }
    meetingsWithItems.add(meetingId);
    if (value.number === undefined) continue;
    const list = itemsByMeeting.get(meetingId) ?? [];
    list.push({ row: it.row, number: value.number, value, item: it.whole ? { ...it.value, row: it.row } : undefined, ok });
    itemsByMeeting.set(meetingId, list);
  }

  const meetings: Meeting[] = [];
  for (const [id, m] of meetingsById) {
    const scope: ProblemScope = { kind: 'meeting', meetingId: id };
    const cols = itemsTab?.columns;
    const entries = itemsByMeeting.get(id) ?? [];
    entries.sort((a, b) => a.number - b.number || a.row - b.row);
    // Numbers: unique, then 1..n without gaps.
    const seen = new Map<number, number>();
    for (const e of entries) {
      const prev = seen.get(e.number);
      if (prev !== undefined) {
        problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols!, 'number', e.row), `Punkt nr. ${e.number} findes allerede for mødet ${id} (Punkter!${cellOf(ITEMS_TAB, cols!, 'number', prev)}). Giv hvert punkt sit eget nummer.`, scope);
        e.ok = false;
      } else seen.set(e.number, e.row);
    }
    const numbers = [...seen.keys()];
    const gap = numbers.findIndex((n, i) => n !== i + 1);
    if (gap >= 0) {
      const row = seen.get(numbers[gap]!)!;
      problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols!, 'number', row), `Punkterne for mødet ${id} er nummereret ${numbers.join(', ')}. Nummerér dem 1, 2, 3 ... uden huller.`, scope);
    }
    // Time slots: inside the meeting, rising, not overlapping.
    const start = m.value.start ? toMinutes(m.value.start) : undefined;
    const end = m.value.end ? toMinutes(m.value.end) : 24 * 60;
    let previous: { readonly number: number; readonly timeSlot: TimeSlot } | undefined;
    for (const e of entries) {
      const slot = e.value.timeSlot;
      if (!slot) continue;
      const cell = cellOf(ITEMS_TAB, cols!, 'timeSlot', e.row);
      const meetingSpan = `${m.value.start ? dotted(m.value.start) : '?'}-${m.value.end ? dotted(m.value.end) : ''}`;
      if (start !== undefined && (toMinutes(slot.start) < start || toMinutes(slot.end) > end)) {
        problems.add(ITEMS_TAB.name, cell, `Tidsrummet ${slot.label} ligger uden for mødet (${meetingSpan}). Ret tidsrummet eller mødets Start og Slut.`, scope);
        e.ok = false;
      } else if (previous && toMinutes(slot.start) < toMinutes(previous.timeSlot.end)) {
        const verb = toMinutes(slot.start) < toMinutes(previous.timeSlot.start) ? 'begynder før' : 'overlapper';
        problems.add(ITEMS_TAB.name, cell, `Tidsrummet ${slot.label} ${verb} punkt ${previous.number} (${previous.timeSlot.label}). Ret tidsrummene, så punkterne følger efter hinanden.`, scope);
        e.ok = false;
      }
      previous = { number: e.number, timeSlot: slot };
    }
    // Minutes gate: every open item needs its decision.
    if (m.value.status === 'Referat klar') {
      for (const e of entries) {
        if (!e.value.closed && !e.value.decision) {
          problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols!, 'decision', e.row), `Beslutning mangler, men mødet ${id} har status Referat klar. Skriv beslutningen, eller sæt mødets status tilbage til Afholdt.`, scope);
        }
      }
    }
    if (m.value.status && STATUSES_NEEDING_ITEMS.includes(m.value.status) && !meetingsWithItems.has(id) && itemsTab) {
      problems.add(MEETINGS_TAB.name, cellOf(MEETINGS_TAB, meetingsTab!.columns, 'status', m.row), `Mødet ${id} har status ${m.value.status}, men ingen punkter i fanen Punkter. Tilføj punkterne, eller sæt status til Planlagt.`, scope);
    }
    // Only a meeting whose own row was read whole is in the model.
    if (m.whole) meetings.push({ ...m.value, items: entries.flatMap((e) => (e.ok && e.item ? [e.item] : [])), row: m.row });
  }
  meetings.sort((a, b) => a.date.localeCompare(b.date) || a.start.localeCompare(b.start) || a.id.localeCompare(b.id));

  // Members
  const membersTab = grids.get('members');
  const members: Member[] = [];
  if (membersTab) {
    const rows = parseRows(MEMBERS_TAB, membersTab.grid, membersTab.columns, problems, () => ({ kind: 'members' }));
    const byEmail = new Map<string, number>();
    for (const r of rows) {
      const email = r.value.email;
      if (email) {
        const key = identityKey(email);
        const prev = byEmail.get(key);
        if (prev !== undefined) {
          problems.add(MEMBERS_TAB.name, cellOf(MEMBERS_TAB, membersTab.columns, 'email', r.row), `E-mailadressen ${email} står også i Medlemmer!${cellOf(MEMBERS_TAB, membersTab.columns, 'email', prev)}. Hver adresse må kun stå én gang: slet den ene række, eller ret adressen.`, { kind: 'members' });
          continue;
        }
        byEmail.set(key, r.row);
      }
      if (r.whole) members.push({ ...r.value, row: r.row });
    }
  }

  // A forum in a member's Fora that only looks like a meeting's Forum (an invisible character, a
  // different normalisation): the member would silently receive nothing.
  if (membersTab) {
    const fora = [...new Set(meetingRows.map((m) => m.value.forum).filter((f): f is string => !!f))];
    for (const mb of members) {
      for (const f of mb.fora) {
        if (fora.some((x) => x.toLowerCase() === f.toLowerCase())) continue;
        const alike = fora.find((x) => identityKey(x) === identityKey(f));
        // NOTE: only when the member's entry is the odd one; a meeting's odd Forum is told at the meeting.
        if (!alike || !hasHiddenDifference(f)) continue;
        problems.add(
          MEMBERS_TAB.name,
          cellOf(MEMBERS_TAB, membersTab.columns, 'fora', mb.row),
          `Fora "${clip(f)}" ligner ${alike}, men er ikke skrevet ens (mellemrum eller usynlige tegn), så medlemmet ville ikke modtage mødets e-mails. Skriv ${alike}.`,
          { kind: 'members' },
        );
      }
    }
  }

  // A meeting nobody would receive is surely a misspelt Forum ("Cheforum", an invisible character).
  if (membersTab && meetingsTab && !problems.items.some((p) => p.scope.kind === 'members')) {
    const activeFora = new Set(members.filter((mb) => mb.active).flatMap((mb) => mb.fora.map((f) => f.toLowerCase())));
    const known = [...new Set(members.flatMap((mb) => mb.fora))];
    for (const m of meetings) {
      if (m.status === 'Aflyst' || activeFora.has(m.forum.toLowerCase())) continue;
      const others = known.filter((f) => f.toLowerCase() !== m.forum.toLowerCase());
      const near = others.find((f) => identityKey(f) === identityKey(m.forum)) ?? others.find((f) => similar(f, m.forum));
      const hint = near ? ` Mente du ${near}?` : '';
      problems.add(
        MEETINGS_TAB.name,
        cellOf(MEETINGS_TAB, meetingsTab.columns, 'forum', m.row),
        `Forum "${clip(m.forum)}" har ingen aktive medlemmer i fanen Medlemmer, så ingen ville modtage mødets e-mails.${hint} Ret Forum, så det svarer til Fora hos medlemmerne, eller tilføj medlemmerne.`,
        { kind: 'meeting', meetingId: m.id },
      );
    }
  }

  const settings = readSettings(grids.get('settings'), problems);

  return { model: { meetings, members, settings }, problems: sortProblems(problems.items) };
}

/** Problems in the order they are shown: by tab, then row by row. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const tabOrder = new Map(TABS.map((t, i) => [t.name, i]));
  return [...problems].sort((a, b) => (tabOrder.get(a.tab) ?? 99) - (tabOrder.get(b.tab) ?? 99) || cellRank(a.cell) - cellRank(b.cell) || a.message.localeCompare(b.message));
}

/** Row-major rank of `F14` (tab-level problems first). */
function cellRank(cell: string): number {
  const at = parseA1(cell);
  return at ? (at.row + 1) * 1000 + at.col + 1 : -1;
}

/** A setting's default from sheets-schema, read like a value the secretary typed; one that is refused is a bug. */
function schemaDefault<T>(key: SettingKey, parse: (s: string) => v.Parsed<T>): T | undefined {
  const declared = SETTINGS.find((s) => s.key === key)?.default;
  if (!declared) return undefined;
  const p = parse(declared);
  if (!p.ok) throw new Error(`sheets-schema: the default of the setting ${key} is refused: ${p.message}`);
  return p.value;
}

// NOTE: a setting's value stands in the Værdi column (text); what it means depends on its key, so it
// is read again by the parser of the kind it holds.
const [, VALUE_COLUMN] = SETTINGS_TAB.columns;
const settingOf =
  <K extends 'integer' | 'time' | 'email'>(kind: K) =>
  (s: string) =>
    PARSERS[kind](s, VALUE_COLUMN);

function readSettings(tab: { grid: RawGrid; columns: ColumnMap } | undefined, problems: ProblemList): Settings {
  const values = new Map<string, { value: string; cell: string }>();
  /** Keys whose value was refused (already a problem at its cell). */
  const rejected = new Set<string>();
  const scope: ProblemScope = { kind: 'settings' };
  if (tab) {
    const rows = parseRows(SETTINGS_TAB, tab.grid, tab.columns, problems, () => scope);
    for (const r of rows) {
      const typedKey = r.value.key;
      if (!typedKey) continue;
      const known = SETTINGS.find((s) => identityKey(s.key) === identityKey(typedKey));
      const key = known?.key ?? typedKey;
      const cell = cellOf(SETTINGS_TAB, tab.columns, 'value', r.row);
      if (!known) {
        // NOTE: unknown keys are kept for deployments that need more, but one close to a known key
        // is surely that key misspelt, and the setting would silently fall back to its default.
        const near = SETTINGS.find((s) => similar(s.key, key));
        if (near) {
          problems.add(SETTINGS_TAB.name, cellOf(SETTINGS_TAB, tab.columns, 'key', r.row), `Indstillingen "${clip(key)}" kendes ikke. Mente du ${near.key}? Ret nøglen til "${near.key}".`, scope);
          continue;
        }
      }
      if (r.value.value !== undefined && hasControlCharacter(r.value.value)) {
        problems.add(SETTINGS_TAB.name, cell, `${key}: værdien indeholder et linjeskift eller et andet styretegn. Skriv værdien på én linje.`, scope);
        rejected.add(key);
        continue;
      }
      if (values.has(key)) {
        problems.add(SETTINGS_TAB.name, cellOf(SETTINGS_TAB, tab.columns, 'key', r.row), `Indstillingen "${key}" står flere gange. Slet den ene række.`, scope);
        continue;
      }
      values.set(key, { value: r.value.value ?? '', cell });
    }
  }
  /** The setting's value, else its default; a value that is refused is a problem at its cell, and the default counts. */
  const setting = <T>(key: SettingKey, parse: (s: string) => v.Parsed<T>): T | undefined => {
    const found = values.get(key);
    if (found && found.value !== '') {
      const p = parse(found.value);
      if (p.ok) return p.value;
      problems.add(SETTINGS_TAB.name, found.cell, `${key}: ${p.message}`, scope);
    }
    return schemaDefault(key, parse);
  };
  // NOTE: without a sender no e-mail can go out; said here, at the tab, rather than by publish.
  const requiredSender = (): string | undefined => {
    if (!tab || rejected.has('Afsender')) return undefined; // already reported
    const found = values.get('Afsender');
    if (!found) {
      problems.add(SETTINGS_TAB.name, '', 'Indstillingen "Afsender" mangler, så der kan ikke sendes e-mails. Tilføj en række med Nøgle Afsender og Værdi fx Sekretariatet <chefforum@kommune.dk>.', scope);
      return undefined;
    }
    if (found.value === '') {
      problems.add(SETTINGS_TAB.name, found.cell, 'Afsender skal udfyldes, ellers kan der ikke sendes e-mails. Skriv fx Sekretariatet <chefforum@kommune.dk>.', scope);
      return undefined;
    }
    return setting('Afsender', parseSender);
  };
  const extra: Record<string, string> = {};
  for (const [k, x] of values) if (!SETTINGS.some((s) => s.key === k)) extra[k] = x.value;
  const known: Record<string, unknown> = {};
  const parserOf = (kind: SettingKind): ((s: string) => v.Parsed<unknown>) => SETTING_PARSERS[kind];
  for (const spec of SETTINGS) known[spec.property] = spec.key === 'Afsender' ? requiredSender() : setting(spec.key, parserOf(spec.kind));
  // NOTE: the one cast: a loop over SETTINGS builds the object SettingsOf describes key by key, which
  // the compiler cannot follow; each value comes from its kind's parser, a defaulted one always set.
  return { ...(known as SettingsOf), extra };
}

/** An absolute http(s) address; a trailing `/` is added so pages resolve beneath it. */
function parseSiteAddress(s: string): v.Parsed<string> {
  let u: URL;
  try {
    u = new URL(s.trim());
  } catch {
    return { ok: false, message: `"${s}" er ikke en webadresse. Skriv fx https://dagsordener.albertslund.dk/.` };
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return { ok: false, message: `skal begynde med https://, fx https://dagsordener.albertslund.dk/.` };
  if (u.search || u.hash) return { ok: false, message: `må ikke indeholde ? eller #. Skriv kun adressen, fx https://dagsordener.albertslund.dk/.` };
  return { ok: true, value: u.href.endsWith('/') ? u.href : u.href + '/' };
}

/** A Cloud Storage bucket name (3-63 lower-case letters, digits, `-`, `_`, `.`). */
function parseBucketName(s: string): v.Parsed<string> {
  const name = s.trim().replace(/^gs:\/\//, '').replace(/\/+$/, '');
  if (/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(name)) return { ok: true, value: name };
  return { ok: false, message: `"${s}" er ikke et bucket-navn. Skriv navnet, som det står i Google Cloud Console (små bogstaver, tal og -), fx albertslund-dagsordener.` };
}

/** `Navn <adresse>` or a bare address. */
function parseSender(s: string): v.Parsed<string> {
  const m = /<([^>]+)>\s*$/.exec(s);
  const address = v.parseEmail(m ? m[1]! : s);
  return address.ok ? { ok: true, value: s.trim() } : address;
}

/** One parser per setting kind; each one's output is the kind's value type in sheets-schema (`SettingKindValues`). */
const SETTING_PARSERS: { readonly [K in SettingKind]: (s: string) => v.Parsed<SettingKindValues[K]> } = {
  text: v.ok,
  integer: settingOf('integer'),
  time: settingOf('time'),
  email: settingOf('email'),
  timeZone: v.parseIanaZone,
  sender: parseSender,
  siteAddress: parseSiteAddress,
  bucket: parseBucketName,
};
