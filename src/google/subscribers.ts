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
import { addTabRequests, isTabAddedMeanwhile } from './create-sheet.js';
import { googleErrorFacts, isRateLimit, withRetry } from './retry.js';
import { gridFromSheet, tabRange } from './sheets-read.js';
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

/** The developer metadata key that anchors a subscription's row; its value is the subscription's id. */
const SUBSCRIBER_ANCHOR_KEY = 'dagsorden.abonnent';

const anchorFilter = (subscriptionId: string): sheets_v4.Schema$DataFilter => ({ developerMetadataLookup: { metadataKey: SUBSCRIBER_ANCHOR_KEY, metadataValue: subscriptionId, locationType: 'ROW' } });

// The tab's values and, per row, the anchors on it, in one call.
const READ_FIELDS = 'sheets(properties(sheetId,title),merges,data(rowData(values(effectiveValue)),rowMetadata(developerMetadata(metadataId,metadataKey,metadataValue))))';

interface TabNow {
  readonly parsed: ParsedSubscribers;
  readonly sheetId: number;
  /** Zero-based row → the ids its anchors name. */
  readonly anchorsOn: ReadonlyMap<number, readonly string[]>;
  /** Subscription id → how many rows carry its anchor. */
  readonly anchorCount: ReadonlyMap<string, number>;
}

/**
 * Whether a write for this subscription may go by its anchor: its one anchor is on the row whose
 * Id cell names it, and no other anchor is on that row. After a sort, a copied row or a hand edit the
 * anchors may not match the rows: then the row is written where it is read, and anchored afresh.
 */
function anchoredAt(tab: TabNow, subscriptionId: string, row: number): boolean {
  const on = tab.anchorsOn.get(row) ?? [];
  return tab.anchorCount.get(subscriptionId) === 1 && on.length === 1 && on[0] === subscriptionId;
}

/** A row of text cells for updateCells: what RAW writes (an empty string leaves the cell empty). */
const rowData = (row: readonly string[]): sheets_v4.Schema$RowData => ({ values: row.map((v) => (v === '' ? {} : { userEnteredValue: { stringValue: v } })) });

