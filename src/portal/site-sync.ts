// The site's runner: builds the site from the public edition, then brings the target in line with it,
// writing only files whose bytes differ and removing files no longer part of it. Safe to kill at any
// moment: what is stored is compared afresh on the next run, and the manifest that lets a run with
// nothing changed stop at once is written only after everything else (and marked unfinished before
// the first write, so a killed run's half-written site is never taken for a finished one).

import { paths, slug } from './addresses.js';
import { buildItemPages, buildSite, inputFingerprint, searchablePages, type SiteFile, type SiteFiles } from './build.js';
import type { PortalInput } from './input.js';
import { buildSearchIndex, readSearchIndexFingerprint, SEARCH_DIR } from './search.js';
import { sha256, type SiteManifest, type SiteTarget } from './target.js';

export interface SitePublishOptions {
  readonly input: PortalInput;
  /** yyyy-MM-dd in the workbook's zone. */
  readonly today: string;
  readonly target: SiteTarget;
  /** Meetings held back by problems: their pages already published stay as they are. */
  readonly heldBack?: readonly string[];
  /** Called before each write or removal (crash tests). */
  readonly checkpoint?: (label: string) => void;
}

export interface SitePublishResult {
  /** True when the input was the same as the last complete run's: nothing was even built. */
  readonly unchanged: boolean;
  readonly written: readonly string[];
  readonly removed: readonly string[];
  readonly total: number;
  /** Every file the site now holds (kept pages of held-back meetings included). */
  readonly files: ReadonlySet<string>;
}

/**
 * Order of writing: what others link to goes first (search index, documents, items, meetings, cases),
 * the pages that link to them last, so a reader never follows a link to a page not yet there.
 */
