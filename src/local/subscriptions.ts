// The embedded default's subscription store: an SQLite database (sql.js: SQLite compiled to
// WebAssembly, shipped inside the npm package, so no native build and no download) held in memory
// and written to `out/.dagsorden/abonnenter.sqlite` atomically after every change (write-file-atomic:
// a temporary file, flushed, renamed), so the scheduled job reading it never sees half a database.
// `dagsorden serve` is the only command that changes the file (under a lock, see below); the job only reads.

import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { lock } from 'proper-lockfile';
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

const insert = (db: Database, s: Subscription): void => {
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

/**
 * The store `dagsorden serve` writes. Each change reads the file as it is now, makes the change and
 * writes the file again, holding a lock (`abonnenter.sqlite.lock`, proper-lockfile) the while.
 * NOTE: the file is rewritten whole, so two `serve` processes (a restart overlapping the old one, or
 * two behind one proxy) that each kept their own copy lost each other's sign-ups; with the lock and
 * the fresh read they take turns, and every change lands (test/properties/subscribers-local.test.ts).
 */
export async function sqliteSubscriptionStore(path: string): Promise<SubscriptionStore & { putAll(subscriptions: readonly Subscription[]): Promise<void>; close(): void }> {
  // Opened once now, so a file that cannot be read stops `serve` at its start, not at the first sign-up.
  (await openDatabase(path)).close();

  async function change(f: (db: Database) => void): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    let compromised: Error | undefined;
    const release = await lock(path, {
      realpath: false,
      lockfilePath: `${path}.lock`,
      // A lock whose holder died is taken over after this long (its holder refreshes it meanwhile).
      stale: 30_000,
      retries: { retries: 100, minTimeout: 10, maxTimeout: 250, randomize: true },
      onCompromised: (e) => (compromised = e),
    }).catch((e: unknown) => {
      throw new UserError('service', `Abonnementsdatabasen ${path} er optaget af en anden proces (${(e as Error).message}). Prøv igen om lidt.`);
    });
    try {
      const db = await openDatabase(path);
      try {
        f(db);
        if (compromised) throw compromised;
        await writeFileAtomic(path, Buffer.from(db.export()), { mode: 0o600 });
      } finally {
        db.close();
      }
    } finally {
      await release().catch(() => undefined);
    }
  }

  return {
    description: `abonnementsdatabasen ${path}`,
    all: () => readSubscriptions(path),
    put: (s: Subscription) => change((db) => insert(db, s)),
    /** Several in one transaction and one write (the benchmark fills a database with it). */
    putAll: (all: readonly Subscription[]) =>
      change((db) => {
        db.run('BEGIN');
        for (const s of all) insert(db, s);
        db.run('COMMIT');
      }),
    async remove(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      await change((db) => {
        for (const id of ids) db.run('DELETE FROM abonnementer WHERE id = ?', [id]);
      });
    },
    // Nothing stays open between calls.
    close: () => undefined,
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
