// Pagefind's index of the item pages: the same pages give the same files (so an unchanged site
// uploads nothing), and a changed page changes only a few of them.

import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { buildSearchIndex } from '../../src/portal/search.js';

const page = (n: number, text: string) =>
  `<!doctype html><html lang="da"><head><title>Punkt ${n}</title></head><body><header>Menu</header><main data-pagefind-body><h1>Punkt ${n}</h1><p>${text}</p></main></body></html>`;

const hashes = (files: Map<string, { body: string | Uint8Array }>) => new Map([...files].map(([n, f]) => [n, createHash('sha256').update(f.body).digest('hex')]));

it('is deterministic, and a changed page changes only a few index files', async () => {
  const pages = new Map(Array.from({ length: 60 }, (_, i) => [`moeder/m/punkt-${i + 1}/index.html`, page(i + 1, `Budget for område ${i} og cykelstier nummer ${i * 7}`)] as const));
  const a = hashes(await buildSearchIndex(pages));
  const b = hashes(await buildSearchIndex(new Map([...pages].reverse())));
  expect(b).toEqual(a);
  const changed = new Map(pages);
  changed.set('moeder/m/punkt-7/index.html', page(7, 'Helt ny tekst om skolereformen'));
  const c = hashes(await buildSearchIndex(changed));
  const differ = [...c].filter(([n, h]) => a.get(n) !== h).map(([n]) => n);
  expect(differ.length).toBeGreaterThan(0);
  expect(differ.length).toBeLessThan(c.size / 2);
  // The menu outside data-pagefind-body is not indexed: only the item's own text is found.
  expect([...a.keys()].filter((n) => n.startsWith('pagefind/fragment/'))).toHaveLength(60);
}, 60_000);
