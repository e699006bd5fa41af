// Raw workbook grids → the typed meeting model, plus every problem at once with its cell.
// Per-cell rules come from zod schemas generated from sheets-schema/; rules across rows follow.

import { z } from 'zod';
import {
  INPUT_TABS,
  ITEMS_TAB,
  MEETINGS_TAB,
  MEMBERS_TAB,
  SETTINGS,
  SAFE_ID,
  SETTINGS_TAB,
  TABS,
  columnLetter,
  parseA1,
  type ColumnSpec,
  type MeetingStatus,
  type TabSpec,
} from '../../sheets-schema/schema.js';
import type { Item, Meeting, Member, Problem, ProblemScope, Settings, Validated } from '../model.js';
import { isCellError, type RawGrid, type RawValue, type RawWorkbook } from '../workbook/raw.js';
import { hasControlCharacter, hasHiddenDifference, identityKey, MAX_NESTING, nestingDepth, unreadableMessage, unsafeLink, withSafeNote } from './guard.js';
import { locateColumns, similar, suggestTab, type ColumnMap } from './headers.js';
import { parseRichText } from './richtext.js';
import * as v from './values.js';

type Cell = string | number | boolean;

export const MAX_CELL_LENGTH = 50_000;

/** The zod schema of one cell: raw value in, typed value out, a Danish issue on failure. */
function cellSchema(col: ColumnSpec) {
  return z.custom<RawValue>(() => true).transform((raw, ctx) => {
    const fail = (message: string) => {
      ctx.addIssue({ code: 'custom', message: withSafeNote(col, message) });
      return z.NEVER;
    };
    if (isCellError(raw)) return fail(unreadableMessage(raw));
    const empty = raw === null || (typeof raw === 'string' && raw.trim() === '');
    if (empty && col.default === undefined) {
      if (col.required) return fail(`${col.header} skal udfyldes.${col.example ? ` Skriv fx ${col.example}.` : ''}`);
      return undefined;
    }
    // NOTE: Google Sheets stops at 50,000 characters a cell; an .xlsx can hold more, and a document
    // with such a cell is surely a paste gone wrong.
    if (typeof raw === 'string' && raw.length > MAX_CELL_LENGTH) return fail(`Cellen har ${raw.length} tegn; højst ${MAX_CELL_LENGTH} er tilladt. Kort teksten ned, eller læg den som bilag.`);
    const value: Cell = empty ? col.default! : (raw as Cell);
    if (col.singleLine && typeof value === 'string' && hasControlCharacter(value.trim())) {
      return fail(`${col.header} indeholder et linjeskift eller et andet styretegn. Skriv ${col.header} på én linje uden linjeskift.`);
    }
    if (col.kind === 'richtext' && typeof value === 'string') {
      // NOTE: checked before any Markdown parser sees the text: a cell nested thousands deep
      // overflows the parser's stack.
      const depth = nestingDepth(value);
      if (depth > MAX_NESTING) return fail(`Teksten er indlejret mere end ${MAX_NESTING} niveauer dybt (citater med > eller punktopstillinger i hinanden). Gør opstillingen fladere, så den har højst ${MAX_NESTING} niveauer.`);
      const link = unsafeLink(value);
      if (link !== undefined) return fail(`Linket "${clip(link)}" vises som almindelig tekst, fordi kun links med https://, http:// eller mailto: bliver til links. Ret linket til en fuld adresse, fx https://example.org/bilag.pdf, eller fjern det.`);
    }
    const parsed = parseCell(col, value);
    if (!parsed.ok) return fail(parsed.message);
    if (col.safeId && typeof parsed.value === 'string') {
      const id = parsed.value;
      if (id.length > 64) return fail(`${col.header} er ${id.length} tegn langt; højst 64 er tilladt. Brug et kort id, fx ${col.example}.`);
      if (!SAFE_ID.test(id)) return fail(`${col.header} "${clip(id)}" kan ikke bruges. Brug kun bogstaver (også æøå), tal, bindestreg, understreg og punktum, og ikke punktum først, fx ${col.example}.`);
    }
    return parsed.value;
  });
}

