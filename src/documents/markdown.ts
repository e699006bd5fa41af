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
  TableRow,
  TextRun,
  WidthType,
  type IRunOptions,
  type ParagraphChild,
} from 'docx';
import type { AlignType, Definition, List, Nodes, PhrasingContent, Root, RootContent, Table as MdTable } from 'mdast';

export type Block = Paragraph | Table;

/** One list as Word numbers it: a numbering definition and a fresh instance, so numbering restarts. */
export interface ListNumbering {
  readonly reference: string;
  readonly instance: number;
}

export interface BlockContext {
  /** A new list; every call gives a new instance, so each list counts from its own start. */
  newList(ordered: boolean, start: number): ListNumbering;
  /** Width of the text column in twips, for table column widths. */
  readonly textWidth: number;
  readonly tableHeaderFill: string;
  readonly monospaceFont: string;
}

interface Format {
  readonly bold?: boolean;
  readonly italics?: boolean;
  readonly strike?: boolean;
  readonly code?: boolean;
  readonly superScript?: boolean;
}

interface Walk {
  readonly ctx: BlockContext;
  readonly definitions: ReadonlyMap<string, Definition>;
}

const LIST_INDENT = 425; // 0.75 cm per level

/** The plain text of a node, for alt texts and the like. */
export function plainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(plainText).join('');
  return '';
}

function runs(text: string, format: Format, ctx: BlockContext, style?: string): TextRun[] {
  // NOTE: a line break inside a text node is a soft break in Markdown, which would join the lines.
  // A secretary who types lines in a cell means lines, so each becomes a real line break.
  return text.split('\n').map((line, i) => {
    const options: IRunOptions = {
      text: line,
      ...(i > 0 ? { break: 1 } : {}),
      ...(format.bold ? { bold: true } : {}),
      ...(format.italics ? { italics: true } : {}),
      ...(format.strike ? { strike: true } : {}),
      ...(format.superScript ? { superScript: true } : {}),
      ...(format.code ? { font: ctx.monospaceFont } : {}),
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

const isListParagraph = (part: ListPart): part is ListParagraph => !(part instanceof Paragraph) && !(part instanceof Table);

function listBlocks(list: List, depth: number, walk: Walk): Block[] {
  const parts = listParts(list, depth, walk);
  let last = -1;
  parts.forEach((part, i) => (last = isListParagraph(part) ? i : last));
  // NOTE: items sit close together; the space after the list is that of an ordinary paragraph.
  return parts.map((part, i) =>
    isListParagraph(part)
      ? new Paragraph({ children: part.children, ...(part.numbering ? { numbering: part.numbering } : { indent: { left: LIST_INDENT * (depth + 1) } }), spacing: { after: i === last && depth === 0 ? 140 : 60 } })
      : part,
  );
}

function listParts(list: List, depth: number, walk: Walk): ListPart[] {
  const numbering = walk.ctx.newList(Boolean(list.ordered), list.start ?? 1);
  const level = { reference: numbering.reference, level: Math.min(depth, 8), instance: numbering.instance };
  const out: ListPart[] = [];
  for (const item of list.children) {
    let numbered = false;
    const check = item.checked === true ? '☒ ' : item.checked === false ? '☐ ' : '';
    for (const child of item.children) {
      if (child.type === 'list') {
        out.push(...listParts(child, depth + 1, walk));
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

function tableBlock(table: MdTable, walk: Walk): Table {
  const columns = Math.max(...table.children.map((r) => r.children.length), 1);
  // Columns as wide as their longest text asks for, within bounds, filling the text width.
  const want = Array.from({ length: columns }, (_, c) =>
    Math.min(60, Math.max(6, ...table.children.map((r) => (r.children[c] ? plainText(r.children[c]).length : 0)))),
  );
  const total = want.reduce((a, b) => a + b, 0);
  const widths = want.map((w) => Math.floor((walk.ctx.textWidth * w) / total));
  const alignment = (a: AlignType | undefined) =>
    a === 'right' ? AlignmentType.RIGHT : a === 'center' ? AlignmentType.CENTER : AlignmentType.LEFT;
  const border = { style: BorderStyle.SINGLE, size: 4, color: '8C8C8C' };
  const rows = table.children.map(
    (row, r) =>
      new TableRow({
        tableHeader: r === 0,
        cantSplit: true,
        children: Array.from({ length: columns }, (_, c) => {
          const cell = row.children[c];
          const content = cell ? phrasing(cell.children, r === 0 ? { bold: true } : {}, walk) : [];
          return new TableCell({
            width: { size: widths[c]!, type: WidthType.DXA },
            ...(r === 0 ? { shading: { type: ShadingType.CLEAR, color: 'auto', fill: walk.ctx.tableHeaderFill } } : {}),
            children: [paragraphWith(content, { alignment: alignment(table.align?.[c] ?? undefined), spacing: { before: 0, after: 0 } })],
          });
        }),
      }),
  );
  return new Table({
    rows,
    width: { size: walk.ctx.textWidth, type: WidthType.DXA },
    columnWidths: widths,
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    borders: { top: border, bottom: border, left: border, right: border, insideHorizontal: border, insideVertical: border },
  });
}

function blocksOf(nodes: readonly RootContent[], walk: Walk, indentLevel = 0): Block[] {
  const indent = indentLevel > 0 ? { indent: { left: LIST_INDENT * (indentLevel + 1) } } : {};
  const out: Block[] = [];
  for (const node of nodes) {
    switch (node.type) {
      case 'paragraph':
        out.push(paragraphWith(phrasing(node.children, {}, walk), indent));
        break;
      case 'heading':
        // NOTE: Heading 1 and 2 are the document's own (items, sections); a heading typed in a cell sits below them.
        out.push(paragraphWith(phrasing(node.children, {}, walk), { heading: node.depth <= 3 ? HeadingLevel.HEADING_3 : HeadingLevel.HEADING_4 }));
        break;
      case 'list':
        out.push(...listBlocks(node, indentLevel, walk));
        break;
      case 'table':
        out.push(tableBlock(node, walk));
        out.push(new Paragraph({ spacing: { after: 0 }, children: [] }));
        break;
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

function collectDefinitions(node: Nodes, into: Map<string, Definition>): void {
  if (node.type === 'definition') into.set(node.identifier.toLowerCase(), node);
  if ('children' in node) for (const child of node.children as Nodes[]) collectDefinitions(child, into);
}

/** A cell's Markdown tree as Word blocks. */
export function markdownToBlocks(tree: Root, ctx: BlockContext): Block[] {
  const definitions = new Map<string, Definition>();
  collectDefinitions(tree, definitions);
  return blocksOf(tree.children, { ctx, definitions });
}
