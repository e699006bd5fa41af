// One small step after LibreOffice: the places where LibreOffice 7.4's tagged export writes something
// wrong, put right with a maintained PDF library (@cantoo/pdf-lib), so the PDF passes the PDF/UA
// machine checks. Everything else in the file is left as LibreOffice wrote it.
//
// What LibreOffice 7.4 gets wrong, and what is done about it:
// - `/Tabs (S)` on each page, a string where PDF/UA needs the name `/S`: written as the name.
// - No `/PageMode`, so the bookmarks panel stays closed: `/UseOutlines`.
// - A link in a contents entry (a Word hyperlink to a bookmark) is tagged as a Link element but gets
//   no annotation; only the page number's PAGEREF field does, with the text "3" and a target 5 pt
//   wide. The entry's Link elements become one, whose annotation spans the line and says where it goes.
// - A link that wraps onto a second line becomes two Link elements (two links for a screen reader):
//   they become one Link element with both annotations, as PDF/UA allows.

import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFObject } from '@cantoo/pdf-lib';

const N = (name: string) => PDFName.of(name);

interface Ctx {
  readonly doc: PDFDocument;
  /** ParentTree entries by key: an element (annotation) or an array of elements by MCID (page). */
  readonly parentTree: Map<number, PDFObject>;
}

function lookup(ctx: Ctx, obj: PDFObject | undefined): PDFObject | undefined {
  return obj instanceof PDFRef ? ctx.doc.context.lookup(obj) : obj;
}

function dict(ctx: Ctx, obj: PDFObject | undefined): PDFDict | undefined {
  const o = lookup(ctx, obj);
  return o instanceof PDFDict ? o : undefined;
}

function text(obj: PDFObject | undefined): string | undefined {
  return obj instanceof PDFString || obj instanceof PDFHexString ? obj.decodeText() : undefined;
}

function kidsOf(ctx: Ctx, element: PDFDict): PDFObject[] {
  const k = element.get(N('K'));
  const resolved = lookup(ctx, k);
  if (resolved instanceof PDFArray) return resolved.asArray();
  return k === undefined ? [] : [k];
}

/** The number tree's entries, flattened (LibreOffice writes one flat /Nums; /Kids are followed too). */
function readNumberTree(ctx: Ctx, node: PDFDict | undefined, into: Map<number, PDFObject>): void {
  if (!node) return;
  const nums = lookup(ctx, node.get(N('Nums')));
  if (nums instanceof PDFArray) {
    for (let i = 0; i + 1 < nums.size(); i += 2) {
      const key = nums.get(i);
      if (key instanceof PDFNumber) into.set(key.asNumber(), nums.get(i + 1));
    }
  }
  const kids = lookup(ctx, node.get(N('Kids')));
  if (kids instanceof PDFArray) for (const kid of kids.asArray()) readNumberTree(ctx, dict(ctx, kid), into);
}

/** Points the ParentTree entry of `key` (an annotation) or of `key`'s MCID `mcid` (a page) at `element`. */
function setParent(ctx: Ctx, key: number | undefined, element: PDFRef, mcid?: number): void {
  if (key === undefined) return;
  const entry = ctx.parentTree.get(key);
  if (mcid === undefined) {
    // The entry is held by the number tree's array; find that array and replace the value in place.
    replaceInNumberTree(ctx, key, element);
    return;
  }
  const byMcid = lookup(ctx, entry);
  if (byMcid instanceof PDFArray && mcid < byMcid.size()) byMcid.set(mcid, element);
}

function replaceInNumberTree(ctx: Ctx, key: number, value: PDFObject, node: PDFDict | undefined = dict(ctx, dict(ctx, ctx.doc.catalog.get(N('StructTreeRoot')))?.get(N('ParentTree')))): boolean {
  if (!node) return false;
  const nums = lookup(ctx, node.get(N('Nums')));
  if (nums instanceof PDFArray) {
    for (let i = 0; i + 1 < nums.size(); i += 2) {
      const k = nums.get(i);
      if (k instanceof PDFNumber && k.asNumber() === key) {
        nums.set(i + 1, value);
        ctx.parentTree.set(key, value);
        return true;
      }
    }
  }
  const kids = lookup(ctx, node.get(N('Kids')));
  return kids instanceof PDFArray && kids.asArray().some((kid) => replaceInNumberTree(ctx, key, value, dict(ctx, kid)));
}