/** A value quoted in a message: long ones shortened. */
function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function parseCell(col: ColumnSpec, value: Cell): v.Parsed<unknown> {
  const asText = typeof value === 'string' ? value.trim() : String(value);
  const notBoolean = <T>(f: (x: string | number) => v.Parsed<T>) => (typeof value === 'boolean' ? f(String(value)) : f(value));
  switch (col.kind) {
    case 'text':
    case 'link':
      return { ok: true, value: asText };
    case 'richtext':
      return { ok: true, value: parseRichText(typeof value === 'string' ? value : String(value)) };
    case 'date':
      return notBoolean(v.parseDate);
    case 'time':
      return notBoolean(v.parseTime);
    case 'datetime':
      return notBoolean(v.parseDateTime);
    case 'integer':
      return notBoolean(v.parseInteger);
    case 'boolean':
      return v.parseBoolean(value);
    case 'choice': {
      const hit = col.choices!.find((c) => c.toLowerCase() === asText.toLowerCase());
      return hit
        ? { ok: true, value: hit }
        : { ok: false, message: `${col.header} "${asText}" kendes ikke. Vælg en af: ${col.choices!.join(', ')}.` };
    }
    case 'email':
      return v.parseEmail(asText);
    case 'caseNumber':
      return v.parseCaseNumber(asText);
    case 'timeSlot':
      return v.parseTimeSlot(asText);
    case 'recommendation':
      return v.parseRecommendation(asText);
    case 'attachments':
      return v.parseAttachments(asText);
    case 'list':
      return v.parseList(asText);
  }
}

function rowSchema(tab: TabSpec) {
  const shape: Record<string, ReturnType<typeof cellSchema>> = {};
  for (const col of tab.columns) if (!col.scriptOwned) shape[col.key] = cellSchema(col);
  return z.object(shape);
}

const ROW_SCHEMAS = new Map(TABS.map((t) => [t.key, rowSchema(t)]));

interface ParsedRow<T> {
  readonly row: number;
  readonly value: T;
  /** Columns whose cell failed; the value lacks them. */
  readonly failed: ReadonlySet<string>;
}

