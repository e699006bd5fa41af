// Builds a dagsorden or referat as a Word document (.docx) from a meeting, in one edition. Pure:
// the result depends only on its arguments, and nothing is read or written.

import {
  AlignmentType,
  Bookmark,
  BorderStyle,
  Document,
  ExternalHyperlink,
  Footer,
  Header,
  HeadingLevel,
  ImageRun,
  InternalHyperlink,
  LevelFormat,
  LeaderType,
  Packer,
  PageNumber,
  PageReference,
  Paragraph,
  TabStopType,
  TextRun,
  type ILevelsOptions,
  type INumberingOptions,
  type PageNumberEstimator,
  type ParagraphChild,
} from 'docx';
import type { Item, Meeting, RichText, Settings } from '../model.js';
import { meetingDateInline, meetingDateLine, shortDate } from '../text/danish.js';
import { editionView, isRedacted, type DocumentKind, type Edition, type MeetingView, type ViewItem } from './edition.js';
import { markdownToBlocks, type Block, type BlockContext, type ListNumbering } from './markdown.js';
import { fill, type Template } from './template.js';

export interface BuildOptions {
  /**
   * The page each item starts on, by item number, as a finished layout (the PDF) has them. They are
   * written as the page references' results, so Word shows them without updating fields. Without
   * them the references are left for the reader's program to compute (LibreOffice always does).
   */
  readonly itemPages?: ReadonlyMap<number, number>;
  /** The document's number of pages, written with `itemPages` into the footer's page count. */
  readonly pageCount?: number;
  /**
   * Without `itemPages`: estimate the pages as Word would lay them out (docx's own layout estimate,
   * about half a second), so a .docx made without LibreOffice still shows page numbers in Word.
   */
  readonly estimatePages?: boolean;
  /** A preview for the secretariat: every page says DRAFT_MARK (in the footer, so no page lacks it). */
  readonly draft?: boolean;
}

/** What every page of a preview says. */
export const DRAFT_MARK = 'KLADDE – ikke udsendt';

const TWIPS_PER_MM = 1440 / 25.4;
const A4 = { width: 11906, height: 16838 };
const LABEL_TAB = 1700; // where Mødedato's and Mødested's values start (3 cm)
const MONOSPACE_FONT = 'Courier New'; // NOTE: metric-compatible Liberation Mono stands in on Linux

/** The bookmark of an item's heading. Only the number: a closed item's title must not reach the file. */
export function itemBookmark(number: number): string {
  return `punkt_${number}`;
}

/** `CF - Budgetproces 2023 (9.00-9.15)`, or `Lukket` for a closed item in the public edition. */
export function itemTitle(item: ViewItem, template: Template): string {
  const p = template.phrases;
  if (isRedacted(item)) return p.closed;
  return item.timeSlot
    ? fill(p.itemTitleWithTime, { præfiks: item.prefix, titel: item.title, tidsrum: item.timeSlot.label })
    : fill(p.itemTitle, { præfiks: item.prefix, titel: item.title });
}

/** `Punkt 3: CF - Budgetproces 2023`. */
export function itemHeading(item: ViewItem, template: Template): string {
  return fill(template.phrases.itemHeading, { nr: item.number, titel: itemTitle(item, template) });
}

export interface DocumentNames {
  /** `DAGSORDEN Chefforum d. 24-03-2022`: the first line of the document. */
  readonly titleLine: string;
  /** `Dagsorden Chefforum 24-03-2022`: the file's title property and the page header. */
  readonly title: string;
  /** `Dagsorden for mødet i Chefforum torsdag d. 24. marts 2022 kl. 09:00`. */
  readonly subject: string;
}

/** The document's names. They hold nothing of any item, so they are safe for every edition. */
export function documentNames(meeting: Pick<Meeting, 'forum' | 'date' | 'start'>, kind: DocumentKind, template: Template): DocumentNames {
  const p = template.phrases;
  const dato = shortDate(meeting.date);
  return {
    titleLine: fill(p.titleLine, { dokument: p.kindHeading[kind], forum: meeting.forum, dato }),
    title: fill(p.documentTitle, { dokumentnavn: p.kindName[kind], forum: meeting.forum, dato }),
    subject: fill(p.documentSubject, { dokumentnavn: p.kindName[kind], forum: meeting.forum, dato, mødedato: meetingDateInline(meeting.date, meeting.start) }),
  };
}

/** Numbering definitions for the lists of one document; each list gets an instance of its own. */
class Lists {
  private nextInstance = 1;
  private readonly orderedStarts = new Set<number>([1]);