const structParentsOf = (ctx: Ctx, page: PDFObject | undefined): number | undefined => {
  const n = dict(ctx, page)?.get(N('StructParents'));
  return n instanceof PDFNumber ? n.asNumber() : undefined;
};

function isLink(ctx: Ctx, obj: PDFObject): boolean {
  return dict(ctx, obj)?.get(N('S')) === N('Link');
}

/** The annotations a Link element holds (through OBJR). */
function annotationsOf(ctx: Ctx, element: PDFDict): PDFDict[] {
  return kidsOf(ctx, element).flatMap((k) => {
    const d = dict(ctx, k);
    const annot = d?.get(N('Type')) === N('OBJR') ? dict(ctx, d.get(N('Obj'))) : undefined;
    return annot ? [annot] : [];
  });
}

/** Where a link goes: its URI, or the page of its destination; undefined for a Link without annotation. */
function targetOf(ctx: Ctx, element: PDFDict): string | undefined {
  const annot = annotationsOf(ctx, element)[0];
  if (!annot) return undefined;
  const action = dict(ctx, annot.get(N('A')));
  const uri = text(lookup(ctx, action?.get(N('URI'))));
  if (uri !== undefined) return `uri:${uri}`;
  const dest = lookup(ctx, annot.get(N('Dest')) ?? action?.get(N('D')));
  const page = dest instanceof PDFArray ? dest.get(0) : undefined;
  return page instanceof PDFRef ? `page:${page.toString()}` : undefined;
}

/** Moves `from`'s content into `into` (a Link element), pointing the ParentTree at `into`. */
function mergeInto(ctx: Ctx, intoRef: PDFRef, into: PDFDict, from: PDFDict): void {
  const target = lookup(ctx, into.get(N('K')));
  const k = target instanceof PDFArray ? target : ctx.doc.context.obj([]);
  if (!(target instanceof PDFArray)) {
    const only = into.get(N('K'));
    if (only !== undefined) k.push(only);
    into.set(N('K'), k);
  }
  const fromPage = from.get(N('Pg'));
  const intoPage = into.get(N('Pg'));
  for (const kid of kidsOf(ctx, from)) {
    if (kid instanceof PDFNumber) {
      const mcid = kid.asNumber();
      // NOTE: a bare MCID belongs to its element's page; on another page it needs an MCR that says so.
      const samePage = fromPage instanceof PDFRef && intoPage instanceof PDFRef && fromPage.toString() === intoPage.toString();
      k.push(samePage || !fromPage ? kid : ctx.doc.context.obj({ Type: 'MCR', Pg: fromPage, MCID: mcid }));
      setParent(ctx, structParentsOf(ctx, fromPage ?? intoPage), intoRef, mcid);
      continue;
    }
    const d = dict(ctx, kid);
    if (d?.get(N('Type')) === N('MCR')) {
      const mcid = d.get(N('MCID'));
      if (mcid instanceof PDFNumber) setParent(ctx, structParentsOf(ctx, d.get(N('Pg')) ?? fromPage), intoRef, mcid.asNumber());
    } else if (d?.get(N('Type')) === N('OBJR')) {
      const sp = dict(ctx, d.get(N('Obj')))?.get(N('StructParent'));
      if (sp instanceof PDFNumber) setParent(ctx, sp.asNumber(), intoRef);
    } else {
      const child = dict(ctx, kid);
      if (child) child.set(N('P'), intoRef);
    }
    k.push(kid);
  }
}

interface ItemBookmark {
  readonly page: string;
  readonly title: string;
  readonly left: number | undefined;
}

