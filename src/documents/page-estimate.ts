// The page each bookmark of our .docx starts on, as LibreOffice lays the document out: the lines
// broken with Liberation Sans's widths, the pages filled by LibreOffice's rules. It reads the body
// docx has just formatted, and takes a few milliseconds where docx's own layout (Word's rules) took
// nearly half a second. Pure.

import type { EstimatedPageNumbers, PageNumberEstimator } from 'docx';
import { CODE_RUNS, UNITS_PER_EM, WIDTHS } from './font-widths.js';

/** What a paragraph style, or the document's defaults, says of the layout. Lengths in twips. */
export interface LayoutStyle {
  readonly before?: number;
  readonly after?: number;
  /** The line's height: LibreOffice reads a `w:line` without `w:lineRule` as exact (see lineHeight). */
  readonly line?: number;
  readonly keepNext?: boolean;
  readonly keepLines?: boolean;
  /** Half-points. */
  readonly size?: number;
  readonly bold?: boolean;
  readonly italics?: boolean;
  readonly font?: string;
}

export interface LayoutSpec {
  /** The document's defaults: every length and the size and font are given. */
  readonly defaults: Required<Pick<LayoutStyle, 'before' | 'after' | 'line' | 'size' | 'font'>>;
  /** The paragraph styles by id (`Heading1`, `TOC1`, ...). */
  readonly styles: ReadonlyMap<string, LayoutStyle>;
  /** Where a list level's text starts, in twips from the paragraph's left edge. */
  readonly listIndent: (level: number) => number;
  /** The running header's and footer's height, in twips: when they outgrow their margin, the body shrinks. */
  readonly headerHeight: number;
  readonly footerHeight: number;
}

/** Whether the estimate knows a font's widths: Arial and the fonts that stand in for it, and Courier New's. */
export function knowsFont(font: string): boolean {
  return SANS.has(font.toLowerCase()) || MONO.has(font.toLowerCase());
}

/**
 * A page number estimator for docx (`new Document({ pageNumbers })`) that lays the body out as
 * LibreOffice does. NOTE: only for the documents docx.ts writes, in a font knowsFont knows: it reads
 * the parts of WordprocessingML those use, and no others.
 */
export function libreOfficePages(spec: LayoutSpec): PageNumberEstimator {
  return (body) => paginate(blocksOf(children(body as Xml, 'w:body'), spec));
}

// ---------------------------------------------------------------------------------------------
// Widths

const SANS = new Set(['arial', 'liberation sans', 'helvetica', 'arimo']);
const MONO = new Set(['courier new', 'liberation mono', 'courier', 'cousine']);
/** Every character of Liberation Mono is 1229 units of 2048 wide. */
const MONO_WIDTH = 1229;
/** A character the font lacks is drawn by another font; an average letter's width stands in. */
const MISSING_WIDTH = 1139;

type Face = keyof typeof WIDTHS;

/** Each face's widths by character code, 0 where the face lacks the character. */
const FACE_WIDTHS: Record<Face, Uint16Array> = (() => {
  const size = Math.max(...CODE_RUNS.map(([first, count]) => first + count));
  const decode = (encoded: string): Uint16Array => {
    const widths = new Uint16Array(size);
    let at = 0;
    for (const [first, count] of CODE_RUNS) {
      for (let code = first; code < first + count; code++, at += 3) widths[code] = parseInt(encoded.slice(at, at + 3), 16);
    }
    return widths;
  };
  return { regular: decode(WIDTHS.regular), bold: decode(WIDTHS.bold), italic: decode(WIDTHS.italic), boldItalic: decode(WIDTHS.boldItalic) };
})();

interface RunFont {
  readonly mono: boolean;
  readonly face: Face;
  /** Half-points. */
  readonly size: number;
}

const ZWSP = 0x200b;

/** A character's width in twips. */
function charWidth(code: number, font: RunFont): number {
  const units = font.mono ? MONO_WIDTH : FACE_WIDTHS[font.face][code] || (code === ZWSP ? 0 : MISSING_WIDTH);
  // half-points to points is /2, points to twips ×20
  return (units / UNITS_PER_EM) * font.size * 10;
}

