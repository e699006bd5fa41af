// The fail-closed rules of validation, in one place.
//
// PRINCIPLE: when dagsorden cannot tell for certain who may see something, it shows it to no one and
// tells the secretary at the cell. The mechanism, not a list of special cases:
// - the columns that decide who sees or receives what are marked `confidentiality` in sheets-schema/;
//   missing or renamed, they make their tab unreadable and hold back everything (headers.ts);
// - a cell whose value cannot be known for certain (merged, a formula without a value, a formula
//   error, text that is neither yes nor no) is a problem at its cell, and a confidentiality cell then
//   resolves to its column's `safeValue` (closed; does not see closed items; not a recipient);
// - an item row that cannot be attributed to a meeting holds back the sending of every meeting
//   (scope `unassigned`, read by `heldBackBy` in model.ts);
// - values that reach a file name, a MIME header or a calendar line are held to a safe form, links
//   to safe schemes, and cells to a bounded size and nesting depth before any parser sees them.

import type { ColumnSpec } from '../../sheets-schema/schema.js';
import type { CellError } from '../workbook/raw.js';

/** Why a cell cannot be read, and what to do: Danish, for the secretary. */
export function unreadableMessage(cell: CellError): string {
  const u = cell.unreadable;
  if (u?.kind === 'merged') return `Cellen er flettet sammen med ${u.master}, så dens værdi kan ikke læses sikkert. Ophæv fletningen, og skriv værdien i hver celle.`;
  if (u?.kind === 'formula') return 'Cellen har en formel uden gemt værdi, så dens værdi kan ikke læses sikkert. Skriv værdien direkte i cellen, eller åbn og gem filen i Excel eller LibreOffice, så værdien beregnes.';
  return `Cellen viser formelfejlen ${cell.error}. Ret formlen, eller skriv værdien direkte i cellen.`;
}

/** The cell's message, with what its unreadable value counts as until it is fixed. */
export function withSafeNote(col: ColumnSpec, message: string): string {
  return col.safeNote ? `${message} ${col.safeNote}` : message;
}

// NOTE: C0 and C1 controls (line breaks, tabs, escape) and the Unicode line and paragraph separators:
// each can end a MIME header or an iCalendar line and start a forged one.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function hasControlCharacter(s: string): boolean {
  return CONTROL.test(s);
}

// NOTE: white space, format characters and default-ignorable ones (zero-width space, soft hyphen,
// variation selectors): invisible, they make two values look equal and differ.
const INVISIBLE = /[\s\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/** The text holds invisible characters or is not in its normal form: what a reader sees is not what it is. */
export function hasHiddenDifference(s: string): boolean {
  return s !== s.normalize('NFKC').replace(/[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu, '');
}

/** The form two ids or addresses are compared in: case, white space, normalisation and invisible characters do not count. */
export function identityKey(s: string): string {
  return s.normalize('NFKC').replace(INVISIBLE, '').toLowerCase();
}

/** Limits on a Markdown cell, checked before a parser sees it. */
export const MAX_NESTING = 20;

/**
 * The deepest nesting a Markdown text would build, counted in one linear pass and without a parser:
 * block containers at the start of a line (`>`, list markers, and two spaces of indentation beyond
 * the one space each marker takes) and
 * inline openers not yet closed in a paragraph (emphasis runs, `[`). It over-counts rather than
 * under-counts, and stops as soon as `limit` is passed (so a 10,000-deep cell costs one pass at most).
 */
export function nestingDepth(text: string, limit = MAX_NESTING): number {
  let deepest = 0;
  let inline = 0;
  let brackets = 0;
  let lineStart = true;
  let block = 0;
  let spaces = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 10) {
      // A blank line ends the paragraph: its inline openers can no longer be closed.
      let j = i + 1;
      while (j < n && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
      if (j >= n || text.charCodeAt(j) === 10) {
        inline = 0;
        brackets = 0;
      }
      lineStart = true;
      block = 0;
      spaces = 0;
      continue;
    }
    if (lineStart) {
      if (ch === 32) {
        spaces++;
        continue;
      }
      if (ch === 9) {
        spaces += 4;
        continue;
      }
      if (ch === 62 /* > */) {
        block++;
        if (block + (spaces >> 1) > deepest) deepest = block + (spaces >> 1);
        if (deepest > limit) return deepest;
        if (i + 1 < n && text.charCodeAt(i + 1) === 32) i++; // the one space that belongs to the marker
        continue;
      }
      const next = i + 1 < n ? text.charCodeAt(i + 1) : 32;
      if ((ch === 45 || ch === 42 || ch === 43) /* - * + */ && (next === 32 || next === 9)) {
        block++;
        if (block + (spaces >> 1) > deepest) deepest = block + (spaces >> 1);
        if (deepest > limit) return deepest;
        i++; // the space that belongs to the marker
        continue;
      }
      if (ch >= 48 && ch <= 57) {
        let j = i;
        while (j < n && j - i < 9 && text.charCodeAt(j) >= 48 && text.charCodeAt(j) <= 57) j++;
        const mark = j < n ? text.charCodeAt(j) : 0;
        const after = j + 1 < n ? text.charCodeAt(j + 1) : 32;
        if ((mark === 46 || mark === 41) /* . ) */ && (after === 32 || after === 9)) {
          block++;
          if (block + (spaces >> 1) > deepest) deepest = block + (spaces >> 1);
          if (deepest > limit) return deepest;
          i = j + 1; // the marker and its space
          continue;
        }
      }
      if (block + (spaces >> 1) > deepest) deepest = block + (spaces >> 1);
      if (deepest > limit) return deepest;
      lineStart = false;
    }
    if (ch === 91 /* [ */) brackets++;
    else if (ch === 93 /* ] */) brackets = Math.max(0, brackets - 1);
    else if (ch === 42 || ch === 95 || ch === 126 /* * _ ~ */) {
      // A delimiter run: it opens when it is followed by a non-space and preceded by space or
      // punctuation; it closes when preceded by a non-space.
      let j = i;
      while (j < n && text.charCodeAt(j) === ch) j++;
      const before = i > 0 ? text.charCodeAt(i - 1) : 32;
      const after = j < n ? text.charCodeAt(j) : 32;
      const spaceBefore = before === 32 || before === 9 || before === 10;
      const spaceAfter = after === 32 || after === 9 || after === 10;
      if (!spaceBefore && inline > 0) inline--;
      else if (!spaceAfter) inline++;
      i = j - 1;
    }
    if (inline + brackets > deepest) deepest = inline + brackets;
    if (deepest > limit) return deepest;
  }
  return deepest;
}

/** The schemes a link may have; anything else is shown as plain text. */
export const SAFE_LINK = /^(https?:|mailto:)/i;

// Link destinations as Markdown writes them: `[text](dest)`, `![alt](dest)`, `<scheme:...>` and
// `[label]: dest`. A scan, not a parse: the document builder's tree turns every unsafe link into text
// whatever this finds; this only tells the secretary.
const INLINE_LINK = /\]\(\s*<?([^\s)>]*)/g;
const AUTOLINK = /<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/g;
const DEFINITION = /^ {0,3}\[[^\]\n]+\]:\s*<?([^\s>]+)/gm;

/** The first link destination in a Markdown text that is not https:, http: or mailto:. */
export function unsafeLink(text: string): string | undefined {
  if (!text.includes('](') && !text.includes('<') && !text.includes(']:')) return undefined;
  for (const re of [INLINE_LINK, AUTOLINK, DEFINITION]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const dest = m[1]!;
      if (dest !== '' && !SAFE_LINK.test(dest)) return dest;
    }
  }
  return undefined;
}