  newList(ordered: boolean, start: number): ListNumbering {
    if (ordered) this.orderedStarts.add(start);
    return { reference: ordered ? `ordered-${start}` : 'bullet', instance: this.nextInstance++ };
  }

  config(): INumberingOptions['config'] {
    const indent = (level: number) => ({ paragraph: { indent: { left: 425 * (level + 1), hanging: 425 } } });
    const bullets = ['•', '◦', '▪'];
    const ordered = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];
    const levels = (make: (level: number) => Omit<ILevelsOptions, 'level'>): ILevelsOptions[] =>
      Array.from({ length: 9 }, (_, level) => ({ level, alignment: AlignmentType.LEFT, style: indent(level), ...make(level) }));
    return [
      { reference: 'bullet', levels: levels((l) => ({ format: LevelFormat.BULLET, text: bullets[l % 3]! })) },
      ...[...this.orderedStarts].map((start) => ({
        reference: `ordered-${start}`,
        levels: levels((l) => ({ format: ordered[l % 3]!, text: `%${l + 1}.`, start: l === 0 ? start : 1 })),
      })),
    ];
  }
}

interface Build {
  readonly view: MeetingView;
  readonly kind: DocumentKind;
  readonly template: Template;
  readonly lists: Lists;
  readonly blocks: BlockContext;
}

function richText(text: RichText | undefined, b: Build): Block[] {
  return text ? markdownToBlocks(text.tree, b.blocks) : [];
}

function recommendationBlocks(item: Item, b: Build): Block[] {
  const out: Block[] = [];
  if (item.recommender) out.push(new Paragraph({ keepNext: true, children: [new TextRun(fill(b.template.phrases.recommends, { indstiller: item.recommender }))] }));
  if (item.recommendation.length) {
    const list = b.lists.newList(true, 1);
    item.recommendation.forEach((point, i, all) => {
      const last = i === all.length - 1;
      out.push(new Paragraph({ numbering: { reference: list.reference, level: 0, instance: list.instance }, keepNext: !last, spacing: { after: last ? 140 : 60 }, children: [new TextRun(point)] }));
    });
  }
  return out;
}

function attachmentBlocks(item: Item): Block[] {
  // NOTE: the list of attachments is short and kept on one page, with its heading.
  return item.attachments.map(
    (a, i, all) =>
      new Paragraph({
        keepNext: i < all.length - 1,
        spacing: { after: 60 },
        children: [a.url ? new ExternalHyperlink({ link: a.url, children: [new TextRun({ text: a.title, style: 'Hyperlink' })] }) : new TextRun(a.title)],
      }),
  );
}

/** The item's sections that have content, in the papers' order. */
function sections(item: Item, b: Build): { heading: string; blocks: Block[] }[] {
  const s = b.template.phrases.sections;
  const recommendation = { heading: s.recommendation, blocks: recommendationBlocks(item, b) };
  const ordered = [
    { heading: s.occasion, blocks: richText(item.occasion, b) },
    ...(item.recommendationFirst ? [recommendation] : []),
    { heading: s.presentation, blocks: richText(item.presentation, b) },
    { heading: s.supplement, blocks: richText(item.supplement, b) },
    ...(item.recommendationFirst ? [] : [recommendation]),
    { heading: s.history, blocks: richText(item.history, b) },
    ...(b.kind === 'referat' ? [{ heading: s.decision, blocks: richText(item.decision, b) }] : []),
    { heading: s.attachments, blocks: attachmentBlocks(item) },
  ];
  return ordered.filter((section) => section.blocks.length > 0);
}

function itemBlocks(item: ViewItem, b: Build): Block[] {
  const heading = new Paragraph({
    heading: HeadingLevel.HEADING_1,
    pageBreakBefore: true,
    children: [new Bookmark({ id: itemBookmark(item.number), children: [new TextRun(itemHeading(item, b.template))] })],
  });
  const out: Block[] = [heading];
  if (!isRedacted(item) && item.closed) {
    out.push(new Paragraph({ style: 'ClosedMarker', children: [new TextRun(b.template.phrases.closedMarker)] }));
  }
  out.push(new Paragraph({ style: 'CaseNumber', children: [new TextRun(item.caseNumber)] }));
  if (isRedacted(item)) return out;
  for (const section of sections(item, b)) {
    out.push(new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun(section.heading)] }), ...section.blocks);
  }
  return out;
}