// ---------------------------------------------------------------------------------------------
// Reading the formatted body (docx's object form of the XML: { "w:p": [ { "w:pPr": [...] }, ... ] })

type Xml = Readonly<Record<string, unknown>>;

/** The element's name: each object of the formatted body has one key, or `_attr` besides. */
function nameOf(node: Xml): string | undefined {
  for (const key in node) if (key !== '_attr') return key;
  return undefined;
}

/** The children of an element, which docx writes as an array, one object, or a string. */
function children(node: Xml | undefined, name: string): unknown[] {
  const value = node?.[name];
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

const elements = (list: readonly unknown[]): Xml[] => list.filter((c): c is Xml => typeof c === 'object' && c !== null && nameOf(c as Xml) !== undefined);

function find(list: readonly unknown[], name: string): Xml | undefined {
  for (const c of list) if (typeof c === 'object' && c !== null && name in c) return c as Xml;
  return undefined;
}

/** The children of the child `name` of a list. */
const childrenOf = (list: readonly unknown[], name: string): unknown[] => children(find(list, name), name);

/** The attributes of an element, given as its children or as its value. */
function attributesOf(node: Xml | undefined, name: string): Readonly<Record<string, unknown>> {
  const value = node?.[name];
  const holder = (Array.isArray(value) ? value : [value]).find((c): c is Xml => typeof c === 'object' && c !== null && '_attr' in c);
  return (holder?._attr as Record<string, unknown> | undefined) ?? {};
}

function numberAttr(node: Xml | undefined, name: string, attr: string): number | undefined {
  const value = attributesOf(node, name)[attr];
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/** An on/off property (`<w:b/>`, `<w:keepNext/>`): on when present, unless its value says off. */
function onOff(list: readonly unknown[], name: string): boolean | undefined {
  const node = find(list, name);
  if (!node) return undefined;
  const value = attributesOf(node, name)['w:val'];
  return !(value === false || value === 0 || value === 'false' || value === '0' || value === 'off');
}

// ---------------------------------------------------------------------------------------------
// Blocks

interface Geometry {
  /** The body's height and width on the page, in twips. */
  readonly height: number;
  readonly width: number;
}

interface ParagraphBlock {
  readonly type: 'paragraph';
  readonly before: number;
  readonly after: number;
  readonly lineHeight: number;
  /** Its number of lines. */
  readonly lines: number;
  /** Added to its height below its lines: a bottom border and its distance. */
  readonly extra: number;
  readonly keepNext: boolean;
  readonly keepLines: boolean;
  readonly pageBreakBefore: boolean;
  readonly bookmarks: readonly string[];
}

interface Row {
  readonly height: number;
  readonly header: boolean;
  readonly cantSplit: boolean;
}

interface TableBlock {
  readonly type: 'table';
  readonly rows: readonly Row[];
  readonly bookmarks: readonly string[];
}

interface SectionBlock {
  readonly type: 'section';
  readonly geometry: Geometry;
}

type Block = ParagraphBlock | TableBlock | SectionBlock;

/** The height of a paragraph's lines, in twips. */
function lineHeight(line: number | undefined, rule: unknown, size: number): number {
  // NOTE: LibreOffice 7 reads `w:line` without `w:lineRule` (docx writes none) as an exact height, not
  // as the proportional spacing Word reads: each line of ours is 240 twips, whatever its size (seen in
  // its PDFs). Proportional spacing is the font's height, in whole pixels at 96 dpi as LibreOffice
  // rounds it, times line/240.
  if (line === undefined) return naturalHeight(size);
  if (rule === 'auto') return Math.round((naturalHeight(size) * line) / 240);
  if (rule === 'atLeast') return Math.max(line, naturalHeight(size));
  return line;
}

/** Liberation Sans's ascent and descent (1854 and 434 units of 2048) in whole pixels at 96 dpi, in twips. */
function naturalHeight(size: number): number {
  const pixels = (size / 2) * (96 / 72);
  return (Math.round((pixels * 1854) / 2048) + Math.round((pixels * 434) / 2048)) * 15;
}

const A4: Geometry = { height: 16838 - 2880, width: 11906 - 2880 };

function sectionGeometry(sectPr: Xml, spec: LayoutSpec): Geometry {
  const list = children(sectPr, 'w:sectPr');
  const size = find(list, 'w:pgSz');
  const margins = find(list, 'w:pgMar');
  const margin = (side: string, fallback: number) => numberAttr(margins, 'w:pgMar', side) ?? fallback;
  const height = numberAttr(size, 'w:pgSz', 'w:h') ?? 16838;
  const width = numberAttr(size, 'w:pgSz', 'w:w') ?? 11906;
  // NOTE: LibreOffice starts the body below the header only when the header outgrows the top margin.
  const bodyTop = Math.max(margin('w:top', 1440), margin('w:header', 708) + spec.headerHeight);
  const bodyBottom = Math.min(height - margin('w:bottom', 1440), height - margin('w:footer', 708) - spec.footerHeight);
  return { height: bodyBottom - bodyTop, width: width - margin('w:left', 1440) - margin('w:right', 1440) };
}

/** The body's blocks, each section's geometry before its blocks (its sectPr is written at its end). */
function blocksOf(body: readonly unknown[], spec: LayoutSpec): Block[] {
  const sections: { geometry: Geometry; nodes: Xml[] }[] = [];
  let current: Xml[] = [];
  for (const node of elements(body)) {
    if (nameOf(node) === 'w:sectPr') {
      sections.push({ geometry: sectionGeometry(node, spec), nodes: current });
      current = [];
      continue;
    }
    current.push(node);
    const sectPr = nameOf(node) === 'w:p' ? find(childrenOf(children(node, 'w:p'), 'w:pPr'), 'w:sectPr') : undefined;
    if (sectPr) {
      sections.push({ geometry: sectionGeometry(sectPr, spec), nodes: current });
      current = [];
    }
  }
  if (current.length) sections.push({ geometry: sections.at(-1)?.geometry ?? A4, nodes: current });
  const out: Block[] = [];
  for (const { geometry, nodes } of sections) {
    out.push({ type: 'section', geometry });
    for (const node of nodes) {
      const block = nameOf(node) === 'w:tbl' ? table(node, spec, geometry.width) : paragraph(node, spec, geometry.width);
      if (block) out.push(block);
    }
  }
  return out;
}

/** A piece of a paragraph's text in one font, or a tab, or a line break. */
type Piece = { readonly kind: 'text'; readonly text: string; readonly font: RunFont } | { readonly kind: 'tab' } | { readonly kind: 'break' };

interface Tab {
  readonly position: number;
  readonly right: boolean;
}

/** A paragraph, or undefined for the empty paragraph that only carries a section's properties. */
function paragraph(node: Xml, spec: LayoutSpec, width: number): ParagraphBlock | undefined {
  const list = children(node, 'w:p');
  const pPr = childrenOf(list, 'w:pPr');
  const styleId = attributesOf(find(pPr, 'w:pStyle'), 'w:pStyle')['w:val'];
  const style: LayoutStyle = (typeof styleId === 'string' && spec.styles.get(styleId)) || {};
  const spacing = find(pPr, 'w:spacing');
  const size = style.size ?? spec.defaults.size;
  const ind = find(pPr, 'w:ind');
  const numPr = childrenOf(pPr, 'w:numPr');
  const level = numPr.length ? (numberAttr(find(numPr, 'w:ilvl'), 'w:ilvl', 'w:val') ?? 0) : undefined;
  const left = numberAttr(ind, 'w:ind', 'w:left') ?? numberAttr(ind, 'w:ind', 'w:start') ?? (level === undefined ? 0 : spec.listIndent(level));
  const right = numberAttr(ind, 'w:ind', 'w:right') ?? numberAttr(ind, 'w:ind', 'w:end') ?? 0;
  const tabs = elements(childrenOf(pPr, 'w:tabs')).map((t): Tab => ({ position: numberAttr(t, 'w:tab', 'w:pos') ?? 0, right: attributesOf(t, 'w:tab')['w:val'] === 'right' }));
  const border = find(childrenOf(pPr, 'w:pBdr'), 'w:bottom');
  // A border's size is in eighths of a point, its distance in points.
  const extra = border ? ((numberAttr(border, 'w:bottom', 'w:sz') ?? 4) / 8) * 20 + (numberAttr(border, 'w:bottom', 'w:space') ?? 0) * 20 : 0;
  const styleFont = fontOf(style.font ?? spec.defaults.font, style.bold ?? false, style.italics ?? false, size);
  const pieces: Piece[] = [];
  const bookmarks: string[] = [];
  let runs = 0;
  const visit = (items: readonly unknown[]) => {
    let shown = true; // inside a complex field only its result is shown
    for (const item of elements(items)) {
      const name = nameOf(item)!;
      if (name === 'w:r') {
        runs++;
        const run = children(item, 'w:r');
        const font = runFont(childrenOf(run, 'w:rPr'), styleFont);
        for (const part of elements(run)) {
          const partName = nameOf(part);
          if (partName === 'w:fldChar') {
            const type = attributesOf(part, 'w:fldChar')['w:fldCharType'];
            shown = type !== 'begin';
            // NOTE: a page reference's result is not written yet; two digits stand in for it.
            if (type === 'separate') pieces.push({ kind: 'text', text: '00', font });
          } else if (!shown) continue;
          else if (partName === 'w:t') pushText(pieces, children(part, 'w:t').filter((c): c is string => typeof c === 'string').join(''), font);
          else if (partName === 'w:tab') pieces.push({ kind: 'tab' });
          else if (partName === 'w:br') pieces.push({ kind: 'break' });
        }
      } else if (name === 'w:hyperlink' || name === 'w:fldSimple' || name === 'w:smartTag' || name === 'w:ins') {
        visit(children(item, name));
      } else if (name === 'w:bookmarkStart') {
        const bookmark = attributesOf(item, 'w:bookmarkStart')['w:name'];
        if (typeof bookmark === 'string') bookmarks.push(bookmark);
      }
    }
  };
  visit(list);
  if (runs === 0 && bookmarks.length === 0 && find(pPr, 'w:sectPr')) return undefined;
  return {
    type: 'paragraph',
    before: numberAttr(spacing, 'w:spacing', 'w:before') ?? style.before ?? spec.defaults.before,
    after: numberAttr(spacing, 'w:spacing', 'w:after') ?? style.after ?? spec.defaults.after,
    lineHeight: lineHeight(numberAttr(spacing, 'w:spacing', 'w:line') ?? style.line ?? spec.defaults.line, attributesOf(spacing, 'w:spacing')['w:lineRule'], size),
    lines: countLines(pieces, Math.max(1, width - left - right), tabs),
    extra,
    keepNext: onOff(pPr, 'w:keepNext') ?? style.keepNext ?? false,
    keepLines: onOff(pPr, 'w:keepLines') ?? style.keepLines ?? false,
    pageBreakBefore: onOff(pPr, 'w:pageBreakBefore') ?? false,
    bookmarks,
  };
}

/** Text, with its tabs as tabs. */
function pushText(pieces: Piece[], text: string, font: RunFont): void {
  text.split('\t').forEach((part, i) => {
    if (i > 0) pieces.push({ kind: 'tab' });
    if (part) pieces.push({ kind: 'text', text: part, font });
  });
}

const faceOf = (bold: boolean, italics: boolean): Face => (bold ? (italics ? 'boldItalic' : 'bold') : italics ? 'italic' : 'regular');

function fontOf(name: string, bold: boolean, italics: boolean, size: number): RunFont {
  return { mono: MONO.has(name.toLowerCase()), face: faceOf(bold, italics), size };
}

function runFont(rPr: readonly unknown[], base: RunFont): RunFont {
  const bold = onOff(rPr, 'w:b') ?? (base.face === 'bold' || base.face === 'boldItalic');
  const italics = onOff(rPr, 'w:i') ?? (base.face === 'italic' || base.face === 'boldItalic');
  const font = attributesOf(find(rPr, 'w:rFonts'), 'w:rFonts')['w:ascii'];
  const size = numberAttr(find(rPr, 'w:sz'), 'w:sz', 'w:val') ?? base.size;
  // LibreOffice sets super- and subscript at 58 % of the size.
  return { mono: typeof font === 'string' ? MONO.has(font.toLowerCase()) : base.mono, face: faceOf(bold, italics), size: find(rPr, 'w:vertAlign') ? Math.round(size * 0.58) : size };
}

function table(node: Xml, spec: LayoutSpec, width: number): TableBlock {
  const list = children(node, 'w:tbl');
  const tblPr = childrenOf(list, 'w:tblPr');
  const margins = childrenOf(tblPr, 'w:tblCellMar');
  const borders = childrenOf(tblPr, 'w:tblBorders');
  const borderOf = (side: string) => {
    const b = find(borders, side);
    const style = attributesOf(b, side)['w:val'];
    return b && style !== 'none' && style !== 'nil' ? ((numberAttr(b, side, 'w:sz') ?? 4) / 8) * 20 : 0;
  };
  const marginOf = (list: readonly unknown[], side: string) => numberAttr(find(list, side), side, 'w:w');
  // NOTE: a row is as tall as its tallest cell, its cell margins and the border above it; the last
  // row has the table's bottom border too (in LibreOffice's PDFs: 12 + 6 + 0.5 points for a line).
  const vertical = (marginOf(margins, 'w:top') ?? 0) + (marginOf(margins, 'w:bottom') ?? 0);
  const bookmarks: string[] = [];
  const rowNodes = elements(list).filter((e) => nameOf(e) === 'w:tr');
  const rows = rowNodes.map((tr, r): Row => {
    const trList = children(tr, 'w:tr');
    const trPr = childrenOf(trList, 'w:trPr');
    let tallest = 0;
    for (const tc of elements(trList).filter((e) => nameOf(e) === 'w:tc')) {
      const tcList = children(tc, 'w:tc');
      const tcPr = childrenOf(tcList, 'w:tcPr');
      const own = childrenOf(tcPr, 'w:tcMar');
      const side = (name: string) => marginOf(own, name) ?? marginOf(margins, name) ?? 108;
      const cellWidth = numberAttr(find(tcPr, 'w:tcW'), 'w:tcW', 'w:w') ?? width;
      let height = 0;
      let previousAfter: number | undefined;
      for (const p of elements(tcList)) {
        if (nameOf(p) !== 'w:p') continue;
        const block = paragraph(p, spec, cellWidth - side('w:left') - side('w:right'));
        if (!block) continue;
        bookmarks.push(...block.bookmarks);
        height += (previousAfter === undefined ? block.before : Math.max(previousAfter, block.before)) + block.lines * block.lineHeight + block.extra;
        previousAfter = block.after;
      }
      tallest = Math.max(tallest, height + (previousAfter ?? 0));
    }
    return {
      height: tallest + vertical + (r === 0 ? borderOf('w:top') : borderOf('w:insideH')) + (r === rowNodes.length - 1 ? borderOf('w:bottom') : 0),
      header: onOff(trPr, 'w:tblHeader') ?? false,
      cantSplit: onOff(trPr, 'w:cantSplit') ?? false,
    };
  });
  return { type: 'table', rows, bookmarks };
}

// ---------------------------------------------------------------------------------------------
// Lines

const SPACE = 0x20;
const TAB = 9;
const BREAK = 10;
const HYPHEN = 0x2d;
const EN_DASH = 0x2013;
const EM_DASH = 0x2014;

/**
 * Whether a line may break after `code`, between `previous` and `next`, inside a word, as LibreOffice
 * breaks (tried in its PDFs): after a hyphen, digits or not (`30-|09-|2022`), after an en dash,
 * on either side of an em dash, at a zero-width space; never at a slash (`og/eller`). Spaces are the
 * caller's.
 */
function breaksAfter(code: number, previous: number | undefined, next: number | undefined): boolean {
  if (next === undefined || next === SPACE) return false;
  if (code === ZWSP || code === EN_DASH || code === EM_DASH || next === EM_DASH) return true;
  return code === HYPHEN && previous !== undefined && previous !== SPACE;
}

/** Default tab stops: every half inch. */
const DEFAULT_TAB = 720;
/** Slack for rounding, in twips. */
const EPSILON = 0.01;

/**
 * The number of lines the pieces take in `width` twips, broken as LibreOffice breaks them: at spaces,
 * which may hang past the end of the line, at the breaks breaksAfter allows, and inside a word too
 * long for a line wherever it runs out. NOTE: linear in the text, each character measured once: a
 * 50,000-letter word costs what 50,000 letters of words do.
 */
function countLines(pieces: readonly Piece[], width: number, tabs: readonly Tab[]): number {
  const codes: number[] = [];
  const widths: number[] = [];
  for (const piece of pieces) {
    if (piece.kind !== 'text') {
      codes.push(piece.kind === 'tab' ? TAB : BREAK);
      widths.push(0);
      continue;
    }
    for (const ch of piece.text) {
      const code = ch.codePointAt(0)!;
      codes.push(code);
      widths.push(charWidth(code, piece.font));
    }
  }
  let lines = 1;
  let x = 0; // where the line's text ends, without the spaces after it
  let spaces = 0; // the width of those spaces
  const newLine = () => {
    lines++;
    x = 0;
    spaces = 0;
  };
  const n = codes.length;
  let i = 0;
  while (i < n) {
    const code = codes[i]!;
    if (code === BREAK) {
      newLine();
      i++;
    } else if (code === TAB) {
      const at = x + spaces;
      const stop = tabs.find((t) => t.position > at + EPSILON);
      if (stop?.right) {
        // The text up to the next tab or the end ends at the stop.
        let following = 0;
        for (let j = i + 1; j < n && codes[j] !== TAB && codes[j] !== BREAK; j++) following += widths[j]!;
        x = Math.max(at, stop.position - following);
      } else {
        x = stop ? stop.position : (Math.floor(at / DEFAULT_TAB) + 1) * DEFAULT_TAB;
      }
      spaces = 0;
      if (x > width + EPSILON) newLine();
      i++;
    } else if (code === SPACE) {
      spaces += widths[i]!;
      i++;
    } else {
      // A word: up to the next space, tab, line break or break opportunity.
      let end = i;
      let wordWidth = 0;
      while (end < n) {
        const c = codes[end]!;
        if (c === SPACE || c === TAB || c === BREAK) break;
        wordWidth += widths[end]!;
        end++;
        if (breaksAfter(c, codes[end - 2], codes[end])) break;
      }
      if (x + spaces + wordWidth <= width + EPSILON) {
        x += spaces + wordWidth;
        spaces = 0;
      } else {
        if (x > 0 || spaces > 0) newLine();
        // Too long for a line of its own: broken wherever it runs out.
        for (let j = i; j < end; j++) {
          if (x + widths[j]! > width + EPSILON && x > 0) newLine();
          x += widths[j]!;
        }
      }
      i = end;
    }
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Pages

/** LibreOffice keeps at least two lines of a paragraph at the foot of a page and at the head of the next. */
const ORPHANS = 2;
const WIDOWS = 2;

function paginate(blocks: readonly Block[]): EstimatedPageNumbers {
  const bookmarks = new Map<string, string>();
  let page = 0;
  let geometry = A4;
  let y = 0;
  /** Whether the page has nothing on it yet. */
  let empty = true;
  /** Whether the page began with a page or section break, which keeps the space above its first paragraph. */
  let hardStart = true;
  let previousAfter = 0;
  /** The first block on the page (it may have begun on the page before). */
  let firstOnPage = 0;
  const newPage = (hard: boolean, first: number) => {
    page++;
    y = 0;
    empty = true;
    hardStart = hard;
    previousAfter = 0;
    firstOnPage = first;
  };
  /**
   * Where to go on from when the block at `index` must start on the next page: the paragraphs before
   * it on this page that keep with the next go along, unless they fill the page from its top.
   */
  const chainStart = (index: number): number => {
    let start = index;
    while (start > firstOnPage) {
      const before = blocks[start - 1]!;
      if (before.type !== 'paragraph' || !before.keepNext) break;
      start--;
    }
    return start > firstOnPage ? start : index;
  };
  let i = 0;
  while (i < blocks.length) {
    const block = blocks[i]!;
    if (block.type === 'section') {
      geometry = block.geometry;
      newPage(true, i + 1);
      i++;
      continue;
    }
    if (block.type === 'paragraph') {
      if (block.pageBreakBefore && !empty) newPage(true, i);
      const gap = empty ? (hardStart ? block.before : 0) : Math.max(previousAfter, block.before);
      const fit = Math.floor((geometry.height - y - gap + EPSILON) / block.lineHeight);
      const n = block.lines;
      let placed: number; // its lines on this page
      if (fit >= n) placed = n;
      else if (empty) placed = Math.max(1, block.keepLines ? fit : Math.min(fit, Math.max(n - WIDOWS, ORPHANS)));
      else if (block.keepLines || n < ORPHANS + WIDOWS) placed = 0;
      else placed = Math.min(fit, n - WIDOWS) >= ORPHANS ? Math.min(fit, n - WIDOWS) : 0;
      if (placed === 0) {
        // It starts on the next page, and the paragraphs that keep with it go along.
        i = chainStart(i);
        newPage(false, i);
        continue;
      }
      for (const name of block.bookmarks) bookmarks.set(name, String(page));
      y += gap + placed * block.lineHeight;
      let rest = n - placed;
      while (rest > 0) {
        newPage(false, i);
        const fitting = Math.max(1, Math.floor((geometry.height + EPSILON) / block.lineHeight));
        const here = rest <= fitting ? rest : block.keepLines ? fitting : Math.max(ORPHANS, Math.min(fitting, rest - WIDOWS));
        y = here * block.lineHeight;
        rest -= here;
      }
      y += block.extra;
      empty = false;
      previousAfter = block.after;
      i++;
      continue;
    }
    // A table: a row that cannot split goes to the next page whole, under the repeated header rows.
    let headerCount = 0;
    while (block.rows[headerCount]?.header) headerCount++;
    const headerHeight = block.rows.slice(0, headerCount).reduce((sum, r) => sum + r.height, 0);
    const gap = empty ? 0 : previousAfter;
    const firstRows = block.rows.slice(0, headerCount + 1).reduce((sum, r) => sum + r.height, 0);
    if (!empty && y + gap + firstRows > geometry.height + EPSILON) {
      i = chainStart(i);
      newPage(false, i);
      continue;
    }
    for (const name of block.bookmarks) bookmarks.set(name, String(page));
    y += gap;
    block.rows.forEach((row, k) => {
      if (y + row.height > geometry.height + EPSILON && !empty) {
        newPage(false, i);
        if (k >= headerCount) y += headerHeight;
      }
      if (!row.cantSplit && y + row.height > geometry.height + EPSILON) {
        // A row taller than the room left runs on over the pages.
        let rest = row.height - (geometry.height - y);
        while (rest > geometry.height) {
          newPage(false, i);
          rest -= geometry.height;
        }
        newPage(false, i);
        y = rest;
      } else {
        y += row.height;
      }
      empty = false;
    });
    previousAfter = 0;
    i++;
  }
  return { bookmarks, pageCount: page };
}
