// The site in a local folder: the embedded default's `out/site/`, or `--site DIR` for the municipality's
// web server. The portal only knows the SiteTarget interface (src/portal/target.ts).

import { mkdir, readdir, readFile, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { MANIFEST_NAME, sha256, type SiteManifest, type SiteTarget } from '../portal/target.js';
import { writeFileAtomically } from './documents.js';

/** How many stored files are read at once to list them. */
const READS_AT_ONCE = 32;

const isHidden = (name: string) => name.split('/').some((part) => part.startsWith('.'));

/** A folder: the embedded default's `out/site/`, or `--site DIR` for the municipality's web server. */
export function folderTarget(dir: string): SiteTarget {
  const made = new Set<string>();
  const pathOf = (name: string) => join(dir, ...name.split('/'));
  async function walk(folder: string, out: string[]): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    for (const e of entries) {
      const full = join(folder, e.name);
      if (e.isDirectory()) await walk(full, out);
      else if (e.isFile()) out.push(relative(dir, full).split(sep).join('/'));
    }
  }
  return {
    description: `mappen ${dir}`,
    // NOTE: each write waits on its own fsync; many at once let the disk take them together.
    writesAtOnce: 64,
    async readManifest() {
      const text = await readFile(pathOf(MANIFEST_NAME), 'utf8').catch(() => undefined);
      if (!text) return undefined;
      try {
        return JSON.parse(text) as SiteManifest;
      } catch {
        return undefined;
      }
    },
    async list() {
      const names: string[] = [];
      await walk(dir, names);
      const out = new Map<string, string>();
      // NOTE: a killed run's temporary file (`*.tmp`) is not part of the site; it is removed as stale.
      // NOTE: read side by side, a batch at a time (one after another, ten thousand files took seconds).
      const visible = names.filter((name) => !isHidden(name)).sort();
      for (let at = 0; at < visible.length; at += READS_AT_ONCE) {
        const batch = visible.slice(at, at + READS_AT_ONCE);
        const hashes = await Promise.all(batch.map(async (name) => sha256(await readFile(pathOf(name)))));
        batch.forEach((name, i) => out.set(name, hashes[i]!));
      }
      return out;
    },
    async put(name, file) {
      const path = pathOf(name);
      const folder = dirname(path);
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true });
        made.add(folder);
      }
      await writeFileAtomically(path, file.body);
    },
    async remove(name) {
      const path = pathOf(name);
      await unlink(path).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      // Empty folders left behind go too, so a removed meeting leaves no trace.
      let folder = dirname(path);
      while (folder.startsWith(dir) && folder !== dir) {
        try {
          await rmdir(folder);
          made.delete(folder);
        } catch {
          break;
        }
        folder = dirname(folder);
      }
    },
    async writeManifest(manifest) {
      await mkdir(dirname(pathOf(MANIFEST_NAME)), { recursive: true });
      await writeFileAtomically(pathOf(MANIFEST_NAME), JSON.stringify(manifest) + '\n');
    },
  };
}
