// Builds a dagsorden or referat as a Word document (.docx) from a meeting, in one edition. Pure:
// the result depends only on its arguments, and nothing is read or written.

import {
  AlignmentType,
  Bookmark,
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
  PageOrientation,
  PageReference,
  Paragraph,
  SectionType,
  SimpleField,
  Table,
  TabStopType,
  TextRun,
  type ILevelsOptions,
  type INumberingOptions,
  type IParagraphStylePropertiesOptions,
  type IRunStylePropertiesOptions,
  type IStylesOptions,
  type EstimatedPageNumbers,
  type PageNumberEstimator,
  type ParagraphChild,
} from 'docx';
import type { Item, Meeting, RichText, Settings } from '../model.js';
import { meetingDateInline, meetingDateLine, shortDate } from '../text/danish.js';
import { bilagLink } from './bilag.js';
import { editionView, isRedacted, type DocumentKind, type Edition, type MeetingView, type ViewItem } from './edition.js';
import { LandscapeTable, markdownToBlocks, type Block, type BlockContext, type ListLevel, type ListNumbering } from './markdown.js';
import { knowsFont, libreOfficePages, type LayoutSpec, type LayoutStyle } from './page-estimate.js';
import { fill, type Template } from './template.js';

interface BuildOptions {
  /**
   * The page each item starts on, by item number, as a finished layout (the PDF) has them. They are
   * written as the page references' results, so Word shows them without updating fields. Without
   * them the references are left for the reader's program to compute (LibreOffice always does).
   */
  readonly itemPages?: ReadonlyMap<number, number>;
  /** The document's number of pages, written with `itemPages` into the footer's page count. */
  readonly pageCount?: number;
  /**
   * Without `itemPages`: estimate the pages as LibreOffice would lay them out (page-estimate.ts, a few
   * milliseconds), so a .docx made without LibreOffice still shows page numbers in Word.
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
function itemBookmark(number: number): string {
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

interface DocumentNames {
  /** `DAGSORDEN Chefforum d. 24-03-2022`: the first line of the document. */
  readonly titleLine: string;
  /**
   * `Dagsorden Chefforum 24-03-2022`: the file's title property and the page header; the members'
   * edition adds its marking (`… (Medlemsudgave – fortrolig)`), so a window or a tab says it too.
   */
  readonly title: string;
  /** `Dagsorden for mødet i Chefforum torsdag d. 24. marts 2022 kl. 09:00`. */
  readonly subject: string;
}

/** The document's names. They hold nothing of any item, so they are safe for every edition. */
export function documentNames(meeting: Pick<Meeting, 'forum' | 'date' | 'start'>, kind: DocumentKind, template: Template, edition?: Edition): DocumentNames {
  const p = template.phrases;
  const dato = shortDate(meeting.date);
  const title = fill(p.documentTitle, { dokumentnavn: p.kindName[kind], forum: meeting.forum, dato });
  return {
    titleLine: fill(p.titleLine, { dokument: p.kindHeading[kind], forum: meeting.forum, dato }),
    title: edition === 'medlemmer' ? `${title} (${p.membersMarking})` : title,
    subject: fill(p.documentSubject, { dokumentnavn: p.kindName[kind], forum: meeting.forum, dato, mødedato: meetingDateInline(meeting.date, meeting.start) }),
  };
}

const LIST_HANGING = 425; // 0.75 cm: the number or bullet stands in it
/** Where a list level's text starts. */
const listIndent = (level: number): number => LIST_HANGING * (level + 1);

/** Numbering definitions for the lists of one document; each list gets an instance of its own. */
class Lists {
  private nextInstance = 1;
  /** One numbering definition per way of numbering the levels, by its reference. */
  private readonly shapes = new Map<string, readonly ListLevel[]>();

  newList(levels: readonly ListLevel[]): ListNumbering {
    const reference = `list-${levels.map((l) => (l.ordered ? `o${l.start}` : 'b')).join('-')}`;
    this.shapes.set(reference, levels);
    return { reference, instance: this.nextInstance++ };
  }

