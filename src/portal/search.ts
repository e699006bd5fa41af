// Client-side search: Pagefind (its binary ships inside its npm package) indexes the item pages in
// memory and hands back its index files, which join the site like any other file. Pages without
// `data-pagefind-body` (all but open items) are left out of the index.

import type { SiteFile, SiteFiles } from './build.js';
import { contentTypeOf, IMMUTABLE } from './build.js';

export const SEARCH_DIR = 'pagefind/';

/** The index files for the given pages (stored name → HTML). */
export async function buildSearchIndex(pages: ReadonlyMap<string, string>): Promise<SiteFiles> {
  const pagefind = await import('pagefind');
  try {
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'da' });
    if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
    // NOTE: in sorted order, so the same pages give the same index files (their names are content hashes).
    for (const [name, content] of [...pages].sort(([a], [b]) => a.localeCompare(b))) {
      const added = await index.addHTMLFile({ sourcePath: name, content });
      if (added.errors.length) throw new Error(`Pagefind could not index ${name}: ${added.errors.join('; ')}`);
    }
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
