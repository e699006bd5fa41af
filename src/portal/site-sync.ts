// The site's runner: builds the site from the public edition, then brings the target in line with it,
// writing only files whose bytes differ and removing files no longer part of it. Safe to kill at any
// moment: what is stored is compared afresh on the next run, and the manifest that lets a run with
// nothing changed stop at once is written only after everything else.

import { paths, slug } from './addresses.js';
import { buildSite, inputFingerprint, searchablePages, type SiteFile, type SiteFiles } from './build.js';
import type { PortalInput } from './input.js';
import { buildSearchIndex, SEARCH_DIR } from './search.js';
import { sha256, type SiteTarget } from './target.js';

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

export async function buildFullSite(input: PortalInput, today: string): Promise<SiteFiles> {
  const files = buildSite(input, today);
  const pages = new Map<string, string>();
  for (const name of searchablePages(input)) pages.set(name, String(files.get(name)!.body));
  for (const [name, file] of await buildSearchIndex(pages)) files.set(name, file);
  return files;
}

/** What the last complete run wrote, when it was built from this same input: nothing to do. Reads only. */
export async function currentSite(opts: Omit<SitePublishOptions, 'checkpoint'>): Promise<SitePublishResult | undefined> {
  const manifest = await opts.target.readManifest();
  if (manifest?.fingerprint !== siteFingerprint(opts)) return undefined;
  return { unchanged: true, written: [], removed: [], total: Object.keys(manifest.files).length, files: new Set(Object.keys(manifest.files)) };
}

function siteFingerprint(opts: Pick<SitePublishOptions, 'input' | 'today' | 'heldBack'>): string {
  return `${inputFingerprint(opts.input, opts.today)}:${[...(opts.heldBack ?? [])].sort().join(',')}`;
}

export async function publishSite(opts: SitePublishOptions): Promise<SitePublishResult> {
  const { input, today, target } = opts;
  const heldBack = [...(opts.heldBack ?? [])].sort();
  const fingerprint = siteFingerprint(opts);
  const current = await currentSite(opts);
  if (current) return current;

  const files = await buildFullSite(input, today);
  const wanted = new Map<string, { file: SiteFile; hash: string }>();
  for (const [name, file] of files) wanted.set(name, { file, hash: sha256(file.body) });
  const stored = await target.list();
  // A held-back meeting's pages were published from content that was right then; they stay.
  const kept = (name: string) => heldBack.some((id) => name.startsWith(paths.meeting(id)) || name.startsWith(`oparl/meeting/${slug(id)}.json`));

  const written: string[] = [];
  const toWrite = [...wanted].filter(([name, w]) => stored.get(name) !== w.hash).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
  for (const [name, w] of toWrite) {
    opts.checkpoint?.(`put ${name}`);
    await target.put(name, w.file, w.hash);
    written.push(name);
  }
  const removed: string[] = [];
  for (const name of [...stored.keys()].filter((n) => !wanted.has(n) && !kept(n)).sort()) {
    opts.checkpoint?.(`remove ${name}`);
    await target.remove(name);
    removed.push(name);
  }
  const all: Record<string, string> = {};
  for (const [name, w] of wanted) all[name] = w.hash;
  for (const [name, hash] of stored) if (!wanted.has(name) && kept(name)) all[name] = hash;
  opts.checkpoint?.('manifest');
  await target.writeManifest({ fingerprint, files: all });
  return { unchanged: false, written, removed, total: Object.keys(all).length, files: new Set(Object.keys(all)) };
}