  config(): INumberingOptions['config'] {
    const indent = (level: number) => ({ paragraph: { indent: { left: listIndent(level), hanging: LIST_HANGING } } });
    const bullets = ['•', '◦', '▪'];
    const ordered = [LevelFormat.DECIMAL, LevelFormat.LOWER_LETTER, LevelFormat.LOWER_ROMAN];
    // NOTE: a numbered level counts within its own depth (a, b, c under 1; i, ii under a), so the
    // number in front of a nested item never repeats its parent's.
    return [...this.shapes].map(([reference, levels]) => ({
      reference,
      levels: levels.map(
        (l, level): ILevelsOptions => ({
          level,
          alignment: AlignmentType.LEFT,
          style: indent(level),
          ...(l.ordered ? { format: ordered[level % 3]!, text: `%${level + 1}.`, start: l.start } : { format: LevelFormat.BULLET, text: bullets[level % 3]! }),
        }),
      ),
    }));
  }
}

interface Build {
  readonly view: MeetingView;
  readonly kind: DocumentKind;
  readonly template: Template;
  readonly lists: Lists;
  readonly blocks: BlockContext;
  /** What a cell's text becomes on the page: itself, or for the page estimate, see breakLongWords. */
  readonly text: (text: string) => string;
}

function richText(text: RichText | undefined, b: Build): Block[] {
  return text ? markdownToBlocks(text.tree, b.blocks) : [];
}

/** Whether an Indstilling point begins with "at", as the papers' points do (`at punktet drøftes`). */
const beginsWithAt = (point: string): boolean => /^at\b/i.test(point.trim());

function recommendationBlocks(item: Item, b: Build): Block[] {
  const out: Block[] = [];
  const p = b.template.phrases;
  // NOTE: "X indstiller," reads on into points that begin with "at"; points written without it need
  // "X indstiller, at:" in front, or the sentence does not hold together.
  const phrase = item.recommendation.length > 0 && !item.recommendation.some(beginsWithAt) ? p.recommendsThat : p.recommends;
  if (item.recommender) out.push(new Paragraph({ keepNext: true, children: [new TextRun(fill(phrase, { indstiller: item.recommender }))] }));
  if (item.recommendation.length) {
    const list = b.lists.newList([{ ordered: true, start: 1 }]);
    item.recommendation.forEach((point, i, all) => {
      const last = i === all.length - 1;
      out.push(new Paragraph({ numbering: { reference: list.reference, level: 0, instance: list.instance }, keepNext: !last, spacing: { after: last ? 140 : 60 } , children: [new TextRun(b.text(point))] }));
    });
  }
  return out;
}

function attachmentBlocks(item: Item, b: Build): Block[] {
  // NOTE: numbered per item as the papers do ("Bilag 2 - Kort"), the number the change list uses; a
  // file links to its copy in this edition's bilag folder beside the document.
  // NOTE: the list of attachments is short and kept on one page, with its heading.
  return item.attachments.map((a, i, all) => {
    const text = b.text(`${b.template.phrases.sections.attachments} ${i + 1} - ${a.title}`);
    // NOTE: a Drive file links to its copy in this edition, never to the secretary's own file; only a
    // preview (made before any copy) links the file itself, for the secretariat who may open it.
    const link = a.file && (a.file.links?.[b.view.edition] || !a.url) ? bilagLink({ item, number: i + 1, file: a.file }, b.view.edition) : a.url;
    return new Paragraph({
      keepNext: i < all.length - 1,
      spacing: { after: 60 },
      children: [link ? new ExternalHyperlink({ link, children: [new TextRun({ text, style: 'Hyperlink' })] }) : new TextRun(text)],
    });
  });
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
    { heading: s.attachments, blocks: attachmentBlocks(item, b) },
  ];
  return ordered.filter((section) => section.blocks.length > 0);
}