/**
 * The store `dagsorden serve --sheet` keeps: every call reads the tab afresh (the secretary may
 * have deleted a row a minute ago), and writes only the row it concerns, as text (nothing the citizen
 * typed is read as a formula).
 *
 * NOTE: a row is found by an anchor, not by its number. Each row this store writes carries developer
 * metadata naming its subscription, which Google keeps with the row as rows above it are inserted or
 * deleted. So a row the secretary deletes while a confirmation or an unsubscription is under way
 * cannot make the write land on her neighbour's row (it did when rows were written by number: someone
 * else was unsubscribed, or two rows got one id). A new row is inserted under the header together
 * with its anchor, in one atomic batchUpdate; the tab therefore lists the newest sign-ups first.
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

  /** The tab as it is now, with its anchors; undefined when the Sheet has none yet. */
  const read = (): Promise<TabNow | undefined> =>
    call(async (sheets, g) => {
      try {
        const res = await withRetry('sheets.spreadsheets.get', (o) => sheets.spreadsheets.get({ spreadsheetId: id, ranges: [range], includeGridData: true, fields: READ_FIELDS }, o), g.policy);
        const sheet = res.data.sheets?.[0];
        if (!sheet) return undefined;
        const anchorsOn = new Map<number, string[]>();
        const anchorCount = new Map<string, number>();
        (sheet.data?.[0]?.rowMetadata ?? []).forEach((props, r) => {
          const ids = (props.developerMetadata ?? []).filter((m) => m.metadataKey === SUBSCRIBER_ANCHOR_KEY).map((m) => m.metadataValue ?? '');
          if (ids.length) anchorsOn.set(r, ids);
          for (const x of ids) anchorCount.set(x, (anchorCount.get(x) ?? 0) + 1);
        });
        return { parsed: parseSubscriberRows(gridFromSheet(sheet)), sheetId: sheet.properties?.sheetId ?? 0, anchorsOn, anchorCount };
      } catch (e) {
        if (isMissingRange(e)) return undefined;
        throw e;
      }
    });

  /**
   * A Sheet made before the tab existed, and no run of the job since: the tab is made as init-sheet
   * makes it. Another `serve` process (or the job) may add it between the look and the write: Google
   * then refuses the write, and the tab as it is now counts.
   */
  const createTab = (): Promise<void> =>
    call(async (sheets, g) => {
      for (let attempt = 1; ; attempt++) {
        const meta = await withRetry('sheets.spreadsheets.get', (o) => sheets.spreadsheets.get({ spreadsheetId: id, fields: 'sheets.properties(sheetId,title)' }, o), g.policy);
        const used = new Set((meta.data.sheets ?? []).map((s) => s.properties?.sheetId ?? 0));
        if ((meta.data.sheets ?? []).some((s) => s.properties?.title === SUBSCRIBERS_TAB.name)) return;
        let sheetId = 7;
        while (used.has(sheetId)) sheetId++;
        try {
          await withRetry('sheets.spreadsheets.batchUpdate', (o) => sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests: addTabRequests(SUBSCRIBERS_TAB, sheetId) } }, o), g.policy, {
            retryable: isRateLimit,
          });
          return;
        } catch (e) {
          if (attempt >= 3 || !isTabAddedMeanwhile(e)) throw e;
        }
      }
    });

  const anchorAt = (sheetId: number, row: number, subscriptionId: string): sheets_v4.Schema$Request => ({
    createDeveloperMetadata: {
      developerMetadata: { metadataKey: SUBSCRIBER_ANCHOR_KEY, metadataValue: subscriptionId, visibility: 'DOCUMENT', location: { dimensionRange: { sheetId, dimension: 'ROWS', startIndex: row, endIndex: row + 1 } } },
    },
  });

  return {
    description: `fanen ${SUBSCRIBERS_TAB.name} i Google Sheet ${id}`,
    all: async () => (await read())?.parsed.subscriptions ?? [],
    async put(s: Subscription): Promise<void> {
      let tab = await read();
      if (!tab) {
        await createTab();
        tab = await read();
        if (!tab) throw new Error(`The tab ${SUBSCRIBERS_TAB.name} is missing just after it was added`);
      }
      const { sheetId } = tab;
      const row = subscriberRow(s, tab.parsed.columns);
      const at = tab.parsed.rowOf.get(s.id);
      await call(async (sheets, g) => {
        if (at !== undefined && anchoredAt(tab, s.id, at)) {
          // NOTE: the same row again (confirmed, or a new confirmation mail), wherever it is now; the
          // write is idempotent, so retried as usual. Should the secretary have deleted the row
          // meanwhile, the anchor went with it and nothing is written: her deletion stands.
          await withRetry(
            'sheets.values.batchUpdateByDataFilter',
            (o) => sheets.spreadsheets.values.batchUpdateByDataFilter({ spreadsheetId: id, requestBody: { valueInputOption: 'RAW', data: [{ dataFilter: anchorFilter(s.id), majorDimension: 'ROWS', values: [row] }] } }, o),
            g.policy,
          );
          return;
        }
        // An anchor of this id left on an emptied row (unsubscribed earlier) goes, so the row written
        // now is the only one that carries it.
        const stale: sheets_v4.Schema$Request[] = (tab.anchorCount.get(s.id) ?? 0) > 0 ? [{ deleteDeveloperMetadata: { dataFilter: anchorFilter(s.id) } }] : [];
        const requests: sheets_v4.Schema$Request[] =
          at !== undefined
            ? [
                // A row without its anchor (written before rows were anchored, typed in, or moved by a
                // sort): written where it was read, and anchored from now on, in one request.
                ...stale,
                ...(tab.anchorsOn.get(at) ?? []).filter((x) => x !== s.id).map((x) => ({ deleteDeveloperMetadata: { dataFilter: anchorFilter(x) } })),
                { updateCells: { start: { sheetId, rowIndex: at, columnIndex: 0 }, rows: [rowData(row)], fields: 'userEnteredValue' } },
                anchorAt(sheetId, at, s.id),
              ]
            : [
                ...stale,
                { insertDimension: { range: { sheetId, dimension: 'ROWS', startIndex: 1, endIndex: 2 }, inheritFromBefore: false } },
                { updateCells: { start: { sheetId, rowIndex: 1, columnIndex: 0 }, rows: [rowData(row)], fields: 'userEnteredValue' } },
                anchorAt(sheetId, 1, s.id),
              ];
        // NOTE: inserting a row is not idempotent: after a lost answer a retry could add the row twice
        // (which the parser would then refuse), so only a rate limit is retried; the citizen is told to
        // try again.
        await withRetry('sheets.spreadsheets.batchUpdate', (o) => sheets.spreadsheets.batchUpdate({ spreadsheetId: id, requestBody: { requests } }, o), g.policy, { retryable: isRateLimit });
      });
    },
    async remove(ids: readonly string[]): Promise<void> {
      if (ids.length === 0) return;
      const tab = await read();
      if (!tab) return;
      const anchored = ids.filter((x) => tab.parsed.rowOf.has(x) && anchoredAt(tab, x, tab.parsed.rowOf.get(x)!));
      const loose = ids.flatMap((x) => {
        const r = tab.parsed.rowOf.get(x);
        return r === undefined || anchored.includes(x) ? [] : [r];
      });
      const last = columnLetter(Math.max(...tab.parsed.columns.values()));
      // NOTE: the rows are emptied, not deleted, so no other row moves under the job or the secretary;
      // empty rows are skipped when read. An anchored row is found wherever it is now.
      if (anchored.length)
        await call((sheets, g) =>
          withRetry('sheets.values.batchClearByDataFilter', (o) => sheets.spreadsheets.values.batchClearByDataFilter({ spreadsheetId: id, requestBody: { dataFilters: anchored.map(anchorFilter) } }, o), g.policy),
        );
      // A row without its anchor is emptied where it was read. Should the secretary delete a row above
      // it in between, someone else's row would be emptied (she is unsubscribed), never a notice sent
      // to an address that did not confirm.
      if (loose.length)
        await call((sheets, g) =>
          withRetry(
            'sheets.values.batchClear',
            (o) => sheets.spreadsheets.values.batchClear({ spreadsheetId: id, requestBody: { ranges: loose.map((r) => `${range}!A${r + 1}:${last}${r + 1}`) } }, o),
            g.policy,
          ),
        );
    },
  };
}
