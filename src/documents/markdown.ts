// A rich-text cell's Markdown tree (mdast) as Word paragraphs and tables. Pure: no I/O.

import {
  AlignmentType,
  BorderStyle,
  ExternalHyperlink,
  HeadingLevel,
  Paragraph,
  ShadingType,
  Table,
  TableCell,
  TableLayoutType,
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
  type ParagraphChild,
} from 'docx';
import { textWidthTwips, unbreakableTokens } from './measure.js';
import type { AlignType, Definition, List, Nodes, PhrasingContent, Root, RootContent, Table as MdTable } from 'mdast';

export type Block = Paragraph | Table | LandscapeTable;

/** One list as Word numbers it: a numbering definition and a fresh instance, so numbering restarts. */
export interface ListNumbering {
  readonly reference: string;
  readonly instance: number;
}

/** How one level of a list is numbered: bullets, or numbers from `start`. */
export interface ListLevel {
  readonly ordered: boolean;
  readonly start: number;
}

export interface BlockContext {
  /**
   * A new list with its nested lists, `levels[d]` saying how depth d is numbered. Every call gives a
   * new instance, so each list counts from its own start. NOTE: a nested list shares its outer list's
   * instance (one level deeper), so Word and LibreOffice see one list, nested in its item, rather than
   * sibling lists that cut the outer list in two (WCAG 1.3.1).
   */
  newList(levels: readonly ListLevel[]): ListNumbering;
  /** Width of the text column in twips, for table column widths. */
  readonly textWidth: number;
  /** Width of the text column on a landscape page, for a table too wide for portrait. */
  readonly landscapeTextWidth: number;
  /** The body text size in half-points. */
  readonly fontSize: number;
  readonly tableHeaderFill: string;
  readonly monospaceFont: string;
  /** What text becomes on the page; the page estimate's copy gives very long words break opportunities. */
  readonly text?: (text: string) => string;
}

/** A table too wide for a portrait page: the document puts it on landscape pages of its own. */
export class LandscapeTable {
  constructor(readonly table: Table) {}
}

interface Format {
  readonly bold?: boolean;
  readonly italics?: boolean;
  readonly strike?: boolean;
  readonly code?: boolean;
  readonly superScript?: boolean;
  /** Half-points, for a table set in smaller type. */
  readonly size?: number;
}

interface Walk {
  readonly ctx: BlockContext;
  readonly definitions: ReadonlyMap<string, Definition>;
  /** Markdown heading depths used in the cell, shallowest first: their rank decides the Word level. */
  readonly headingDepths: readonly number[];
  /** The last heading level written: a cell's headings continue from its section's Heading 2. */
  lastHeading: number;
}

const LIST_INDENT = 425; // 0.75 cm per level
const SECTION_HEADING_LEVEL = 2;
const HEADING_LEVELS = [HeadingLevel.HEADING_1, HeadingLevel.HEADING_2, HeadingLevel.HEADING_3, HeadingLevel.HEADING_4, HeadingLevel.HEADING_5, HeadingLevel.HEADING_6];

/** The plain text of a node, for alt texts and the like. */
function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

function runs(text: string, format: Format, ctx: BlockContext, style?: string): TextRun[] {
  // NOTE: a line break inside a text node is a soft break in Markdown, which would join the lines.
  // A secretary who types lines in a cell means lines, so each becomes a real line break.
  return text.split('\n').map((line, i) => {
    const options: IRunOptions = {
      text: ctx.text ? ctx.text(line) : line,
      ...(i > 0 ? { break: 1 } : {}),
      ...(format.bold ? { bold: true } : {}),
      ...(format.italics ? { italics: true } : {}),
      ...(format.strike ? { strike: true } : {}),
      ...(format.superScript ? { superScript: true } : {}),
      ...(format.code ? { font: ctx.monospaceFont } : {}),
      ...(format.size ? { size: format.size } : {}),
      ...(style ? { style } : {}),
    };
    return new TextRun(options);
  });
}