function itemBlocks(item: ViewItem, b: Build): Block[] {
  const heading = new Paragraph({
    heading: HeadingLevel.HEADING_1,
    pageBreakBefore: true,
    children: [new Bookmark({ id: itemBookmark(item.number), children: [new TextRun(b.text(itemHeading(item, b.template)))] })],
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
    // NOTE: the whole entry, title, leader and page number, is one link: one target the width of the
    // line, and a link text that says where it goes (not just "3").
    out.push(
      new Paragraph({
        style: 'TOC1',
        tabStops: [{ type: TabStopType.RIGHT, position: textWidth, leader: LeaderType.DOT }],
        children: [new InternalHyperlink({ anchor: bookmark, children: [new TextRun(b.text(itemTitle(item, b.template))), new TextRun({ children: ['\t'] }), new PageReference(bookmark)] })],
      }),
    );
  }
  return out;
}

function patternRuns(pattern: string): ParagraphChild[] {
  // NOTE: PAGE keeps a value ("1"), as Word saves it: a preview that shows fields without computing
  // them writes "Side 1 af 5" rather than "Side  af 5". Word and LibreOffice compute it on every page.
  return pattern
    .split(/(\{side\}|\{sider\})/)
    .filter((part) => part !== '')
    .map((part) => (part === '{side}' ? new SimpleField('PAGE', '1') : part === '{sider}' ? new TextRun({ children: [PageNumber.TOTAL_PAGES] }) : new TextRun({ text: part })));
}

/**
 * The running header of every page: the organisation, the document's title and, on lines of their
 * own, the markings every page must carry (the members' edition: "Medlemsudgave – fortrolig"), so a
 * printed or forwarded page still says what it is. NOTE: no border under it: LibreOffice draws a
 * paragraph border outside the header's artifact, as untagged content.
 */
function header(organisation: string, names: DocumentNames, markings: readonly string[], template: Template, textWidth: number): Header {
  const logo = template.logo;
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
        style: 'RunningHeader',
        tabStops: [{ type: TabStopType.RIGHT, position: textWidth }],
        children: [
          ...logoRuns,
          new TextRun({ text: organisation, bold: true, color: template.organisation.accentColour }),
          new TextRun({ color: '595959', children: ['\t', names.title] }),
        ],
      }),
      ...markings.map((marking) => new Paragraph({ style: 'RunningHeader', alignment: AlignmentType.RIGHT, children: [new TextRun({ text: marking, bold: true, color: template.organisation.closedColour })] })),
    ],
  });
}

function footer(template: Template, draft = false): Footer {
  return new Footer({
    children: [
      ...(draft ? [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text: DRAFT_MARK, bold: true, size: 24, color: 'C00000' })] })] : []),
      new Paragraph({ style: 'RunningFooter', alignment: AlignmentType.RIGHT, children: patternRuns(template.organisation.footerText) }),
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

/** Splits the body into sections: portrait pages, and landscape pages of their own for wide tables. */
function sectionsOf(children: readonly Block[]): { landscape: boolean; children: (Paragraph | Table)[] }[] {
  const out: { landscape: boolean; children: (Paragraph | Table)[] }[] = [];
  for (const block of children) {
    const landscape = block instanceof LandscapeTable;
    const last = out.at(-1);
    const content = block instanceof LandscapeTable ? block.table : block;
    if (last && last.landscape === landscape) last.children.push(content);
    else out.push({ landscape, children: [content] });
  }
  return out;
}

/**
 * A word longer than this is given a break opportunity every few letters, in the copy the page
 * estimate lays out only. NOTE: docx's layout measures a word too long for its line once per letter,
 * against the whole line so far, which took minutes for one 50,000-letter cell; a zero-width space
 * every 8 letters keeps the estimate linear, and shifts a line end by at most 8 letters.
 */
const LONG_WORD = 40;
const breakLongWords = (text: string): string => text.replace(new RegExp(`\\S{${LONG_WORD + 1},}`, 'g'), (word) => word.replace(/(\S{8})(?=\S)/g, '$1\u200b'));

