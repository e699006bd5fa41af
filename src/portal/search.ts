// Client-side search: Pagefind (its binary ships inside its npm package) indexes the item pages in
// memory and hands back its index files, which join the site like any other file. Pages without
// `data-pagefind-body` (all but open items) are left out of the index.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SiteFile, SiteFiles } from './build.js';
import { contentTypeOf, IMMUTABLE } from './build.js';

export const SEARCH_DIR = 'pagefind/';

let pagefindVersion: string | undefined;

/**
 * The installed Pagefind's version, read once from its package.json (which its exports do not name),
 * found as Node finds the package: in the nearest node_modules up from here.
 */
function readPagefindVersion(): string {
  if (pagefindVersion) return pagefindVersion;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    try {
      pagefindVersion = (JSON.parse(readFileSync(join(dir, 'node_modules', 'pagefind', 'package.json'), 'utf8')) as { version: string }).version;
      return pagefindVersion;
    } catch (e) {
      if (dirname(dir) === dir) throw new Error("Pagefind's package.json was not found", { cause: e });
    }
  }
}

/** Only what Pagefind reads of a page: its language, title and indexed body (less to send and parse). */
function searchable(html: string): string {
  const lang = /<html lang="([^"]+)"/.exec(html)?.[1] ?? 'da';
  const title = /<title>[\s\S]*?<\/title>/.exec(html)?.[0] ?? '';
  const body = /<main[^>]*data-pagefind-body[^>]*>[\s\S]*?<\/main>/.exec(html)?.[0] ?? '';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">${title}</head><body>${body}</body></html>`;
}

const sortedPages = (pages: ReadonlyMap<string, string>) => [...pages].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * What the index is built from, as a digest: equal digests give equal index files, so when no
 * searchable text changed the index need not be built again. Pagefind's version is part of it (read
 * from disk once).
 */
export function readSearchIndexFingerprint(pages: ReadonlyMap<string, string>): string {
  const h = createHash('sha256').update(`pagefind ${readPagefindVersion()}\n`);
  for (const [name, content] of sortedPages(pages)) {
    const text = searchable(content);
    h.update(`${name}\n${text.length}\n${text}`);
  }
  return h.digest('hex');
}

/** The index files for the given pages (stored name → HTML). */
export async function buildSearchIndex(pages: ReadonlyMap<string, string>): Promise<SiteFiles> {
  const pagefind = await import('pagefind');
  try {
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'da' });
    if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    // NOTE: Pagefind's files depend on the order pages arrive in, and the same pages must give the
    // same files: the pages are sent in sorted order, all at once (the service takes its messages one
    // at a time, in the order written; awaiting each answer before sending the next took a third
    // longer).
    const added = await Promise.all(sortedPages(pages).map(([name, content]) => index.addHTMLFile({ sourcePath: name, content: searchable(content) }).then((r) => ({ name, r }))));
    for (const { name, r } of added) if (r.errors.length) throw new Error(`Pagefind could not index ${name}: ${r.errors.join('; ')}`);
    const { files, errors: fileErrors } = await index.getFiles();
    if (fileErrors.length) throw new Error(`Pagefind could not write its index: ${fileErrors.join('; ')}`);
    const out: SiteFiles = new Map();
    for (const f of files) {
      const name = SEARCH_DIR + f.path.replace(/^\/+/, '');
      // Hashed names (fragments, index chunks) never change content; the entry files and UI do.
      const hashed = /\/(fragment|index|filter)\//.test(name) || /\.pf_meta$/.test(name);
      const file: SiteFile = { body: Buffer.from(f.content), contentType: contentTypeOf(name), cacheControl: hashed ? IMMUTABLE : 'public, max-age=300' };
      out.set(name, file);
    }
    return out;
  } finally {
    await pagefind.close();
  }
}
