// Citizens' subscriptions in Google mode (issue 21): the Sheet's own script-owned tab `Abonnenter`.
// The secretary sees who follows what and may delete a row (the citizen is then unsubscribed).
// `dagsorden serve --sheet` keeps it with the store interface (`all`, `put`, `remove`) as `values`
// reads and writes; the scheduled job reads it in its one `spreadsheets.get` (parseSubscriberRows).
// NOTE: fail closed. A row that is not exactly as the endpoint wrote it (a hand edit, a half-pasted
// row, two rows with one id) is left out and reported with its cell: no notice goes to an address
// that may be wrong, and no confirmation typed by hand counts as the citizen's.

import type { sheets_v4 } from '@googleapis/sheets';
import { cellA1, columnLetter, SUBSCRIBER_KINDS, SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import type { Problem } from '../model.js';
import { parseAddress, parseTarget, pendingKey, type FollowKind, type Subscription } from '../portal/subscriptions/rules.js';
import type { SubscriptionStore } from '../portal/subscriptions/store.js';
import { isCellError, type RawGrid, type RawValue } from '../workbook/raw.js';
import type { Google } from './client.js';
import { addTabRequests } from './create-sheet.js';
import { googleErrorFacts, isRateLimit, withRetry } from './retry.js';
import { tabRange } from './sheets-read.js';
import { translateGoogleError } from './translate-error.js';

type Key = (typeof SUBSCRIBERS_TAB.columns)[number]['key'];
const KEYS = SUBSCRIBERS_TAB.columns.map((c) => c.key) as Key[];
const header = (key: Key): string => SUBSCRIBERS_TAB.columns.find((c) => c.key === key)!.header;

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const ID = /^[A-Za-z0-9_-]{8,64}$/;
const PENDING = /^bekræft:[A-Za-z0-9_-]{43}$/;

function text(v: RawValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (isCellError(v)) return v.error;
  return String(v).trim();
}

/** An instant as the endpoint writes it (`Date.toISOString()`), and nothing else. */
function isInstant(s: string): boolean {
  const t = Date.parse(s);
  return Number.isFinite(t) && new Date(t).toISOString() === s;
}

export interface ParsedSubscribers {
  /** The rows that are exactly as the endpoint wrote them. */
  readonly subscriptions: Subscription[];
  /** Danish, with the cell; scope `subscribers`: they hold back no one else's mail. */
  readonly problems: Problem[];
  /** Zero-based row of each subscription's id (every row with an id, used or not). */
  readonly rowOf: ReadonlyMap<string, number>;
  /** Column of each key (by header text; the schema's order when the header row is empty). */
  readonly columns: ReadonlyMap<Key, number>;
}

const SCOPE = { kind: 'subscribers' } as const;

/** The tab's rows → the subscriptions to use, and a problem for each row that cannot be trusted. Pure. */
export function parseSubscriberRows(grid: RawGrid | undefined): ParsedSubscribers {
  const tab = SUBSCRIBERS_TAB.name;
  const rows = grid?.rows ?? [];
  const headers = (rows[0] ?? []).map(text);
  const columns = new Map<Key, number>();
  const problems: Problem[] = [];
  if (headers.every((h) => h === '')) KEYS.forEach((k, i) => columns.set(k, i));
  else for (const k of KEYS) if (headers.includes(header(k))) columns.set(k, headers.indexOf(header(k)));
  const missing = KEYS.filter((k) => !columns.has(k));
  const rowOf = new Map<string, number>();
  if (missing.length) {
    problems.push({
      tab,
      cell: '',
      message: `Fanen ${tab} mangler kolonnen ${missing.map(header).join(', ')}. Der sendes ingen e-mails til abonnenter, før overskrifterne er som før: fortryd ændringen (Versionshistorik).`,
      scope: SCOPE,
    });
    return { subscriptions: [], problems, rowOf, columns };
  }
  const cell = (r: number, k: Key): string => cellA1(r, columns.get(k)!);
  const candidates: { row: number; s: Subscription }[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const v = (k: Key): string => text(row[columns.get(k)!]);
    if (KEYS.every((k) => v(k) === '')) continue;
    if (v('id')) rowOf.set(v('id'), r);
    const bad = (k: Key, what: string): void => {
      problems.push({
        tab,
        cell: cell(r, k),
        message: `Række ${r + 1} i ${tab} er ikke, som dagsorden skrev den (${what}), og bruges ikke: abonnenten får ingen e-mails. Fortryd ændringen (Versionshistorik), eller slet rækken; så kan borgeren tilmelde sig igen.`,
        scope: SCOPE,
      });
    };
    const email = parseAddress(v('email'));
    const kind = (Object.keys(SUBSCRIBER_KINDS) as FollowKind[]).find((k) => SUBSCRIBER_KINDS[k] === v('kind'));
    const target = kind ? parseTarget(kind, v('target')) : undefined;
    const token = v('token');
    if (!email || email !== v('email')) bad('email', 'E-mail er ikke én adresse med små bogstaver');
    else if (!kind) bad('kind', `Følger skal være ${SUBSCRIBER_KINDS.forum} eller ${SUBSCRIBER_KINDS.sag}`);
    else if (!target || target.target !== v('target')) bad('target', 'Navn eller sagsnr. kan ikke læses');
    else if (!isInstant(v('requestedAt'))) bad('requestedAt', 'Tilmeldt er ikke et tidspunkt');
    else if (v('confirmedAt') && !isInstant(v('confirmedAt'))) bad('confirmedAt', 'Bekræftet er ikke et tidspunkt');
    else if (!ID.test(v('id'))) bad('id', 'Id mangler eller er ændret');
    else if (!TOKEN.test(token) && !PENDING.test(token)) bad('token', 'Nøgle mangler eller er ændret');
    // Only the citizen's own link confirms: a date typed into a pending row is no consent.
    else if (v('confirmedAt') && PENDING.test(token)) bad('confirmedAt', 'Bekræftet er udfyldt, men borgeren har ikke bekræftet');
    else
      candidates.push({
        row: r,
        s: { id: v('id'), email, kind, target: target.target, token, requestedAt: v('requestedAt'), ...(v('confirmedAt') ? { confirmedAt: v('confirmedAt') } : {}) },
      });
  }
  // Two rows with one id or one key (a copied row): neither can be trusted to be the citizen's.
  const count = (f: (s: Subscription) => string) => candidates.reduce((m, c) => m.set(f(c.s), (m.get(f(c.s)) ?? 0) + 1), new Map<string, number>());
  const ids = count((s) => s.id);
  const tokens = count((s) => s.token);
  const subscriptions: Subscription[] = [];
  for (const c of candidates) {
    const dupId = ids.get(c.s.id)! > 1;
    if (dupId || tokens.get(c.s.token)! > 1) {
      problems.push({
        tab,
        cell: cell(c.row, dupId ? 'id' : 'token'),
        message: `Række ${c.row + 1} i ${tab} har samme ${dupId ? 'Id' : 'Nøgle'} som en anden række (en kopieret række?) og bruges ikke: abonnenten får ingen e-mails. Slet den række, der er kopieret.`,
        scope: SCOPE,
      });
      continue;
    }
    subscriptions.push(c.s);
  }
  return { subscriptions, problems, rowOf, columns };
}

/** A subscription as the tab's row, in the tab's column order. A pending token is kept as its fingerprint only. */
export function subscriberRow(s: Subscription, columns: ReadonlyMap<Key, number>): string[] {
  const token = s.confirmedAt || PENDING.test(s.token) ? s.token : pendingKey(s.token);
  const values: Record<Key, string> = { email: s.email, kind: SUBSCRIBER_KINDS[s.kind], target: s.target, requestedAt: s.requestedAt, confirmedAt: s.confirmedAt ?? '', id: s.id, token };
  const width = Math.max(...columns.values()) + 1;
  const row = Array.from({ length: width }, () => '');
  for (const k of KEYS) row[columns.get(k)!] = values[k];
  return row;
}

export interface GoogleSubscriptionStoreOptions {
  readonly spreadsheetId: string;
  readonly google: Google | Promise<Google>;
}

function isMissingRange(e: unknown): boolean {
  const f = googleErrorFacts(e);
  return f?.status === 400 && /Unable to parse range/i.test(f.message ?? '');
}

/**
 * The store `dagsorden serve --sheet` keeps: every call reads the tab afresh (the secretary may
 * have deleted a row a minute ago), and writes only the row it concerns, as text (RAW: nothing the
 * citizen typed is read as a formula).
 */
export function googleSubscriptionStore(opts: GoogleSubscriptionStoreOptions): SubscriptionStore {
  const id = opts.spreadsheetId;
  const range = tabRange(SUBSCRIBERS_TAB.name);
  const session = Promise.resolve(opts.google);

  async function call<T>(f: (sheets: sheets_v4.Sheets, g: Google) => Promise<T>): Promise<T> {
    const g = await session;
    try {
      return await f(await g.sheets(), g);
    } catch (e) {
      throw translateGoogleError(e, { target: { kind: 'spreadsheet', id }, account: await g.account(), timeoutMs: g.policy.timeoutMs });
    }
  }

  /** The tab as it is now; undefined when the Sheet has none yet. */
  const read = (): Promise<ParsedSubscribers | undefined> =>
    call(async (sheets, g) => {
      try {
        const res = await withRetry('sheets.values.get', (o) => sheets.spreadsheets.values.get({ spreadsheetId: id, range, valueRenderOption: 'UNFORMATTED_VALUE' }, o), g.policy);
        const rows = (res.data.values ?? []).map((r) => r.map((v: unknown) => (v === '' || v === null || v === undefined ? null : typeof v === 'number' || typeof v === 'boolean' ? v : String(v))));
        return parseSubscriberRows({ tab: SUBSCRIBERS_TAB.name, rows });
      } catch (e) {
        if (isMissingRange(e)) return undefined;
        throw e;
      }
    });

  /** A Sheet made before the tab existed, and no run of the job since: the tab is made as init-sheet makes it. */
  const createTab = (): Promise<void> =>
    call(async (sheets, g) => {
      const meta = await withRetry('sheets.spreadsheets.get', (o) => sheets.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties(sheetId,title)' }, o), g.policy);
      const used = new Set((meta.data.sheets ?? []).map((s) => s.properties?.sheetId ?? 0));
      if ((meta.data.sheets ?? []).some((s) => s.properties?.title === SUBSCRIBERS_TAB.name)) return;
      let sheetId = 7;
      while (used.has(sheetId)) sheetId++;
      await withRetry('sheets.spreadsheets.batchUpdate', (o) => sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: addTabRequests(SUBSCRIBERS_TAB, sheetId) } }, o), g.policy, {
        retryable: isRateLimit,
      });
    });

  return {
    description: `fanen ${SUBSCRIBERS_TAB.name} i Google Sheet ${id}`,
    all: async () => (await read())?.subscriptions ?? [],
    async put(s: Subscription): Promise<void> {
      let tab = await read();
      if (!tab) {
        await createTab();
        tab = parseSubscriberRows(undefined);
      }
      const row = subscriberRow(s, tab.columns);
      const at = tab.rowOf.get(s.id);
      const last = columnLetter(row.length - 1);
      await call(async (sheets, g) => {
        if (at !== undefined) {
          // The same row again (confirmed, or a new confirmation mail): idempotent, so retried as usual.
          await withRetry(
            'sheets.values.update',
            (o) => sheets.spreadsheets.values.update({ spreadsheetId: id, range: `${range}!A${at + 1}:${last}${at + 1}`, valueInputOption: 'RAW', requestBody: { values: [row] } }, o),
            g.policy,
          );
          return;
        }
        // NOTE: an append is not idempotent: after a lost answer a retry could add the row twice (which
        // the parser would then refuse), so only a rate limit is retried; the citizen is told to try again.
        await withRetry(
          'sheets.values.append',
          (o) => sheets.spreadsheets.values.append({ spreadsheetId: id, range: `${range}!A:${last}`, valueInputOption: 'RAW', insertDataOption: 'INSERT_ROWS', requestBody: { values: [row] } }, o),
          g.policy,
          { retryable: isRateLimit },
        );
      });
    },
    async remove(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      const tab = await read();
      const rows = ids.flatMap((x) => {
        const r = tab?.rowOf.get(x);
        return r === undefined ? [] : [r];
      });
      if (!tab || rows.length === 0) return;
      const last = columnLetter(Math.max(...tab.columns.values()));
      // NOTE: the rows are emptied, not deleted, so no other row moves under the job or the secretary;
      // empty rows are skipped when read. A row the secretary deletes between this read and this clear
      // would shift the rows: the worst that can happen is that someone else's row is emptied (she is
      // unsubscribed), never that a notice goes to an address she did not confirm.
      await call((sheets, g) =>
        withRetry(
          'sheets.values.batchClear',
          (o) => sheets.spreadsheets.values.batchClear({ spreadsheetId: id, requestBody: { ranges: rows.map((r) => `${range}!A${r + 1}:${last}${r + 1}`) } }, o),
          g.policy,
        ),
      );
    },
  };
}