/** The document's styles: the defaults, the headings, and the paragraph styles of its parts. */
function documentStyles(template: Template): IStylesOptions {
  const org = template.organisation;
  const size = Math.round(org.fontSizePt * 2);
  const headingColour = org.headingColour;
  const small = 17; // 8.5 pt
  return {
    default: {
      document: {
        run: { font: org.font, size, language: { value: 'da-DK', eastAsia: 'da-DK', bidirectional: 'da-DK' } },
        paragraph: { spacing: { after: 140, line: 240 } },
      },
      // NOTE: the title line is the document's first heading (H1 in the PDF), so a screen reader's
      // list of headings starts with what the document is.
      title: { run: { font: org.font, size: 44, bold: true, color: headingColour }, paragraph: { outlineLevel: 0, spacing: { before: 1200, after: 480 } } },
      heading1: { run: { font: org.font, size: 30, bold: true, color: headingColour }, paragraph: { outlineLevel: 0, spacing: { before: 0, after: 120, line: 276 }, keepNext: true, keepLines: true } },
      heading2: { run: { font: org.font, size: 25, bold: true, color: headingColour }, paragraph: { outlineLevel: 1, spacing: { before: 280, after: 100 }, keepNext: true, keepLines: true } },
      heading3: { run: { font: org.font, size, bold: true, color: '000000' }, paragraph: { outlineLevel: 2, spacing: { before: 200, after: 80 }, keepNext: true, keepLines: true } },
      heading4: { run: { font: org.font, size, bold: true, italics: true, color: '000000' }, paragraph: { outlineLevel: 3, spacing: { before: 160, after: 60 }, keepNext: true } },
      heading5: { run: { font: org.font, size, italics: true, color: '000000' }, paragraph: { outlineLevel: 4, spacing: { before: 160, after: 60 }, keepNext: true } },
      heading6: { run: { font: org.font, size, italics: true, color: '404040' }, paragraph: { outlineLevel: 5, spacing: { before: 160, after: 60 }, keepNext: true } },
      hyperlink: { run: { color: '0B57A4', underline: {} } },
    },
    paragraphStyles: [
      // NOTE: "Indholdsfortegnelse" is a heading below the title (H2), so it can be found and jumped to.
      { id: 'TOCHeading', name: 'TOC Heading', basedOn: 'Normal', next: 'Normal', run: { size: 30, bold: true, color: headingColour }, paragraph: { outlineLevel: 1, spacing: { after: 240 } } },
      { id: 'TOC1', name: 'toc 1', basedOn: 'Normal', next: 'Normal', paragraph: { spacing: { after: 100 } } },
      { id: 'CaseNumber', name: 'Sagsnummer', basedOn: 'Normal', next: 'Normal', run: { color: '404040' }, paragraph: { spacing: { after: 200 } } },
      { id: 'ClosedMarker', name: 'Lukket punkt', basedOn: 'Normal', next: 'Normal', run: { bold: true, color: org.closedColour }, paragraph: { spacing: { after: 120 } } },
      { id: 'RunningHeader', name: 'Sidehoved', basedOn: 'Normal', next: 'Normal', run: { size: small }, paragraph: { spacing: { after: 0 } } },
      { id: 'RunningFooter', name: 'Sidefod', basedOn: 'Normal', next: 'Normal', run: { size: small }, paragraph: { spacing: { after: 0 } } },
    ],
  };
}

/**
 * What the page estimate needs of a document's styles, header and footer, read from the same
 * definitions the document is written with.
 */
function layoutSpec(template: Template, edition: Edition, draft: boolean): LayoutSpec {
  const styles = documentStyles(template);
  const defaults = styles.default?.document;
  const styleOf = (s: { readonly run?: IRunStylePropertiesOptions; readonly paragraph?: IParagraphStylePropertiesOptions } | undefined): LayoutStyle => ({
    ...(s?.paragraph?.spacing?.before === undefined ? {} : { before: s.paragraph.spacing.before }),
    ...(s?.paragraph?.spacing?.after === undefined ? {} : { after: s.paragraph.spacing.after }),
    ...(s?.paragraph?.spacing?.line === undefined ? {} : { line: s.paragraph.spacing.line }),
    ...(s?.paragraph?.keepNext === undefined ? {} : { keepNext: s.paragraph.keepNext }),
    ...(s?.paragraph?.keepLines === undefined ? {} : { keepLines: s.paragraph.keepLines }),
    ...(typeof s?.run?.size === 'number' ? { size: s.run.size } : {}),
    ...(s?.run?.bold === undefined ? {} : { bold: s.run.bold }),
    ...(s?.run?.italics === undefined ? {} : { italics: s.run.italics }),
    ...(typeof s?.run?.font === 'string' ? { font: s.run.font } : {}),
  });
  const byId = new Map<string, LayoutStyle>();
  const headings = { title: 'Title', heading1: 'Heading1', heading2: 'Heading2', heading3: 'Heading3', heading4: 'Heading4', heading5: 'Heading5', heading6: 'Heading6' } as const;
  for (const [key, id] of Object.entries(headings)) byId.set(id, styleOf(styles.default?.[key as keyof typeof headings]));
  for (const s of styles.paragraphStyles ?? []) byId.set(s.id, styleOf(s));
  const base = styleOf(defaults);
  const org = template.organisation;
  const line = base.line ?? 240;
  const markings = edition === 'medlemmer' ? 1 : 0;
  return {
    defaults: { before: base.before ?? 0, after: base.after ?? 0, line, size: base.size ?? 22, font: org.font },
    styles: byId,
    listIndent,
    // NOTE: the header's and footer's lines are `line` high each (exact, as LibreOffice reads them),
    // the logo's too: LibreOffice does not make its line taller (a 20 mm logo leaves the body where it
    // was). The footer has the draft mark's line above its own.
    headerHeight: (1 + markings) * line,
    footerHeight: (draft ? 2 : 1) * line,
  };
}

/**
 * `estimateText`: what each text becomes in the copy the page estimate lays out (see breakLongWords);
 * without it, the document itself.
 */
