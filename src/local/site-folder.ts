// The site in a local folder: the embedded default's `out/site/`, or `--site DIR` for the municipality's
// web server. The portal only knows the SiteTarget interface (src/portal/target.ts).

import { mkdir, readdir, readFile, rmdir, stat, unlink } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { MANIFEST_NAME, sha256, type SiteManifest, type SiteTarget } from '../portal/target.js';
import { writeFileAtomically } from './documents.js';

/** How many stored files are read (or looked at) at once to list them. */
const READS_AT_ONCE = 32;

/**
 * What each stored file's checksum was, with what the file system said of it then, so that listing
 * need not read ten thousand files again. Written with the manifest; never part of the site.
 */
const SEEN_NAME = '.dagsorden/site-files.json';

/** A stored file as last seen: size, times and inode (as git's index keeps them), and its checksum. */
interface Seen {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly ino: number;
  readonly sha256: string;
}

const seenOf = (s: Stats, sha256: string): Seen => ({ size: s.size, mtimeMs: s.mtimeMs, ctimeMs: s.ctimeMs, ino: s.ino, sha256 });

const isHidden = (name: string) => name.split('/').some((part) => part.startsWith('.'));

/** A folder: the embedded default's `out/site/`, or `--site DIR` for the municipality's web server. */
export function folderTarget(dir: string): SiteTarget {
  const made = new Set<string>();
  const pathOf = (name: string) => join(dir, ...name.split('/'));
  /** Every file under `folder`, its folders read side by side (one after another took a fifth of a second). */
  async function walk(folder: string, out: string[]): Promise<void> {
    const entries = await readdir(folder, { withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return [];
      throw e;
    });
    await Promise.all(
      entries.map(async (e) => {
        const full = join(folder, e.name);
        if (e.isDirectory()) await walk(full, out);
        else if (e.isFile()) out.push(relative(dir, full).split(sep).join('/'));
      }),
    );
  }
  /** The stored files as last seen, by name; kept up to date by list, put and remove. */
  let seen = new Map<string, Seen>();
  /**
   * What the last run recorded, and until when it may be trusted: a file changed within the same tick
   * of the clock as the record was written may look unchanged (git's "racy" files), so only files
   * changed before the record count.
   */
  async function readSeen(): Promise<{ seen: Map<string, Seen>; writtenMs: number }> {
    try {
      const [text, s] = await Promise.all([readFile(pathOf(SEEN_NAME), 'utf8'), stat(pathOf(SEEN_NAME))]);
      return { seen: new Map(Object.entries(JSON.parse(text) as Record<string, Seen>)), writtenMs: s.mtimeMs };
    } catch {
      return { seen: new Map(), writtenMs: 0 };
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
      const [recorded] = await Promise.all([readSeen(), walk(dir, names)]);
      const out = new Map<string, string>();
      seen = new Map();
      // NOTE: a killed run's temporary file (`*.tmp`) is not part of the site; it is removed as stale.
      // NOTE: a file whose size, times and inode are as recorded is not read again: any write changes
      // its change time (which no one can set back), and an atomic replace its inode.
      const visible = names.filter((name) => !isHidden(name)).sort();
      for (let at = 0; at < visible.length; at += READS_AT_ONCE) {
        const batch = visible.slice(at, at + READS_AT_ONCE);
        const found = await Promise.all(
          batch.map(async (name) => {
            const s = await stat(pathOf(name));
            const was = recorded.seen.get(name);
            const same = was && was.size === s.size && was.mtimeMs === s.mtimeMs && was.ctimeMs === s.ctimeMs && was.ino === s.ino && s.mtimeMs < recorded.writtenMs && s.ctimeMs < recorded.writtenMs;
            return seenOf(s, same ? was.sha256 : sha256(await readFile(pathOf(name))));
          }),
        );
        batch.forEach((name, i) => {
          out.set(name, found[i]!.sha256);
          seen.set(name, found[i]!);
        });
      }
      return out;
    },
    async put(name, file, hash) {
      const path = pathOf(name);
      const folder = dirname(path);
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true });
        made.add(folder);
      }
      await writeFileAtomically(path, file.body);
      seen.set(name, seenOf(await stat(path), hash));
    },
    async remove(name) {
      const path = pathOf(name);
      seen.delete(name);
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
      // NOTE: written before the manifest and after every write of the run, so its own time is later
      // than any file it vouches for.
      await writeFileAtomically(pathOf(SEEN_NAME), JSON.stringify(Object.fromEntries(seen)));
      await writeFileAtomically(pathOf(MANIFEST_NAME), JSON.stringify(manifest) + '\n');
    },
  };
}
