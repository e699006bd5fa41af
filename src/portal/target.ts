// Where the built site goes, behind one narrow interface: a local folder (src/local/site-folder.ts,
// out/site/ or --site DIR) or a Cloud Storage bucket (src/google/storage.ts). The writer (site-sync.ts)
// only ever compares, puts and removes.

import { createHash } from 'node:crypto';
import type { SiteFile } from './build.js';

/** What the last complete run wrote: lets a run with nothing changed stop at once. */
export interface SiteManifest {
  readonly fingerprint: string;
  /** Stored name → sha256 of its bytes. */
  readonly files: Readonly<Record<string, string>>;
  /** What the search index was built from (search.ts), so an unchanged index is kept. */
  readonly search?: string;
}

/** The manifest's own name; names starting with `.` are never part of the site. */
export const MANIFEST_NAME = '.dagsorden/site.json';

export interface SiteTarget {
  readonly description: string;
  /** How many files it takes at once (`put`); one after another when not said. */
  readonly writesAtOnce?: number;
  readManifest(): Promise<SiteManifest | undefined>;
  /** What is stored now, whatever any manifest says: stored name → sha256 of its bytes. */
  list(): Promise<Map<string, string>>;
  /** Stores the file under its name (replacing what is there). */
  put(name: string, file: SiteFile, sha256: string): Promise<void>;
  remove(name: string): Promise<void>;
  writeManifest(manifest: SiteManifest): Promise<void>;
}

export function sha256(body: string | Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}