function documentOf(meeting: Meeting, settings: Settings, kind: DocumentKind, edition: Edition, template: Template, pageNumbers: PageNumberEstimator | undefined, estimateText: ((text: string) => string) | undefined, draft = false): Document {
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
  const landscapeTextWidth = A4.height - margins.left - margins.right;
  const size = Math.round(org.fontSizePt * 2);
  const lists = new Lists();
  const build: Build = {
    view,
    kind,
    template,
    lists,
    text: estimateText ?? ((t) => t),
    blocks: {
      newList: (levels) => lists.newList(levels),
      textWidth,
      landscapeTextWidth,
      fontSize: size,
      tableHeaderFill: org.tableHeaderFill,
      monospaceFont: MONOSPACE_FONT,
      ...(estimateText ? { text: estimateText } : {}),
    },
  };
  const names = documentNames(view, kind, template, edition);
  const children = [...frontMatter(build, names, textWidth), ...view.items.flatMap((item) => itemBlocks(item, build))];
  const markings = edition === 'medlemmer' ? [template.phrases.membersMarking] : [];
  const pageMargin = { ...margins, header: Math.round(11 * TWIPS_PER_MM), footer: Math.round(9 * TWIPS_PER_MM) };
  return new Document({
    title: names.title,
    subject: names.subject,
    creator: organisation,
    lastModifiedBy: organisation,
    keywords: `${view.forum}; ${template.phrases.kindName[kind]}`,
    description: template.phrases.editionName[edition],
    ...(pageNumbers ? { pageNumbers } : {}),
    styles: documentStyles(template),
    numbering: { config: lists.config() },
    sections: sectionsOf(children).map((section, i) => ({
      properties: {
        ...(i > 0 ? { type: SectionType.NEXT_PAGE } : {}),
        page: section.landscape
          ? { size: { width: A4.width, height: A4.height, orientation: PageOrientation.LANDSCAPE }, margin: pageMargin } // docx turns the sheet
          : { size: { width: A4.width, height: A4.height }, margin: pageMargin },
      },
      headers: { default: header(organisation, documentNames(view, kind, template), markings, template, section.landscape ? landscapeTextWidth : textWidth) },
      footers: { default: footer(template, draft) },
      children: section.children,
    })),
  });
}

/** Builds the .docx of a meeting's dagsorden or referat, in the given edition. */
export async function buildDocx(meeting: Meeting, settings: Settings, kind: DocumentKind, edition: Edition, template: Template, options: BuildOptions = {}): Promise<Buffer> {
  if (options.itemPages) {
    return Packer.toBuffer(documentOf(meeting, settings, kind, edition, template, knownPages(options.itemPages, options.pageCount), undefined, options.draft));
  }
  if (!options.estimatePages) return Packer.toBuffer(documentOf(meeting, settings, kind, edition, template, undefined, undefined, options.draft));
  // NOTE: the pages LibreOffice would give, estimated while the document is written (a few
  // milliseconds). Only for a font whose widths the estimate has; another font falls back to docx's
  // own layout (Word's rules, about half a second) below.
  if (knowsFont(template.organisation.font)) {
    return Packer.toBuffer(documentOf(meeting, settings, kind, edition, template, libreOfficePages(layoutSpec(template, edition, options.draft ?? false)), undefined, options.draft));
  }
  // NOTE: loaded only here: the layout engine is large and most builds have the PDF's pages. The
  // estimate lays out a copy whose very long words may break (see breakLongWords); the document
  // itself is written with the pages it found.
  const estimator = (await import('docx/layout')).estimatePageNumbersWith({ guess: true });
  let estimate: EstimatedPageNumbers | undefined;
  const capturing: PageNumberEstimator = Object.assign((body: Parameters<PageNumberEstimator>[0], context: Parameters<PageNumberEstimator>[1]) => (estimate = estimator(body, context)), estimator.listNumbers ? { listNumbers: estimator.listNumbers } : {});
  let broke = false;
  const breaking = (text: string): string => {
    const broken = breakLongWords(text);
    broke ||= broken !== text;
    return broken;
  };
  const copy = documentOf(meeting, settings, kind, edition, template, capturing, breaking, options.draft);
  const laidOut = await Packer.toBuffer(copy);
  // NOTE: with no word broken the copy is the document itself, written with the pages it found: it
  // need not be written again (each writing costs as much as a whole build without the estimate).
  if (!broke) return laidOut;
  const found = estimate;
  return Packer.toBuffer(documentOf(meeting, settings, kind, edition, template, found ? () => found : undefined, undefined, options.draft));
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
