// The embedded default's subscription store: an SQLite database (sql.js: SQLite compiled to
// WebAssembly, shipped inside the npm package, so no native build and no download) held in memory
// and written to `out/.dagsorden/abonnenter.sqlite` atomically after every change (write-file-atomic:
// a temporary file, flushed, renamed), so the scheduled job reading it never sees half a database.
// NOTE: one writer. `dagsorden serve` is the only process that changes the file; the job only reads.

import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Database, SqlJsStatic } from 'sql.js';
import type { FollowKind, Subscription } from '../portal/subscriptions/rules.js';
import type { SubscriptionStore } from '../portal/subscriptions/store.js';
import { UserError } from '../errors.js';
import { STATE_DIR } from './state.js';

export const SUBSCRIPTIONS_FILE = 'abonnenter.sqlite';

/** Where the embedded default keeps subscriptions under `--out`. */
export const subscriptionsPath = (outDir: string): string => join(outDir, STATE_DIR, SUBSCRIPTIONS_FILE);

const SCHEMA = `
CREATE TABLE IF NOT EXISTS abonnementer (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('forum', 'sag')),
  target TEXT NOT NULL,
  token TEXT NOT NULL UNIQUE,
  requested_at TEXT NOT NULL,
  confirmed_at TEXT
);
CREATE INDEX IF NOT EXISTS abonnementer_email ON abonnementer (email);`;

let engine: Promise<SqlJsStatic> | undefined;
/** The WebAssembly module is loaded once per process, and only by commands that need it. */
async function sqlEngine(): Promise<SqlJsStatic> {
  engine ??= import('sql.js').then((m) => m.default());
  return engine;
}

async function openDatabase(path: string): Promise<Database> {
  const SQL = await sqlEngine();
  const bytes = await readFile(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  const db = bytes ? new SQL.Database(bytes) : new SQL.Database();
  try {
    db.run(SCHEMA);
  } catch (e) {
    db.close();
    // NOTE: fail closed: a database that cannot be read sends no notice and takes no sign-up, rather than start empty.
    throw new UserError('service', `Abonnementsdatabasen ${path} kan ikke læses (${(e as Error).message}). Der sendes ingen e-mails til abonnenter, før den er rettet eller lagt tilbage fra en sikkerhedskopi.`);
  }
  return db;
}

function rowsOf(db: Database): Subscription[] {
  const out: Subscription[] = [];
  const st = db.prepare('SELECT id, email, kind, target, token, requested_at, confirmed_at FROM abonnementer ORDER BY requested_at, id');
  try {
    while (st.step()) {
      const [id, email, kind, target, token, requestedAt, confirmedAt] = st.get() as string[];
      out.push({ id: id!, email: email!, kind: kind as FollowKind, target: target!, token: token!, requestedAt: requestedAt!, ...(confirmedAt ? { confirmedAt } : {}) });
    }
  } finally {
    st.free();
  }
  return out;
}

/** The store `dagsorden serve` writes: the file is read once and rewritten after each change. */
export async function sqliteSubscriptionStore(path: string): Promise<SubscriptionStore & { putAll(subscriptions: readonly Subscription[]): Promise<void>; close(): void }> {
  const db = await openDatabase(path);
  const insert = (s: Subscription): void => {
    db.run('INSERT OR REPLACE INTO abonnementer (id, email, kind, target, token, requested_at, confirmed_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
      s.id,
      s.email,
      s.kind,
      s.target,
      s.token,
      s.requestedAt,
      s.confirmedAt ?? null,
    ]);
  };
  const persist = async (): Promise<void> => {
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, Buffer.from(db.export()), { mode: 0o600 });
  };
  return {
    description: `abonnementsdatabasen ${path}`,
    all: async () => rowsOf(db),
    async put(s: Subscription): Promise<void> {
      insert(s);
      await persist();
    },
    /** Several in one transaction and one write (the benchmark fills a database with it). */
    async putAll(all: readonly Subscription[]): Promise<void> {
      db.run('BEGIN');
      for (const s of all) insert(s);
      db.run('COMMIT');
      await persist();
    },
    async remove(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      for (const id of ids) db.run('DELETE FROM abonnementer WHERE id = ?', [id]);
      await persist();
    },
    close: () => db.close(),
  };
}

/** What the scheduled job reads: the subscriptions as the file holds them now (none when there is no file). */
export async function readSubscriptions(path: string): Promise<Subscription[]> {
  const db = await openDatabase(path);
  try {
    return rowsOf(db);
  } finally {
    db.close();
  }
}