function phrasing(nodes: readonly PhrasingContent[], format: Format, walk: Walk, style?: string): ParagraphChild[] {
  const out: ParagraphChild[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'text':
        out.push(...runs(node.value, format, walk.ctx, style));
        break;
      case 'strong':
        out.push(...phrasing(node.children, { ...format, bold: true }, walk, style));
        break;
      case 'emphasis':
        out.push(...phrasing(node.children, { ...format, italics: true }, walk, style));
        break;
      case 'delete':
        out.push(...phrasing(node.children, { ...format, strike: true }, walk, style));
        break;
      case 'inlineCode':
        out.push(...runs(node.value, { ...format, code: true }, walk.ctx, style));
        break;
      case 'break':
        out.push(new TextRun({ break: 1 }));
        break;
      case 'link':
        out.push(hyperlink(node.url, node.children, format, walk));
        break;
      case 'linkReference': {
        const def = walk.definitions.get(node.identifier.toLowerCase());
        if (def) out.push(hyperlink(def.url, node.children, format, walk));
        else out.push(...phrasing(node.children, format, walk, style));
        break;
      }
      case 'image':
      case 'imageReference':
        // NOTE: pictures from the web are not fetched into the document; their description stands in.
        if (node.alt) out.push(...runs(node.alt, { ...format, italics: true }, walk.ctx, style));
        break;
      case 'footnoteReference':
        out.push(...runs(`[${node.label ?? node.identifier}]`, { ...format, superScript: true }, walk.ctx, style));
        break;
      case 'html':
        // NOTE: <br> is how people break a line inside a table cell; other tags are dropped, their text kept.
        if (/^<br\s*\/?>$/i.test(node.value.trim())) out.push(new TextRun({ break: 1 }));
        else out.push(...runs(node.value.replace(/<[^>]*>/g, ''), format, walk.ctx, style));
        break;
      default:
        out.push(...runs(plainText(node as Nodes), format, walk.ctx, style));
    }
  }
  return out;
}

function hyperlink(url: string, children: readonly PhrasingContent[], format: Format, walk: Walk): ExternalHyperlink {
  const inner = children.length ? phrasing(children, format, walk, 'Hyperlink') : runs(url, format, walk.ctx, 'Hyperlink');
  return new ExternalHyperlink({ link: url, children: inner });
}

function paragraphWith(children: ParagraphChild[], extra: Omit<ConstructorParameters<typeof Paragraph>[0] & object, 'children'> = {}): Paragraph {
  return new Paragraph({ ...extra, children });
}

/** A numbered paragraph of a list, made once the list knows which paragraph is its last. */
interface ListParagraph {
  readonly children: ParagraphChild[];
  readonly numbering?: { reference: string; level: number; instance: number };
}

type ListPart = Block | ListParagraph;

const isListParagraph = (part: ListPart): part is ListParagraph => !(part instanceof Paragraph) && !(part instanceof Table) && !(part instanceof LandscapeTable);

const MAX_LIST_LEVEL = 8;

/** How each depth of a list and the lists nested in it is numbered: the first list met at a depth decides. */
function listLevels(list: List, depth: number): ListLevel[] {
  const levels: ListLevel[] = [];
  const visit = (l: List, d: number) => {
    if (d > MAX_LIST_LEVEL) return;
    levels[d] ??= { ordered: Boolean(l.ordered), start: l.start ?? 1 };
    for (const item of l.children) for (const child of item.children) if (child.type === 'list') visit(child, d + 1);
  };
  visit(list, depth);
  // Levels above the list (a list inside a quote) and below its deepest nesting follow its own kind.
  const top = levels[depth]!;
  return Array.from({ length: MAX_LIST_LEVEL + 1 }, (_, d) => levels[d] ?? { ordered: top.ordered, start: 1 });
}

function listBlocks(list: List, depth: number, walk: Walk): Block[] {
  const numbering = walk.ctx.newList(listLevels(list, depth));
  const parts = listParts(list, depth, numbering, walk);
  let last = -1;
  parts.forEach((part, i) => (last = isListParagraph(part) ? i : last));
  // NOTE: items sit close together; the space after the list is that of an ordinary paragraph.
  return parts.map((part, i) =>
    isListParagraph(part)
      ? new Paragraph({ children: part.children, ...(part.numbering ? { numbering: part.numbering } : { indent: { left: LIST_INDENT * (depth + 1) } }), spacing: { after: i === last ? 140 : 60 } })
      : part,
  );
}

function listParts(list: List, depth: number, numbering: ListNumbering, walk: Walk): ListPart[] {
  const level = { reference: numbering.reference, level: Math.min(depth, MAX_LIST_LEVEL), instance: numbering.instance };
  const out: ListPart[] = [];
  for (const item of list.children) {
    let numbered = false;
    const check = item.checked === true ? '☒ ' : item.checked === false ? '☐ ' : '';
    for (const child of item.children) {
      if (child.type === 'list') {
        if (!numbered) out.push({ children: [], numbering: level });
        numbered = true;
        out.push(...listParts(child, depth + 1, numbering, walk));
      } else if (child.type === 'paragraph') {
        const content = phrasing(child.children, {}, walk);
        // A second paragraph of an item is indented under its text, without a number.
        out.push(numbered ? { children: content } : { children: check ? [new TextRun(check), ...content] : content, numbering: level });
        numbered = true;
      } else {
        if (!numbered) out.push({ children: [], numbering: level });
        numbered = true;
        out.push(...blocksOf([child], walk, depth + 1));
      }
    }
    if (!numbered) out.push({ children: [], numbering: level });
  }
  return out;
}