function frontMatter(b: Build, names: DocumentNames, textWidth: number): Block[] {
  const p = b.template.phrases;
  const { view } = b;
  const labelled = (label: string, value: string) =>
    new Paragraph({
      tabStops: [{ type: TabStopType.LEFT, position: LABEL_TAB }],
      spacing: { after: 120 },
      children: [new TextRun({ text: label, bold: true }), new TextRun({ children: ['\t', value] })],
    });
  const out: Block[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(names.titleLine)] }),
    labelled(p.meetingDate, meetingDateLine(view.date, view.start)),
    labelled(p.meetingPlace, view.place),
  ];
  if (view.edition === 'medlemmer' && view.items.some((i) => i.closed)) {
    out.push(new Paragraph({ style: 'ClosedMarker', spacing: { before: 360 }, children: [new TextRun(p.closedNotice)] }));
  }
  out.push(new Paragraph({ style: 'TOCHeading', pageBreakBefore: true, children: [new TextRun(p.contents)] }));
  for (const item of view.items) {
    const bookmark = itemBookmark(item.number);
    out.push(
      new Paragraph({
        style: 'TOC1',
        tabStops: [{ type: TabStopType.RIGHT, position: textWidth, leader: LeaderType.DOT }],
        children: [
          new InternalHyperlink({ anchor: bookmark, children: [new TextRun(itemTitle(item, b.template))] }),
          new TextRun({ children: ['\t'] }),
          new PageReference(bookmark, { hyperlink: true }),
        ],
      }),
    );
  }
  return out;
}

function patternRuns(pattern: string, size: number): ParagraphChild[] {
  return pattern
    .split(/(\{side\}|\{sider\})/)
    .filter((part) => part !== '')
    .map((part) =>
      part === '{side}'
        ? new TextRun({ size, children: [PageNumber.CURRENT] })
        : part === '{sider}'
          ? new TextRun({ size, children: [PageNumber.TOTAL_PAGES] })
          : new TextRun({ size, text: part }),
    );
}

function header(organisation: string, names: DocumentNames, template: Template, textWidth: number): Header {
  const logo = template.logo;
  const small = 17; // 8.5 pt
  const logoRuns: ParagraphChild[] = logo
    ? [
        new ImageRun({
          type: logo.type,
          data: logo.data,
          transformation: {
            height: Math.round((logo.heightMm / 25.4) * 96),
            width: Math.round((logo.heightMm / 25.4) * 96 * (logo.widthPx / logo.heightPx)),
          },
          altText: { name: 'Logo', description: logo.alt, title: logo.alt },
        }),
        new TextRun({ children: ['  '] }),
      ]
    : [];
  return new Header({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: textWidth }],
        border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: 'A6A6A6', space: 4 } },
        children: [
          ...logoRuns,
          new TextRun({ text: organisation, bold: true, size: small, color: template.organisation.accentColour }),
          new TextRun({ size: small, color: '595959', children: ['\t', names.title] }),
        ],
      }),
    ],
  });
}

function footer(template: Template, draft = false): Footer {
  return new Footer({
    children: [
      ...(draft ? [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: DRAFT_MARK, bold: true, size: 24, color: 'C00000' })] })] : []),
      new Paragraph({ alignment: AlignmentType.RIGHT, children: patternRuns(template.organisation.footerText, 17) }),
    ],
  });
}

function knownPages(itemPages: ReadonlyMap<number, number>, pageCount: number | undefined): PageNumberEstimator {
  // NOTE: docx asks an estimator for the page each bookmark is on and writes it as the field's result.
  // Here the pages come from a finished layout instead of an estimate.
  return () => ({
    bookmarks: new Map([...itemPages].map(([number, page]) => [itemBookmark(number), String(page)])),
    ...(pageCount === undefined ? {} : { pageCount }),
  });
}

