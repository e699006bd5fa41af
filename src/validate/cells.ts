// Each cell read once: the parser of its column's kind, the column's own rules, and the fail-closed
// handling of unreadable confidentiality cells. A row comes out typed by the schema (`RowOf`).

import { SAFE_ID, columnLetter, type ColumnKind, type ColumnSpec, type KindValues, type RowOf, type TabSpec } from '../../sheets-schema/schema.js';
import type { ProblemScope } from '../model.js';
import { isCellError, type RawGrid, type RawValue } from '../workbook/raw.js';
import { hasControlCharacter, MAX_NESTING, nestingDepth, unreadableMessage, unsafeLink, withSafeNote } from './guard.js';
import type { ColumnMap } from './headers.js';
import { parseRichText } from './richtext.js';
import * as v from './values.js';

/** A cell's value once errors and blanks are dealt with. */
export type Cell = string | number | boolean;

/** Reads one non-empty cell of a kind: the typed value, or a Danish sentence saying what to do. */
export type CellParser<K extends ColumnKind> = (value: Cell, col: ColumnSpec) => v.Parsed<KindValues[K]>;

export const MAX_CELL_LENGTH = 50_000;

/** A value quoted in a message: long ones shortened. */
export function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const asText = (value: Cell): string => (typeof value === 'string' ? value.trim() : String(value));

/** Dates, times and numbers arrive as serial numbers or as typed text; a yes/no cell is read as its text. */
const numeric =
  <T>(parse: (raw: string | number) => v.Parsed<T>) =>
  (value: Cell): v.Parsed<T> =>
    parse(typeof value === 'boolean' ? String(value) : value);

function richText(value: Cell): v.Parsed<KindValues['richtext']> {
  const text = typeof value === 'string' ? value : String(value);
  // NOTE: checked before any Markdown parser sees the text: a cell nested thousands deep
  // overflows the parser's stack.
  const depth = nestingDepth(text);
  if (depth > MAX_NESTING) return v.fail(`Teksten er indlejret mere end ${MAX_NESTING} niveauer dybt (citater med > eller punktopstillinger i hinanden). Gør opstillingen fladere, så den har højst ${MAX_NESTING} niveauer.`);
  const link = unsafeLink(text);
  if (link !== undefined) return v.fail(`Linket "${clip(link)}" vises som almindelig tekst, fordi kun links med https://, http:// eller mailto: bliver til links. Ret linket til en fuld adresse, fx https://example.org/bilag.pdf, eller fjern det.`);
  return v.ok(parseRichText(text));
}

function choice(value: Cell, col: ColumnSpec): v.Parsed<string> {
  const typed = asText(value);
  const choices = col.choices ?? [];
  const hit = choices.find((c) => c.toLowerCase() === typed.toLowerCase());
  return hit !== undefined ? v.ok(hit) : v.fail(`${col.header} "${typed}" kendes ikke. Vælg en af: ${choices.join(', ')}.`);
}

/** One parser per kind; each one's output is the kind's value type in sheets-schema (`KindValues`). */
export const PARSERS: { readonly [K in ColumnKind]: CellParser<K> } = {
  text: (value) => v.ok(asText(value)),
  link: (value) => v.ok(asText(value)),
  richtext: richText,
  date: numeric(v.parseDate),
  time: numeric(v.parseTime),
  datetime: numeric(v.parseDateTime),
  integer: numeric(v.parseInteger),
  boolean: v.parseBoolean,
  choice,
  email: (value) => v.parseEmail(asText(value)),
  caseNumber: (value) => v.parseCaseNumber(asText(value)),
  timeSlot: (value) => v.parseTimeSlot(asText(value)),
  recommendation: (value) => v.parseRecommendation(asText(value)),
  attachments: (value) => v.parseAttachments(asText(value)),
  list: (value) => v.parseList(asText(value)),
};

/** A value of the column's kind, from text the schema gives (a default, a safe value). */
function parseDeclared<K extends ColumnKind>(col: ColumnSpec & { readonly kind: K }, text: string): v.Parsed<KindValues[K]> {
  return PARSERS[col.kind](text, col);
}

/**
 * One cell through its column's rules: its typed value, `undefined` for an empty optional cell, or
 * the Danish problem (with what an unreadable confidentiality cell counts as meanwhile).
 */
function readCell<K extends ColumnKind>(col: ColumnSpec & { readonly kind: K }, raw: RawValue): v.Parsed<KindValues[K] | undefined> {
  const fail = (message: string) => v.fail(withSafeNote(col, message));
  if (isCellError(raw)) return fail(unreadableMessage(raw));
  const empty = raw === null || (typeof raw === 'string' && raw.trim() === '');
  if (empty) {
    if (col.default !== undefined) return parseDeclared(col, col.default);
    return col.required ? fail(`${col.header} skal udfyldes.${col.example ? ` Skriv fx ${col.example}.` : ''}`) : v.ok(undefined);
  }
  // NOTE: Google Sheets stops at 50,000 characters a cell; an .xlsx can hold more, and a document
  // with such a cell is surely a paste gone wrong.
  if (typeof raw === 'string' && raw.length > MAX_CELL_LENGTH) return fail(`Cellen har ${raw.length} tegn; højst ${MAX_CELL_LENGTH} er tilladt. Kort teksten ned, eller læg den som bilag.`);
  if (col.singleLine && typeof raw === 'string' && hasControlCharacter(raw.trim())) {
    return fail(`${col.header} indeholder et linjeskift eller et andet styretegn. Skriv ${col.header} på én linje uden linjeskift.`);
  }
  const parsed = PARSERS[col.kind](raw, col);
  if (!parsed.ok) return fail(parsed.message);
  if (col.safeId && typeof parsed.value === 'string') {
    const id = parsed.value;
    if (id.length > 64) return fail(`${col.header} er ${id.length} tegn langt; højst 64 er tilladt. Brug et kort id, fx ${col.example}.`);
    if (!SAFE_ID.test(id)) return fail(`${col.header} "${clip(id)}" kan ikke bruges. Brug kun bogstaver (også æøå), tal, bindestreg, understreg og punktum, og ikke punktum først, fx ${col.example}.`);
  }
  return parsed;
}