class ProblemList {
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

function isBlank(x: RawValue | undefined): boolean {
  // NOTE: a row holding only the tails of merged ranges is empty: a merge over blank rows (for looks)
  // is no row of its own. A row with content is read, and its merged cells are problems.
  return x === null || x === undefined || (typeof x === 'string' && x.trim() === '') || (isCellError(x) && x.unreadable?.kind === 'merged');
}

/** Parses every non-empty row of a tab into objects keyed by the schema's keys. */
function parseRows<T>(tab: TabSpec, grid: RawGrid, columns: ColumnMap, problems: ProblemList, scopeOf: (raw: Record<string, RawValue>) => ProblemScope): ParsedRow<T>[] {
  const schema = ROW_SCHEMAS.get(tab.key)!;
  const hider = tab.columns.find((c) => c.hidesRow);
  const out: ParsedRow<T>[] = [];
  for (let r = 1; r < grid.rows.length; r++) {
    const cells = grid.rows[r] ?? [];
    const raw: Record<string, RawValue> = {};
    let blank = true;
    for (const col of tab.columns) {
      if (col.scriptOwned) continue;
      const idx = columns.get(col.key);
      const x = idx === undefined ? null : (cells[idx] ?? null);
      raw[col.key] = x;
      if (!isBlank(x)) blank = false;
    }
    if (blank) continue;
    const result = schema.safeParse(raw);
    const failed = new Set<string>();
    if (!result.success) {
      const scope = scopeOf(raw);
      const hidden = hider !== undefined && rowMayBeHidden(raw[hider.key] ?? null);
      for (const issue of result.error.issues) {
        const key = String(issue.path[0]);
        const idx = columns.get(key);
        failed.add(key);
        // NOTE: Validering and the problem e-mail are read by more than the entitled few: a closed
        // (or perhaps closed) item's problems name the cell and the rule, never its text.
        const col = tab.columns.find((c) => c.key === key);
        const message = hidden && !col?.confidentiality ? withoutQuotes(issue.message) : issue.message;
        problems.add(tab.name, idx === undefined ? '' : `${columnLetter(idx)}${r + 1}`, message, scope);
      }
      // Re-parse the cells that did succeed so later rules still see them.
      const partial: Record<string, unknown> = {};
      for (const col of tab.columns) {
        if (col.scriptOwned) continue;
        if (failed.has(col.key)) {
          // A confidentiality cell that cannot be read counts as its safe value until fixed; the
          // row stays in the model that way (its problem still holds back what it affects).
          if (col.safeValue !== undefined) {
            const safe = parseCell(col, col.safeValue);
            if (safe.ok) {
              partial[col.key] = safe.value;
              failed.delete(col.key);
            }
          }
          continue;
        }
        const one = z.object({ x: cellSchema(col) }).safeParse({ x: raw[col.key] });
        if (one.success) partial[col.key] = one.data.x;
      }
      out.push({ row: r + 1, value: partial as T, failed });
    } else {
      out.push({ row: r + 1, value: result.data as T, failed });
    }
  }
  return out;
}

/** A row whose hiding cell says yes, or cannot be read: its content may be confidential. */
function rowMayBeHidden(cell: RawValue): boolean {
  if (cell === null || (typeof cell === 'string' && cell.trim() === '')) return false;
  if (isCellError(cell)) return true;
  const b = v.parseBoolean(cell);
  return !b.ok || b.value;
}

/**
 * The message with the quoted value replaced: the rule and the cell stay, the content goes. From the
 * first quote to the last, so a value holding a quote of its own cannot leave a piece behind.
 */
function withoutQuotes(message: string): string {
  return message.replace(/"[\s\S]*"/, '(indholdet vises ikke, fordi punktet er lukket)');
}

function cellOf(tab: TabSpec, columns: ColumnMap, key: string, row: number): string {
  const idx = columns.get(key);
  return idx === undefined ? '' : `${columnLetter(idx)}${row}`;
}

const rawMeetingId = (raw: Record<string, RawValue>): string => (typeof raw.meetingId === 'string' || typeof raw.meetingId === 'number' ? String(raw.meetingId).trim() : '');
const rawId = (raw: Record<string, RawValue>): string => (typeof raw.id === 'string' || typeof raw.id === 'number' ? String(raw.id).trim() : '');

type MeetingRow = Omit<Meeting, 'items' | 'row'>;
type ItemRow = Omit<Item, 'row'> & { recommendation?: string[]; attachments?: Item['attachments'] };
type MemberRow = Omit<Member, 'row'>;

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
    ? parseRows<MeetingRow>(MEETINGS_TAB, meetingsTab.grid, meetingsTab.columns, problems, (r) => ({ kind: 'meeting', meetingId: rawId(r) }))
    : [];
  const meetingsById = new Map<string, ParsedRow<MeetingRow>>();
  const meetingKeys = new Map<string, ParsedRow<MeetingRow>>();
  const validMeetings = new Map<string, ParsedRow<MeetingRow>>();
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
    if (m.failed.size === 0) validMeetings.set(id, m);
  }

  // Items
  const itemsTab = grids.get('items');
  const itemRows = itemsTab
    ? parseRows<ItemRow>(ITEMS_TAB, itemsTab.grid, itemsTab.columns, problems, (r) => (meetingsById.has(rawMeetingId(r)) ? { kind: 'meeting', meetingId: rawMeetingId(r) } : UNASSIGNED))
    : [];
  const itemsByMeeting = new Map<string, { item: Item; ok: boolean }[]>();
  for (const it of itemRows) {
    const cols = itemsTab!.columns;
    const value = it.value;
    const meetingId = value.meetingId;
    if (!meetingId) continue;
    const scope: ProblemScope = { kind: 'meeting', meetingId };
    let ok = it.failed.size === 0;
    if (!meetingsById.has(meetingId)) {
      // NOTE: with Møder unreadable the header problem says it all; no row can be matched.
      if (meetingsTab) problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols, 'meetingId', it.row), `Mødet "${meetingId}" findes ikke i fanen Møder. Ret Møde-id, eller opret mødet i fanen Møder.`, UNASSIGNED);
      continue;
    }
    const recommendation = value.recommendation ?? [];
    const hasRecommendation = !it.failed.has('recommendation') && recommendation.length > 0;
    if (value.recommender && !hasRecommendation && !it.failed.has('recommendation')) {
      problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols, 'recommendation', it.row), 'Indstilling mangler, men Indstiller er udfyldt. Skriv indstillingen (1. at ...), eller slet Indstiller.', scope);
      ok = false;
    }
    if (hasRecommendation && !value.recommender && !it.failed.has('recommender')) {
      problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols, 'recommender', it.row), 'Indstiller mangler, men Indstilling er udfyldt. Skriv hvem der indstiller, fx Kommunaldirektøren.', scope);
      ok = false;
    }
    const item: Item = { ...value, recommendation, attachments: value.attachments ?? [], row: it.row };
    const list = itemsByMeeting.get(meetingId) ?? [];
    list.push({ item, ok });
    itemsByMeeting.set(meetingId, list);
  }

  const meetings: Meeting[] = [];
  for (const [id, m] of meetingsById) {
    const scope: ProblemScope = { kind: 'meeting', meetingId: id };
    const cols = itemsTab?.columns;
    const entries = (itemsByMeeting.get(id) ?? []).filter((e) => typeof e.item.number === 'number');
    entries.sort((a, b) => a.item.number - b.item.number || a.item.row - b.item.row);
    // Numbers: unique, then 1..n without gaps.
    const seen = new Map<number, number>();
    for (const e of entries) {
      const prev = seen.get(e.item.number);
      if (prev !== undefined) {
        problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols!, 'number', e.item.row), `Punkt nr. ${e.item.number} findes allerede for mødet ${id} (Punkter!${cellOf(ITEMS_TAB, cols!, 'number', prev)}). Giv hvert punkt sit eget nummer.`, scope);
        e.ok = false;
      } else seen.set(e.item.number, e.item.row);
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
    let previous: Item | undefined;
    for (const e of entries) {
      const slot = e.item.timeSlot;
      if (!slot) continue;
      const cell = cellOf(ITEMS_TAB, cols!, 'timeSlot', e.item.row);
      const meetingSpan = `${m.value.start ? dotted(m.value.start) : '?'}-${m.value.end ? dotted(m.value.end) : ''}`;
      if (start !== undefined && (toMinutes(slot.start) < start || toMinutes(slot.end) > end)) {
        problems.add(ITEMS_TAB.name, cell, `Tidsrummet ${slot.label} ligger uden for mødet (${meetingSpan}). Ret tidsrummet eller mødets Start og Slut.`, scope);
        e.ok = false;
      } else if (previous?.timeSlot && toMinutes(slot.start) < toMinutes(previous.timeSlot.end)) {
        const verb = toMinutes(slot.start) < toMinutes(previous.timeSlot.start) ? 'begynder før' : 'overlapper';
        problems.add(ITEMS_TAB.name, cell, `Tidsrummet ${slot.label} ${verb} punkt ${previous.number} (${previous.timeSlot.label}). Ret tidsrummene, så punkterne følger efter hinanden.`, scope);
        e.ok = false;
      }
      previous = e.item;
    }
    // Minutes gate: every open item needs its decision.
    if (m.value.status === 'Referat klar') {
      for (const e of entries) {
        if (!e.item.closed && !e.item.decision) {
          problems.add(ITEMS_TAB.name, cellOf(ITEMS_TAB, cols!, 'decision', e.item.row), `Beslutning mangler, men mødet ${id} har status Referat klar. Skriv beslutningen, eller sæt mødets status tilbage til Afholdt.`, scope);
        }
      }
    }
    if (m.value.status && STATUSES_NEEDING_ITEMS.includes(m.value.status) && (itemsByMeeting.get(id) ?? []).length === 0 && itemsTab) {
      problems.add(MEETINGS_TAB.name, cellOf(MEETINGS_TAB, meetingsTab!.columns, 'status', m.row), `Mødet ${id} har status ${m.value.status}, men ingen punkter i fanen Punkter. Tilføj punkterne, eller sæt status til Planlagt.`, scope);
    }
    if (validMeetings.has(id)) meetings.push({ ...(m.value as MeetingRow), items: entries.filter((e) => e.ok).map((e) => e.item), row: m.row });
  }
  meetings.sort((a, b) => a.date.localeCompare(b.date) || a.start.localeCompare(b.start) || a.id.localeCompare(b.id));

  // Members
  const membersTab = grids.get('members');
  const members: Member[] = [];
  if (membersTab) {
    const rows = parseRows<MemberRow>(MEMBERS_TAB, membersTab.grid, membersTab.columns, problems, () => ({ kind: 'members' }));
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
      if (r.failed.size === 0) members.push({ ...r.value, row: r.row });
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

  const tabOrder = new Map(TABS.map((t, i) => [t.name, i]));
  const sorted = [...problems.items].sort(
    (a, b) => (tabOrder.get(a.tab) ?? 99) - (tabOrder.get(b.tab) ?? 99) || cellRank(a.cell) - cellRank(b.cell) || a.message.localeCompare(b.message),
  );
  return { model: { meetings, members, settings }, problems: sorted };
}

