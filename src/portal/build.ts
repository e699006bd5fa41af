// The whole public site as a map of files, computed from the public edition: pages, feeds, calendars,
// OParl JSON, stylesheet and logo. Pure and deterministic (no clock, no disk): the same input gives
// the same bytes, which is what lets the writer rewrite only the files that changed.

import { createHash } from 'node:crypto';
import { isRedacted } from '../documents/edition.js';
import { fileOf, paths } from './addresses.js';
import { forumCalendar } from './ics-feed.js';
import { caseFeed, forumFeed } from './feeds.js';
import { casePage, casesPage, foraPage, forumPage, isUpcoming, itemPage, meetingPage, searchPage, stylesheet, type CaseEntry } from './html.js';
import type { PortalInput, PortalMeeting } from './input.js';
import { buildOparl } from './oparl.js';
import { bilagSitePath } from './bilag-links.js';

export interface SiteFile {
  readonly body: string | Uint8Array;
  readonly contentType: string;
  readonly cacheControl: string;
}

/** Stored file name (`moeder/x/index.html`) → file. */
export type SiteFiles = Map<string, SiteFile>;

/** NOTE: raise when the site's code changes what a page looks like, so every page is rebuilt. */
export const SITE_LAYOUT_VERSION = 3; // 2: bilag numbered, files served from the site; 3: the subscription form

const SHORT = 'public, max-age=300';
const DOCUMENT = 'public, max-age=3600';
/** Pagefind's index and fragments are named by their content: they never change under a name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  ics: 'text/calendar; charset=utf-8',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  png: 'image/png',
  jpg: 'image/jpeg',
  wasm: 'application/wasm',
  pf_meta: 'application/octet-stream',
  pf_fragment: 'application/octet-stream',
  pf_index: 'application/octet-stream',
  pf_filter: 'application/octet-stream',
};

export function contentTypeOf(file: string): string {
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? 'application/octet-stream';
}

/** A meeting with published content: only these contribute items to cases and search. */
const withContent = (m: PortalMeeting) => m.published !== undefined;

export function casesOf(input: PortalInput): Map<string, CaseEntry[]> {
  const cases = new Map<string, CaseEntry[]>();
  // Newest first: meetings are sorted oldest first.
  for (const meeting of [...input.meetings].reverse().filter(withContent)) {
    for (const item of meeting.view.items) {
      const list = cases.get(item.caseNumber) ?? [];
      list.push({ meeting, item });
      cases.set(item.caseNumber, list);
    }
  }
  return new Map([...cases].sort(([a], [b]) => a.localeCompare(b)));
}

export function foraOf(input: PortalInput): Map<string, PortalMeeting[]> {
  const fora = new Map<string, PortalMeeting[]>();
  for (const m of input.meetings) fora.set(m.view.forum, [...(fora.get(m.view.forum) ?? []), m]);
  return new Map([...fora].sort(([a], [b]) => a.localeCompare(b, 'da')));
}

function adderTo(files: SiteFiles) {
  return (path: string, body: string | Uint8Array, cacheControl = SHORT) => {
    const name = fileOf(path);
    files.set(name, { body, contentType: contentTypeOf(name), cacheControl });
  };
}

/**
 * The items' own pages: the part of the site the search index is built from, so it can be built (and
 * the index begun) before the rest.
 */
export function buildItemPages(input: PortalInput): SiteFiles {
  const files: SiteFiles = new Map();
  const add = adderTo(files);
  for (const m of input.meetings.filter(withContent)) for (const item of m.view.items) add(paths.item(m.view.id, item.number), itemPage(input, m, item));
  return files;
}

/**
 * `today` (yyyy-MM-dd in the workbook's zone) splits a forum's meetings into upcoming and past.
 * `itemPages`: what buildItemPages gave for the same input, when it was already called.
 */
export function buildSite(input: PortalInput, today: string, itemPages: SiteFiles = buildItemPages(input)): SiteFiles {
  const files: SiteFiles = new Map(itemPages);
  const add = adderTo(files);
  const fora = foraOf(input);
  const cases = casesOf(input);

  add(paths.stylesheet, stylesheet(input));
  const logo = input.template.logo;
  if (logo) add(paths.logo(logo.type), logo.data, DOCUMENT);
  add(paths.home, foraPage(input, [...fora.keys()], paths.home));
  add(paths.fora, foraPage(input, [...fora.keys()], paths.fora));
  add(paths.search, searchPage(input));
  for (const [forum, meetings] of fora) {
    add(paths.forum(forum), forumPage(input, forum, meetings, today));
    add(paths.forumFeed(forum), forumFeed(input, forum, meetings));
    add(paths.forumCalendar(forum), forumCalendar(input, forum, meetings));
  }
  for (const m of input.meetings) {
    add(paths.meeting(m.view.id), meetingPage(input, m));
    for (const d of m.documents) if (d.bytes && !(d.href && /^https?:\/\//i.test(d.href))) add(paths.document(m.view.id, d.kind, d.format), d.bytes, DOCUMENT);
    if (!m.published) continue;
    for (const b of m.bilag ?? []) if (b.bytes) add(bilagSitePath(m.view.id, b), b.bytes, DOCUMENT);
  }
  add(paths.cases, casesPage(input, [...cases]));
  for (const [nr, entries] of cases) {
    add(paths.case(nr), casePage(input, nr, entries));
    add(paths.caseFeed(nr), caseFeed(input, nr, entries));
  }
  for (const [path, obj] of buildOparl(input, [...fora.keys()], cases)) add(path, JSON.stringify(obj, null, 1) + '\n');
  return files;
}

/** The pages Pagefind indexes: open items only (closed items carry no text to find). Their pages are buildItemPages's. */
export function searchablePages(input: PortalInput): string[] {
  return input.meetings.filter(withContent).flatMap((m) => m.view.items.filter((i) => !isRedacted(i)).map((i) => fileOf(paths.item(m.view.id, i.number))));
}

/**
 * A digest of everything the site is built from. Equal digests mean equal sites, so a run with
 * nothing changed stops after computing it.
 */
export function inputFingerprint(input: PortalInput, today: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ v: SITE_LAYOUT_VERSION, org: input.organisation, site: input.siteAddress, zone: input.timeZone, template: input.template.fingerprint, subscriptions: input.subscriptions ?? false }));
  // NOTE: "today" matters only through which meetings are upcoming, so a new day alone rebuilds nothing.
  for (const m of input.meetings) {
    // NOTE: a bilag by its checksum; its bytes stay out of the JSON.
    const { documents, bilag, ...rest } = m;
    h.update(JSON.stringify((bilag ?? []).map(({ bytes, ...b }) => ({ ...b, served: bytes !== undefined }))));
    h.update(JSON.stringify({ ...rest, upcoming: isUpcoming(m, today) }, (k, v: unknown) => (k === 'row' ? undefined : v)));
    for (const d of documents) {
      h.update(`${d.kind}.${d.format}:${d.href ?? ''}:`);
      if (d.bytes) h.update(d.bytes);
    }
  }
  return h.digest('hex');
}