/** Body text sizes a table may be set in, in half-points, before it is turned to landscape. */
const TABLE_SIZES = [0, 18, 16, 14]; // 0: the body size; then 9, 8 and 7 pt
const CELL_MARGIN = 100; // twips, left and right of each cell's text
const ROW_KEPT_WHOLE = 30; // lines of text in a cell: well under a page

interface TableFit {
  readonly widths: number[];
  /** Half-points; undefined: the body size. */
  readonly size: number | undefined;
  readonly landscape: boolean;
}

/**
 * Column widths that give every column at least its longest word or number, so nothing is broken
 * inside a number or a word; when those cannot fit, a smaller type size, then a landscape page. The
 * room left is shared out by how much more each column's longest text asks for.
 */
function fitTable(cells: readonly (readonly string[])[], columns: number, ctx: BlockContext): TableFit {
  const attempt = (size: number, available: number): number[] | undefined => {
    const min = Array.from({ length: columns }, () => 0);
    const want = Array.from({ length: columns }, () => 0);
    cells.forEach((row, r) =>
      row.forEach((text, c) => {
        const bold = r === 0;
        const longest = Math.max(0, ...unbreakableTokens(text).map((t) => textWidthTwips(t, size, bold)));
        min[c] = Math.max(min[c]!, longest + 2 * CELL_MARGIN);
        want[c] = Math.max(want[c]!, Math.min(textWidthTwips(text, size, bold), available / 2) + 2 * CELL_MARGIN);
      }),
    );
    const least = min.reduce((a, b) => a + b, 0);
    if (least > available) return undefined;
    const extraWanted = want.reduce((a, w, c) => a + Math.max(0, w - min[c]!), 0);
    const spare = available - least;
    return min.map((m, c) => {
      const extra = extraWanted > 0 ? (Math.max(0, want[c]! - m) / extraWanted) * Math.min(spare, extraWanted) : 0;
      const rest = extraWanted >= spare ? 0 : (spare - extraWanted) / columns;
      return Math.floor(m + extra + rest);
    });
  };
  for (const landscape of [false, true]) {
    const available = landscape ? ctx.landscapeTextWidth : ctx.textWidth;
    for (const size of TABLE_SIZES) {
      const widths = attempt(size || ctx.fontSize, available);
      if (widths) return { widths, size: size || undefined, landscape };
    }
  }
  // NOTE: wider than a landscape page even in 7 pt: the columns share the page by their longest word.
  const size = TABLE_SIZES.at(-1)!;
  const min = Array.from({ length: columns }, (_, c) => Math.max(1, ...cells.map((row) => Math.max(0, ...unbreakableTokens(row[c] ?? '').map((t) => textWidthTwips(t, size, true))))));
  const total = min.reduce((a, b) => a + b, 0);
  return { widths: min.map((m) => Math.floor((ctx.landscapeTextWidth * m) / total)), size, landscape: true };
}

function tableBlock(table: MdTable, walk: Walk): Table | LandscapeTable {
  const columns = Math.max(...table.children.map((r) => r.children.length), 1);
  const cells = table.children.map((row) => Array.from({ length: columns }, (_, c) => (row.children[c] ? plainText(row.children[c]) : '')));
  const fit = fitTable(cells, columns, walk.ctx);
  const alignment = (a: AlignType | undefined) =>
    a === 'right' ? AlignmentType.RIGHT : a === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT;
  const border = { style: BorderStyle.SINGLE, size: 4, color: '8C8C8C' };
  const sized: Format = fit.size ? { size: fit.size } : {};
  const rows = table.children.map(
    (row, r) =>
      new TableRow({
        tableHeader: r === 0,
        // NOTE: a row is kept on one page, unless it is longer than a page could hold: Word would cut it off.
        cantSplit: Math.max(...cells[r]!.map((text, c) => textWidthTwips(text, fit.size ?? walk.ctx.fontSize) / Math.max(1, fit.widths[c]! - 2 * CELL_MARGIN))) <= ROW_KEPT_WHOLE,
        children: Array.from({ length: columns }, (_, c) => {
          const cell = row.children[c];
          const content = cell ? phrasing(cell.children, r === 0 ? { ...sized, bold: true } : sized, walk) : [];
          return new TableCell({
            width: { size: fit.widths[c]!, type: WidthType.DXA },
            margins: { left: CELL_MARGIN, right: CELL_MARGIN },
            ...(r === 0 ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: walk.ctx.tableHeaderFill } } : {}),
            children: [paragraphWith(content, { alignment: alignment(table.align?.[c] ?? undefined), spacing: { before: 0, after: 0 } })],
          });
        }),
      }),
  );
  const made = new Table({
    rows,
    width: { size: fit.widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: fit.widths,
    // NOTE: fixed, so Word and LibreOffice keep the widths that give each number room, not their own.
    layout: TableLayoutType.FIXED,
    margins: { top: 60, bottom: 60, left: CELL_MARGIN, right: CELL_MARGIN },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
  });
  return fit.landscape ? new LandscapeTable(made) : made;
}