/** The top-level bookmarks (the items' headings), by the page they go to. */
function topBookmarks(ctx: Ctx): Map<string, ItemBookmark> {
  const out = new Map<string, ItemBookmark>();
  let item = dict(ctx, dict(ctx, ctx.doc.catalog.get(N('Outlines')))?.get(N('First')));
  for (let guard = 0; item && guard < 10_000; guard++) {
    const action = dict(ctx, item.get(N('A')));
    const dest = lookup(ctx, item.get(N('Dest')) ?? action?.get(N('D')));
    const page = dest instanceof PDFArray ? dest.get(0) : undefined;
    const left = dest instanceof PDFArray ? dest.get(2) : undefined;
    const title = text(lookup(ctx, item.get(N('Title'))));
    if (page instanceof PDFRef && title && !out.has(page.toString())) out.set(page.toString(), { page: page.toString(), title, left: left instanceof PDFNumber ? left.asNumber() : undefined });
    item = dict(ctx, item.get(N('Next')));
  }
  return out;
}

/**
 * Merges the Link elements of one parent that are one link: a contents entry's title (no annotation)
 * with its page number (the annotation), and the two halves of a wrapped link (the same address).
 */
function mergeLinks(ctx: Ctx, parentRef: PDFRef | undefined, parent: PDFDict, bookmarks: Map<string, ItemBookmark>, seen: Set<PDFDict>): void {
  if (seen.has(parent)) return;
  seen.add(parent);
  const k = lookup(ctx, parent.get(N('K')));
  if (k instanceof PDFArray) {
    for (let i = 0; i + 1 < k.size(); ) {
      const aRef = k.get(i);
      const bRef = k.get(i + 1);
      const a = dict(ctx, aRef);
      const b = dict(ctx, bRef);
      if (a && b && aRef instanceof PDFRef && isLink(ctx, aRef) && isLink(ctx, bRef)) {
        const ta = targetOf(ctx, a);
        const tb = targetOf(ctx, b);
        const internal = (t: string | undefined) => t?.startsWith('page:') === true;
        if ((ta !== undefined && ta === tb) || (ta === undefined && internal(tb))) {
          mergeInto(ctx, aRef, a, b);
          k.remove(i + 1);
          continue;
        }
      }
      i++;
    }
  }
  // A contents entry: its one annotation spans the line and names the item and its page.
  if (parentRef && isLink(ctx, parentRef)) widenContentsLink(ctx, parent, bookmarks);
  for (const kid of kidsOf(ctx, parent)) {
    const child = dict(ctx, kid);
    if (child && child.get(N('S')) !== undefined) mergeLinks(ctx, kid instanceof PDFRef ? kid : undefined, child, bookmarks, seen);
  }
}

function widenContentsLink(ctx: Ctx, link: PDFDict, bookmarks: Map<string, ItemBookmark>): void {
  const annots = annotationsOf(ctx, link);
  if (annots.length !== 1) return;
  const annot = annots[0]!;
  const target = targetOf(ctx, link);
  const bookmark = target?.startsWith('page:') ? bookmarks.get(target.slice(5)) : undefined;
  if (!bookmark) return;
  const pageNumber = ctx.doc.getPages().findIndex((p) => p.ref.toString() === bookmark.page) + 1;
  annot.set(N('Contents'), PDFHexString.fromText(`${bookmark.title}, side ${pageNumber}`));
  const rect = lookup(ctx, annot.get(N('Rect')));
  if (rect instanceof PDFArray && rect.size() === 4 && bookmark.left !== undefined) {
    // NOTE: the item heading's left edge is the text column's; the entry starts there too.
    const x1 = rect.get(0);
    if (x1 instanceof PDFNumber && bookmark.left < x1.asNumber()) rect.set(0, PDFNumber.of(bookmark.left));
  }
}

/** Puts right what LibreOffice 7.4 writes wrong in a tagged PDF (see the top of this file). */
export async function repairTaggedPdf(bytes: Uint8Array): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const catalog = doc.catalog;
  catalog.set(N('PageMode'), N('UseOutlines'));
  for (const page of doc.getPages()) {
    const annots = page.node.get(N('Annots'));
    if (annots !== undefined || page.node.get(N('Tabs')) !== undefined) page.node.set(N('Tabs'), N('S'));
  }
  const ctx: Ctx = { doc, parentTree: new Map() };
  const root = dict(ctx, catalog.get(N('StructTreeRoot')));
  readNumberTree(ctx, dict(ctx, root?.get(N('ParentTree'))), ctx.parentTree);
  if (root) mergeLinks(ctx, undefined, root, topBookmarks(ctx), new Set());
  return doc.save({ useObjectStreams: false });
}