/** Where a row's problems go, with what they hold back. */
export interface ProblemSink {
  add(tab: string, cell: string, message: string, scope: ProblemScope): void;
}

/** The raw cells of a row by column key: what a problem's scope is told from. */
export type RawRow = Readonly<Record<string, RawValue>>;

/** One row: every cell read (`whole`), or the cells that could be, with the keys of the ones that could not. */
export type ParsedRow<R> = { readonly row: number; readonly failed: ReadonlySet<string> } & (
  | { readonly whole: true; readonly value: R }
  | { readonly whole: false; readonly value: Partial<R> }
);

function isBlank(x: RawValue | undefined): boolean {
  // NOTE: a row holding only the tails of merged ranges is empty: a merge over blank rows (for looks)
  // is no row of its own. A row with content is read, and its merged cells are problems.
  return x === null || x === undefined || (typeof x === 'string' && x.trim() === '') || (isCellError(x) && x.unreadable?.kind === 'merged');
}

/**
 * The message with the quoted value replaced: the rule and the cell stay, the content goes. From the
 * first quote to the last, so a value holding a quote of its own cannot leave a piece behind.
 */
function withoutQuotes(message: string): string {
  return message.replace(/"[\s\S]*"/, '(indholdet vises ikke, fordi punktet er lukket)');
}

/**
 * Reads every non-empty row of a tab, each cell once. A cell that cannot be read is a problem at its
 * cell; the row keeps its other cells, so the rules across rows still see them.
 */
export function parseRows<T extends TabSpec>(tab: T, grid: RawGrid, columns: ColumnMap, problems: ProblemSink, scopeOf: (raw: RawRow) => ProblemScope): ParsedRow<RowOf<T>>[] {
  const inputColumns = tab.columns.filter((c) => !c.scriptOwned);
  const hider = inputColumns.find((c) => c.hidesRow);
  const out: ParsedRow<RowOf<T>>[] = [];
  for (let r = 1; r < grid.rows.length; r++) {
    const cells = grid.rows[r] ?? [];
    const raw: Record<string, RawValue> = {};
    let blank = true;
    for (const col of inputColumns) {
      const idx = columns.get(col.key);
      const x = idx === undefined ? null : (cells[idx] ?? null);
      raw[col.key] = x;
      if (!isBlank(x)) blank = false;
    }
    if (blank) continue;
    const value: Record<string, unknown> = {};
    const failed = new Set<string>();
    const refused: { col: ColumnSpec; message: string }[] = [];
    for (const col of inputColumns) {
      const read = readCell(col, raw[col.key] ?? null);
      if (read.ok) {
        if (read.value !== undefined) value[col.key] = read.value;
        continue;
      }
      refused.push({ col, message: read.message });
      // A confidentiality cell that cannot be read counts as its safe value until fixed; the row
      // stays in the model that way (its problem still holds back what it affects).
      const safe = col.safeValue === undefined ? undefined : parseDeclared(col, col.safeValue);
      if (safe?.ok) value[col.key] = safe.value;
      else failed.add(col.key);
    }
    if (refused.length > 0) {
      const scope = scopeOf(raw);
      // NOTE: Validering and the problem e-mail are read by more than the entitled few: a closed
      // (or perhaps closed) item's problems name the cell and the rule, never its text.
      const hidden = hider !== undefined && (refused.some((p) => p.col === hider) || value[hider.key] === true);
      for (const { col, message } of refused) {
        const idx = columns.get(col.key);
        problems.add(tab.name, idx === undefined ? '' : `${columnLetter(idx)}${r + 1}`, hidden && !col.confidentiality ? withoutQuotes(message) : message, scope);
      }
    }
    out.push(typedRow<RowOf<T>>(r + 1, value, failed));
  }
  return out;
}

/**
 * NOTE: the one place the schema's keys meet a loop. Each field above came from `readCell` for its
 * column, whose type is the column kind's value (`KindValues`, narrowed to the column's choices by
 * `ValueOf`); the compiler cannot follow a loop over keys, so the row's type is stated here, once.
 */
function typedRow<R>(row: number, value: Record<string, unknown>, failed: ReadonlySet<string>): ParsedRow<R> {
  return failed.size === 0 ? { row, failed, whole: true, value: value as R } : { row, failed, whole: false, value: value as Partial<R> };
}