/** A heading typed in a cell, one level below the heading before it at most, so levels never skip. */
function headingLevel(depth: number, walk: Walk): (typeof HEADING_LEVELS)[number] {
  const wanted = SECTION_HEADING_LEVEL + 1 + walk.headingDepths.indexOf(depth);
  const level = Math.max(SECTION_HEADING_LEVEL + 1, Math.min(wanted, walk.lastHeading + 1, HEADING_LEVELS.length));
  walk.lastHeading = level;
  return HEADING_LEVELS[level - 1]!;
}

function blocksOf(nodes: readonly RootContent[], walk: Walk, indentLevel = 0): Block[] {
  const indent = indentLevel > 0 ? { indent: { left: LIST_INDENT * (indentLevel + 1) } } : {};
  const out: Block[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'paragraph': {
        // NOTE: a table has no space after it; the paragraph that follows keeps its distance instead.
        const afterTable = out.at(-1) instanceof Table || out.at(-1) instanceof LandscapeTable;
        out.push(paragraphWith(phrasing(node.children, {}, walk), { ...indent, ...(afterTable ? { spacing: { before: 140 } } : {}) }));
        break;
      }
      case 'heading':
        // NOTE: Heading 1 and 2 are the document's own (items, sections); a heading typed in a cell sits below them.
        out.push(paragraphWith(phrasing(node.children, {}, walk), { heading: headingLevel(node.depth, walk) }));
        break;
      case 'list':
        out.push(...listBlocks(node, indentLevel, walk));
        break;
      case 'table': {
        // NOTE: two tables in a row would become one in Word; only then does an empty paragraph part them.
        const previous = out.at(-1);
        if (previous instanceof Table || previous instanceof LandscapeTable) out.push(new Paragraph({ spacing: { after: 0 }, children: [] }));
        out.push(tableBlock(node, walk));
        break;
      }
      case 'blockquote':
        out.push(...blocksOf(node.children, walk, indentLevel + 1));
        break;
      case 'code':
        out.push(paragraphWith(runs(node.value, { code: true }, walk.ctx), indent));
        break;
      case 'thematicBreak':
        out.push(new Paragraph({ border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '8C8C8C', space: 1 } }, children: [] }));
        break;
      case 'html':
        out.push(paragraphWith(runs(node.value.replace(/<[^>]*>/g, ''), {}, walk.ctx), indent));
        break;
      case 'definition':
        break; // used by the links that refer to it
      case 'footnoteDefinition':
        out.push(
          paragraphWith([...runs(`[${node.label ?? node.identifier}] `, { superScript: true }, walk.ctx), ...node.children.flatMap((c) => (c.type === 'paragraph' ? phrasing(c.children, {}, walk) : []))], indent),
        );
        break;
      default: {
        const text = plainText(node as Nodes);
        if (text.trim()) out.push(paragraphWith(runs(text, {}, walk.ctx), indent));
      }
    }
  }
  return out;
}

function collect(node: Nodes, definitions: Map<string, Definition>, depths: Set<number>): void {
  if (node.type === 'definition') definitions.set(node.identifier.toLowerCase(), node);
  if (node.type === 'heading') depths.add(node.depth);
  if ('children' in node) for (const child of node.children as Nodes[]) collect(child, definitions, depths);
}

/** A cell's Markdown tree as Word blocks. */
export function markdownToBlocks(tree: Root, ctx: BlockContext): Block[] {
  const definitions = new Map<string, Definition>();
  const depths = new Set<number>();
  collect(tree, definitions, depths);
  return blocksOf(tree.children, { ctx, definitions, headingDepths: [...depths].sort((a, b) => a - b), lastHeading: SECTION_HEADING_LEVEL });
}
