// One PDF per edition with the agenda and then every bilag of that edition, so a member reads one file
// on a tablet: bookmarks per item and per bilag, and page labels that say where a page belongs
// ("Bilag 3.2 - 1"). The accessible agenda stays the primary document (docs/accessibility.md): the
// bilag pages are as tagged, or not, as the files they came from.

import { PDFDocument, PDFHexString, PDFName, PDFNumber, PDFString, type PDFRef } from '@cantoo/pdf-lib';

export interface CombinedItem {
  /** `Punkt 3: CF - Budgetproces 2023`: the item's bookmark. */
  readonly title: string;
  readonly bilag: readonly {
    /** `Bilag 2 - Kort over Lækrogen`: the bilag's bookmark. */
    readonly title: string;
    /** `Bilag 3.2 - `: put before each of its page numbers. */
    readonly pageLabel: string;
    readonly pdf: Uint8Array;
  }[];
}

export interface CombinedOptions {
  /** The document title shown by readers. */
  readonly title: string;
  /** The agenda's bookmark and page label prefix (`Dagsorden`). */
  readonly agendaLabel: string;
  /** BCP 47 language of the document (`da-DK`). */
  readonly lang?: string;
}

interface Outline {
  readonly title: string;
  readonly page: number;
  readonly children: readonly Outline[];
}

/** The agenda PDF followed by every bilag, in item order, with bookmarks and page labels. */
export async function combinePdf(agenda: Uint8Array, items: readonly CombinedItem[], options: CombinedOptions): Promise<Uint8Array> {
  const out = await PDFDocument.create({ updateMetadata: false });
  const labels: { start: number; prefix: string }[] = [];
  const append = async (bytes: Uint8Array, prefix: string): Promise<number> => {
    const source = await PDFDocument.load(bytes, { updateMetadata: false });
    const start = out.getPageCount();
    for (const page of await out.copyPages(source, source.getPageIndices())) out.addPage(page);
    labels.push({ start, prefix });
    return start;
  };
  const outline: Outline[] = [{ title: options.agendaLabel, page: await append(agenda, `${options.agendaLabel} `), children: [] }];
  for (const item of items) {
    const children: Outline[] = [];
    for (const b of item.bilag) children.push({ title: b.title, page: await append(b.pdf, b.pageLabel), children: [] });
    if (children.length) outline.push({ title: item.title, page: children[0]!.page, children });
  }

  const ctx = out.context;
  const pages = out.getPages().map((p) => p.ref);
  // Outline dictionaries (PDF 32000-1, 12.3.3), built as refs first so siblings can point at each other.
  const write = (entries: readonly Outline[], parent: PDFRef): { first: PDFRef; last: PDFRef; count: number } => {
    const refs = entries.map(() => ctx.nextRef());
    let count = entries.length;
    entries.forEach((e, i) => {
      const dict = ctx.obj({});
      dict.set(PDFName.of('Title'), PDFHexString.fromText(e.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), ctx.obj([pages[e.page]!, PDFName.of('Fit')]));
      if (i > 0) dict.set(PDFName.of('Prev'), refs[i - 1]!);
      if (i < entries.length - 1) dict.set(PDFName.of('Next'), refs[i + 1]!);
      if (e.children.length) {
        const sub = write(e.children, refs[i]!);
        dict.set(PDFName.of('First'), sub.first);
        dict.set(PDFName.of('Last'), sub.last);
        dict.set(PDFName.of('Count'), PDFNumber.of(sub.count)); // positive: open, so the bilag show at once
        count += sub.count;
      }
      ctx.assign(refs[i]!, dict);
    });
    return { first: refs[0]!, last: refs[refs.length - 1]!, count };
  };
  const root = ctx.nextRef();
  const top = write(outline, root);
  ctx.assign(root, ctx.obj({ Type: 'Outlines', First: top.first, Last: top.last, Count: top.count }));
  out.catalog.set(PDFName.of('Outlines'), root);
  out.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
  // Page labels (12.4.2): each part numbered from 1 after its prefix.
  const nums = labels.flatMap((l) => [PDFNumber.of(l.start), ctx.obj({ S: 'D', P: PDFHexString.fromText(l.prefix) })]);
  out.catalog.set(PDFName.of('PageLabels'), ctx.obj({ Nums: ctx.obj(nums) }));
  if (options.lang) out.catalog.set(PDFName.of('Lang'), PDFString.of(options.lang));
  out.setTitle(options.title, { showInWindowTitleBar: true });
  out.setProducer('dagsorden');
  // NOTE: fixed dates, so the same agenda and bilag give the same bytes (a re-run writes nothing new).
  out.setCreationDate(new Date(0));
  out.setModificationDate(new Date(0));
  return out.save({ useObjectStreams: false });
}