function rank(name: string): number {
  if (name.startsWith(SEARCH_DIR)) return name.endsWith('pagefind-entry.json') ? 1 : 0;
  if (/^moeder\/[^/]+\/(?!index\.html)[^/]+\.(pdf|docx)$/.test(name)) return 2;
  if (/^moeder\/[^/]+\/punkt-\d+\//.test(name)) return 3;
  if (/^moeder\//.test(name)) return 4;
  if (/^sager\/[^/]+\//.test(name)) return 5;
  if (name.startsWith('oparl/') && !/^oparl\/[a-z]+\.json$/.test(name)) return 6;
  return 7;
}

function byRank<T extends readonly [string, unknown]>(sorted: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (const entry of sorted) {
    const last = groups.at(-1);
    if (last && rank(last[0]![0]) === rank(entry[0])) last.push(entry);
    else groups.push([entry]);
  }
  return groups;
}

/**
 * Runs `work` on each of `items`, at most `limit` at once, in their order. `before` is called for each
 * in turn before its work starts; when it throws (a crash test's kill), nothing after it starts, what
 * started is finished, and the error is thrown: every file before the kill is whole, none after begun.
 */
async function inParallel<T>(items: readonly T[], limit: number, before: (item: T) => void, work: (item: T) => Promise<void>): Promise<void> {
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  for (const item of items) {
    try {
      before(item);
    } catch (error) {
      failure = { error };
      break;
    }
    const p: Promise<void> = work(item).finally(() => running.delete(p));
    running.add(p);
    if (running.size >= limit) {
      try {
        await Promise.race(running);
      } catch (error) {
        failure = { error };
        break;
      }
    }
  }
  // NOTE: settled, not all: a failed write must not leave others running unobserved after it.
  for (const result of await Promise.allSettled(running)) if (result.status === 'rejected') failure ??= { error: result.reason };
  if (failure) throw failure.error;
}

/** The pages the search index holds, with their HTML from the built site. */
function searchPages(input: PortalInput, files: SiteFiles): Map<string, string> {
  return new Map(searchablePages(input).map((name) => [name, String(files.get(name)!.body)]));
}

/** The fingerprint of a manifest whose run began changing the site and may not have finished. */
const UNFINISHED = 'unfinished';

export async function buildFullSite(input: PortalInput, today: string): Promise<SiteFiles> {
  const files = buildSite(input, today);
  for (const [name, file] of await buildSearchIndex(searchPages(input, files))) files.set(name, file);
  return files;
}

/** What the last complete run wrote, when it was built from this same input: nothing to do. Reads only. */
export async function currentSite(opts: Omit<SitePublishOptions, 'checkpoint'>): Promise<SitePublishResult | undefined> {
  return unchangedSite(await opts.target.readManifest(), opts);
}

function unchangedSite(manifest: SiteManifest | undefined, opts: Pick<SitePublishOptions, 'input' | 'today' | 'heldBack'>): SitePublishResult | undefined {
  if (manifest?.fingerprint !== siteFingerprint(opts)) return undefined;
  return { unchanged: true, written: [], removed: [], total: Object.keys(manifest.files).length, files: new Set(Object.keys(manifest.files)) };
}

function siteFingerprint(opts: Pick<SitePublishOptions, 'input' | 'today' | 'heldBack'>): string {
  return `${inputFingerprint(opts.input, opts.today)}:${[...(opts.heldBack ?? [])].sort().join(',')}`;
}

/**
 * The stored files of the search index, when the last complete run built it from the same pages and
 * every one of them is still stored as it wrote it; otherwise undefined, and it is built again.
 */
function keptSearchIndex(manifest: SiteManifest | undefined, stored: ReadonlyMap<string, string>, fingerprint: string): Map<string, string> | undefined {
  if (manifest?.search !== fingerprint) return undefined;
  const files = new Map(Object.entries(manifest.files).filter(([name]) => name.startsWith(SEARCH_DIR)));
  if (files.size === 0 || [...files].some(([name, hash]) => stored.get(name) !== hash)) return undefined;
  return files;
}

export async function publishSite(opts: SitePublishOptions): Promise<SitePublishResult> {
  const { input, today, target } = opts;
  const heldBack = [...(opts.heldBack ?? [])].sort();
  const fingerprint = siteFingerprint(opts);
  const manifest = await target.readManifest();
  const current = unchangedSite(manifest, opts);
  if (current) return current;

  // NOTE: the search index takes longest, in Pagefind's own process: it is begun from the item pages,
  // built first, and the stored files are listed and the rest of the site built while it runs (waiting
  // for Pagefind to have read every page first measured no faster). When no searchable text changed,
  // the index files stored by the last complete run stay (the same pages give the same files), and
  // Pagefind does not run at all.
  const itemPages = buildItemPages(input);
  const pages = searchPages(input, itemPages);
  const searchFingerprint = readSearchIndexFingerprint(pages);
  const mayKeep = manifest?.search === searchFingerprint;
  const indexing = mayKeep ? undefined : buildSearchIndex(pages);
  // Settled at once, so a failure while other work goes on is not reported as unhandled; awaited below.
  indexing?.catch(() => undefined);
  const stored = await target.list();
  const wanted = new Map<string, { file?: SiteFile; hash: string }>();
  for (const [name, file] of buildSite(input, today, itemPages)) wanted.set(name, { file, hash: sha256(file.body) });
  const built = await indexing;
  const keptIndex = mayKeep ? keptSearchIndex(manifest, stored, searchFingerprint) : undefined;
  if (keptIndex) for (const [name, hash] of keptIndex) wanted.set(name, { hash });
  for (const [name, file] of built ?? (keptIndex ? [] : await buildSearchIndex(pages))) wanted.set(name, { file, hash: sha256(file.body) });
  // A held-back meeting's pages were published from content that was right then; they stay.
  const kept = (name: string) => heldBack.some((id) => name.startsWith(paths.meeting(id)) || name.startsWith(`oparl/meeting/${slug(id)}.json`));

  const written: string[] = [];
  const toWrite = [...wanted].filter(([name, w]) => stored.get(name) !== w.hash).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  const toRemove = [...stored.keys()].filter((n) => !wanted.has(n) && !kept(n)).sort();
  // NOTE: before the first change the manifest stops vouching for the site: killed midway, a later run
  // whose input is back to the recorded one must compare, not stop at "nothing changed".
  if (manifest && (toWrite.length > 0 || toRemove.length > 0)) await target.writeManifest({ ...manifest, fingerprint: UNFINISHED });
  // NOTE: files of one rank are written side by side, as many as the target takes at once (ten
  // thousand one after another took most of a first run); a rank is complete before the next begins,
  // so the order of writing above still holds.
  for (const group of byRank(toWrite)) {
    await inParallel(group, target.writesAtOnce ?? 1, ([name]) => opts.checkpoint?.(`put ${name}`), async ([name, w]) => {
      if (!w.file) throw new Error(`${name}: kept as stored, yet stored differently`); // cannot happen: kept files are stored as they are
      await target.put(name, w.file, w.hash);
      written.push(name);
    });
  }
  written.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const removed: string[] = [];
  for (const name of toRemove) {
    opts.checkpoint?.(`remove ${name}`);
    await target.remove(name);
    removed.push(name);
  }
  const all: Record<string, string> = {};
  for (const [name, w] of wanted) all[name] = w.hash;
  for (const [name, hash] of stored) if (!wanted.has(name) && kept(name)) all[name] = hash;
  opts.checkpoint?.('manifest');
  await target.writeManifest({ fingerprint, files: all, search: searchFingerprint });
  return { unchanged: false, written, removed, total: Object.keys(all).length, files: new Set(Object.keys(all)) };
}