/** Row-major rank of `F14` (tab-level problems first). */
function cellRank(cell: string): number {
  const at = parseA1(cell);
  return at ? (at.row + 1) * 1000 + at.col + 1 : -1;
}

function readSettings(tab: { grid: RawGrid; columns: ColumnMap } | undefined, problems: ProblemList): Settings {
  const values = new Map<string, { value: string; cell: string }>();
  /** Keys whose value was refused (already a problem at its cell). */
  const rejected = new Set<string>();
  const scope: ProblemScope = { kind: 'settings' };
  if (tab) {
    const rows = parseRows<{ key?: string; value?: string }>(SETTINGS_TAB, tab.grid, tab.columns, problems, () => scope);
    for (const r of rows) {
      if (!r.value.key) continue;
      const known = SETTINGS.find((s) => identityKey(s.key) === identityKey(r.value.key!));
      const key = known?.key ?? r.value.key;
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
  const get = (key: string): { value: string; cell: string } => {
    const found = values.get(key);
    if (found && found.value !== '') return found;
    return { value: SETTINGS.find((s) => s.key === key)?.default ?? '', cell: found?.cell ?? '' };
  };
  const checked = <T>(key: string, parse: (s: string) => v.Parsed<T>, fallback: T): T => {
    const { value, cell } = get(key);
    if (value === '') return fallback;
    const p = parse(value);
    if (p.ok) return p.value;
    problems.add(SETTINGS_TAB.name, cell, `${key}: ${p.message}`, scope);
    return fallback;
  };
  // NOTE: without a sender no e-mail can go out; said here, at the tab, rather than by publish.
  const requiredSender = (): string | undefined => {
    const { value, cell } = get('Afsender');
    if (!tab || rejected.has('Afsender')) return undefined; // already reported
    if (value === '' && !values.has('Afsender')) {
      problems.add(SETTINGS_TAB.name, '', 'Indstillingen "Afsender" mangler, så der kan ikke sendes e-mails. Tilføj en række med Nøgle Afsender og Værdi fx Sekretariatet <chefforum@kommune.dk>.', scope);
      return undefined;
    }
    if (value === '') {
      problems.add(SETTINGS_TAB.name, cell, 'Afsender skal udfyldes, ellers kan der ikke sendes e-mails. Skriv fx Sekretariatet <chefforum@kommune.dk>.', scope);
      return undefined;
    }
    return checked<string | undefined>('Afsender', parseSender, undefined);
  };
  const optionalEmail = (key: string): string | undefined => checked<string | undefined>(key, (s) => v.parseEmail(s), undefined);
  const extra: Record<string, string> = {};
  for (const [k, x] of values) if (!SETTINGS.some((s) => s.key === k)) extra[k] = x.value;
  return {
    organisation: get('Organisation').value,
    timeZone: checked('Tidszone', v.parseIanaZone, 'Europe/Copenhagen'),
    sender: requiredSender(),
    replyTo: optionalEmail('Svar til'),
    daysBefore: checked('Dage før mødet', v.parseInteger, 7),
    sendTime: checked('Udsendelsestidspunkt', v.parseTime, '12:00'),
    driveFolderMembers: get('Drive-mappe medlemmer').value || undefined,
    driveFolderPublic: get('Drive-mappe offentlig').value || undefined,
    secretaryEmail: optionalEmail('Sekretær e-mail'),
    siteAddress: checked<string | undefined>('Hjemmeside-adresse', parseSiteAddress, undefined),
    siteBucket: checked<string | undefined>('Hjemmeside-bucket', parseBucketName, undefined),
    extra,
  };
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