/** Builds the .docx of a meeting's dagsorden or referat, in the given edition. */
export async function buildDocx(meeting: Meeting, settings: Settings, kind: DocumentKind, edition: Edition, template: Template, options: BuildOptions = {}): Promise<Buffer> {
  const view = editionView(meeting, edition);
  const org = template.organisation;
  // NOTE: the workbook's Organisation setting is the secretary's; the template's name is the fallback.
  const organisation = settings.organisation.trim() || org.organisation;
  const margins = {
    top: Math.round(org.pageMarginsMm.top * TWIPS_PER_MM),
    right: Math.round(org.pageMarginsMm.right * TWIPS_PER_MM),
    bottom: Math.round(org.pageMarginsMm.bottom * TWIPS_PER_MM),
    left: Math.round(org.pageMarginsMm.left * TWIPS_PER_MM),
  };
  const textWidth = A4.width - margins.left - margins.right;
  const lists = new Lists();
  const build: Build = {
    view,
    kind,
    template,
    lists,
    blocks: { newList: (o, s) => lists.newList(o, s), textWidth, tableHeaderFill: org.tableHeaderFill, monospaceFont: MONOSPACE_FONT },
  };
  const names = documentNames(view, kind, template);
  const children = [...frontMatter(build, names, textWidth), ...view.items.flatMap((item) => itemBlocks(item, build))];
  const size = Math.round(org.fontSizePt * 2);
  const pageNumbers = options.itemPages
    ? knownPages(options.itemPages, options.pageCount)
    : options.estimatePages
      ? // NOTE: loaded only here: the layout engine is large and most builds have the PDF's pages.
        (await import('docx/layout')).estimatePageNumbersWith({ guess: true })
      : undefined;
  const headingColour = org.headingColour;
  const doc = new Document({
    title: names.title,
    subject: names.subject,
    creator: organisation,
    lastModifiedBy: organisation,
    keywords: `${view.forum}; ${template.phrases.kindName[kind]}`,
    description: template.phrases.editionName[edition],
    ...(pageNumbers ? { pageNumbers } : {}),
    styles: {
      default: {
        document: {
          run: { font: org.font, size, language: { value: 'da-DK', eastAsia: 'da-DK', bidirectional: 'da-DK' } },
          paragraph: { spacing: { after: 140, line: 240 } },
        },
        title: { run: { font: org.font, size: 44, bold: true, color: headingColour }, paragraph: { spacing: { before: 1200, after: 480 } } },
        heading1: { run: { font: org.font, size: 30, bold: true, color: headingColour }, paragraph: { outlineLevel: 0, spacing: { before: 0, after: 120, line: 276 }, keepNext: true, keepLines: true } },
        heading2: { run: { font: org.font, size: 25, bold: true, color: headingColour }, paragraph: { outlineLevel: 1, spacing: { before: 280, after: 100 }, keepNext: true, keepLines: true } },
        heading3: { run: { font: org.font, size, bold: true, color: '000000' }, paragraph: { outlineLevel: 2, spacing: { before: 200, after: 80 }, keepNext: true, keepLines: true } },
        heading4: { run: { font: org.font, size, bold: true, italics: true, color: '000000' }, paragraph: { outlineLevel: 3, spacing: { before: 160, after: 60 }, keepNext: true } },
        hyperlink: { run: { color: '0B57A4', underline: {} } },
      },
      paragraphStyles: [
        { id: 'TOCHeading', name: 'TOC Heading', basedOn: 'Normal', next: 'Normal', run: { size: 30, bold: true, color: headingColour }, paragraph: { spacing: { after: 240 } } },
        { id: 'TOC1', name: 'toc 1', basedOn: 'Normal', next: 'Normal', paragraph: { spacing: { after: 100 } } },
        { id: 'CaseNumber', name: 'Sagsnummer', basedOn: 'Normal', next: 'Normal', run: { color: '404040' }, paragraph: { spacing: { after: 200 } } },
        { id: 'ClosedMarker', name: 'Lukket punkt', basedOn: 'Normal', next: 'Normal', run: { bold: true, color: org.closedColour }, paragraph: { spacing: { after: 120 } } },
      ],
    },
    numbering: { config: lists.config() },
    sections: [
      {
        properties: {
          page: {
            size: { width: A4.width, height: A4.height },
            margin: { ...margins, header: Math.round(11 * TWIPS_PER_MM), footer: Math.round(9 * TWIPS_PER_MM) },
          },
        },
        headers: { default: header(organisation, names, template, textWidth) },
        footers: { default: footer(template, options.draft) },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

/** The dagsorden (no decisions). */
export function buildAgenda(meeting: Meeting, settings: Settings, edition: Edition, template: Template, options?: BuildOptions): Promise<Buffer> {
  return buildDocx(meeting, settings, 'dagsorden', edition, template, options);
}

/** The referat (with each item's Beslutning). */
export function buildMinutes(meeting: Meeting, settings: Settings, edition: Edition, template: Template, options?: BuildOptions): Promise<Buffer> {
  return buildDocx(meeting, settings, 'referat', edition, template, options);
}

/** The text of an item heading before its number (`Punkt `), to find the items in a finished PDF. */
export function itemHeadingPrefix(template: Template): string {
  return template.phrases.itemHeading.slice(0, template.phrases.itemHeading.indexOf('{nr}'));
}
