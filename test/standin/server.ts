// The stand-in server: one node:http listener on 127.0.0.1 that answers Sheets v4, Drive v3, Gmail v1
// and the OAuth token endpoint like Google does, counts every call, and injects faults on demand.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRequest, checkResponse } from './contract.js';
import { QuotaCounter } from './limits.js';
import { matchDrive, newDriveState, type DriveState } from './drive.js';
import { matchGmail, newGmailState, type GmailState } from './gmail.js';
import { ApiError, errorBody, quotaMessage, type ApiFamily, type StandinReply, type StandinRequest } from './http.js';
import { matchOAuth, newOAuthState, type OAuthState } from './oauth.js';
import type { RouteMatch } from './routes.js';
import { matchSheets, newSheetsState, type SheetsState } from './sheets.js';
import { matchStorage, newStorageState, type StorageState } from './storage.js';

export interface StandinState {
  readonly sheets: SheetsState;
  readonly drive: DriveState;
  readonly gmail: GmailState;
  readonly oauth: OAuthState;
  readonly storage: StorageState;
}

export interface CallRecord {
  readonly method: string;
  /** Percent-decoded path, e.g. `/v4/spreadsheets/abc/values:batchGet`. */
  readonly path: string;
  /** The path as it arrived (percent-encoded: `Udsendelser%21A1:append`). */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  /** The route's name, e.g. `sheets.spreadsheets.values.batchGet`; `unknown` when no route matched. */
  readonly route: string;
  /** The status the stand-in answered with (0 when the client went away first). */
  status: number;
  /** The request body as received. */
  readonly body: Buffer;
}

/** What a fault is matched against. */
export interface FaultTarget {
  readonly method: string;
  readonly path: string;
  readonly rawPath: string;
  readonly route: string;
}

export type FaultStatus = number | '403-rateLimit' | '403-userRateLimit';

export interface Fault {
  /**
   * `'POST /upload/drive/v3/files'` (method and path prefix, decoded or raw), a route name
   * (`'drive.files.create'`), a RegExp tried on `METHOD path`, or a predicate.
   */
  readonly match: string | RegExp | ((t: FaultTarget) => boolean);
  /** The error to answer with; absent for a pure delay. `403-rateLimit` → 403 `rateLimitExceeded`. */
  readonly status?: FaultStatus;
  /** `errors[0].reason`, e.g. `userRateLimitExceeded`, `forbidden`, `notFound`. */
  readonly reason?: string;
  readonly message?: string;
  /** How many matching requests it hits (default 1; `Infinity` for a permanent fault). */
  times?: number;
  /** `Retry-After` header: seconds, or an HTTP date. */
  readonly retryAfter?: number | string;
  /** Wait this long before answering (longer than the client's timeout makes a timeout). */
  readonly delayMs?: number;
  /** Carry out the request first, then answer with the fault (the work is done, the answer is lost). */
  readonly after?: boolean;
}

export class CallLog {
  readonly list: CallRecord[] = [];

  /**
   * Calls matching `match` (same forms as a fault's `match`), or all calls. Faulted attempts count:
   * this is what reached the server.
   */
  count(match?: Fault['match']): number {
    return match === undefined ? this.list.length : this.list.filter((c) => faultMatches(match, c)).length;
  }

  /** Route name → number of calls. */
  byRoute(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.list) out[c.route] = (out[c.route] ?? 0) + 1;
    return out;
  }

  /** `METHOD path` → number of calls. */
  byPath(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.list) {
      const k = `${c.method} ${c.path}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  clear(): void {
    this.list.length = 0;
  }
}

export interface StandinOptions {
  /** Bearer token → account e-mail. When empty, any bearer token is accepted as `defaultAccount`. */
  readonly tokens?: Record<string, string>;
  readonly defaultAccount?: string;
}

export interface Standin {
  /** `http://127.0.0.1:PORT`: use as DAGSORDEN_GOOGLE_ROOT_URL. */
  readonly url: string;
  readonly state: StandinState;
  readonly calls: CallLog;
  readonly faults: Fault[];
  /** Bearer token → account e-mail (editable). */
  readonly tokens: Map<string, string>;
  /** Requests no route answered (a test should expect none). */
  readonly unhandled: string[];
  /**
   * Breaches of Google's contract (./contract.ts): requests Google would refuse (answered with
   * Google's 400/404) and answers of the stand-in that its response schema does not allow. Every
   * test expects none (contract-setup.ts); a test that provokes one on purpose empties it.
   */
  readonly contract: string[];
  /** Google's per-minute quotas (limits.ts): Sheets 60 reads and 60 writes a minute per user. */
  readonly quotas: QuotaCounter;
  /** Empties state, calls, faults and the unhandled list. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_ACCOUNT = 'dagsorden@example.org';

/** The stand-ins that are running, for the check after each test (contract-setup.ts). */
export const runningStandins = new Set<Standin>();

function faultMatches(match: Fault['match'], t: FaultTarget): boolean {
  if (typeof match === 'function') return match(t);
  if (match instanceof RegExp) return match.test(`${t.method} ${t.path}`) || match.test(`${t.method} ${t.rawPath}`);
  const space = match.indexOf(' ');
  if (space < 0) return t.route === match || t.path.startsWith(match) || t.rawPath.startsWith(match);
  const method = match.slice(0, space);
  const prefix = match.slice(space + 1);
  return t.method === method && (t.path.startsWith(prefix) || t.rawPath.startsWith(prefix));
}

function faultError(f: Fault, family: ApiFamily): ApiError {
  let code = typeof f.status === 'number' ? f.status : 403;
  let reason = f.reason;
  if (f.status === '403-rateLimit') reason = 'rateLimitExceeded';
  if (f.status === '403-userRateLimit') reason = 'userRateLimitExceeded';
  if (code === 403 && !reason) reason = 'rateLimitExceeded';
  if (code === 429 && !reason) reason = 'rateLimitExceeded';
  code = code || 500;
  const message = f.message ?? (code === 429 || reason?.endsWith('ateLimitExceeded') ? quotaMessage(family, reason ?? '') : undefined);
  return new ApiError(code, message, reason, f.retryAfter === undefined ? {} : { retryAfter: String(f.retryAfter) });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Splits the raw path into decoded segments; `a%3Ab:append` stays one segment `a:b:append`. */
function segmentsOf(rawPath: string): string[] {
  return rawPath
    .split('/')
    .filter((s) => s !== '')
    .map((s) => decodeURIComponent(s));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function startStandin(options: StandinOptions = {}): Promise<Standin> {
  const state: { current: StandinState } = { current: freshState() };
  const calls = new CallLog();
  const faults: Fault[] = [];
  const tokens = new Map(Object.entries(options.tokens ?? {}));
  const unhandled: string[] = [];
  const contract: string[] = [];
  const quotas = new QuotaCounter();
  const defaultAccount = options.defaultAccount ?? DEFAULT_ACCOUNT;
  let url = '';

  function freshState(): StandinState {
    return { sheets: newSheetsState(), drive: newDriveState(), gmail: newGmailState(), oauth: newOAuthState(), storage: newStorageState() };
  }

  function route(req: StandinRequest): RouteMatch | undefined {
    const s = state.current;
    return matchSheets(req, s.sheets, () => url) ?? matchDrive(req, s.drive, () => s.oauth.grantedScopes) ?? matchGmail(req, s.gmail) ?? matchStorage(req, s.storage, () => url) ?? matchOAuth(req, s.oauth, tokens);
  }

  function send(res: ServerResponse, reply: StandinReply): void {
    if (res.destroyed || res.writableEnded) return;
    const headers: Record<string, string> = { ...reply.headers };
    let payload: Buffer | string = '';
    if (reply.body !== undefined) {
      if (Buffer.isBuffer(reply.body)) payload = reply.body;
      else if (typeof reply.body === 'string') payload = reply.body;
      else {
        payload = JSON.stringify(reply.body, null, 2);
        headers['content-type'] ??= 'application/json; charset=UTF-8';
      }
    }
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  function errorReply(e: ApiError, family: ApiFamily): StandinReply {
    const headers: Record<string, string> = {};
    if (e.extra.retryAfter !== undefined) headers['retry-after'] = e.extra.retryAfter;
    if (e.code === 401 && family !== 'oauth') headers['www-authenticate'] = 'Bearer realm="https://accounts.google.com/", error="invalid_token"';
    return { status: e.code, body: errorBody(family, e), headers };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const u = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = (req.method ?? 'GET').toUpperCase();
    const auth = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '');
    const token = auth?.[1]?.trim();
    const account = token ? (tokens.size ? tokens.get(token) : defaultAccount) : undefined;
    const request: StandinRequest = {
      method,
      segments: segmentsOf(u.pathname),
      rawPath: u.pathname,
      query: u.searchParams,
      headers: req.headers,
      body,
      account: account ?? '',
    };
    const match = route(request);
    const record: CallRecord = {
      method,
      path: decodeURIComponent(u.pathname),
      rawPath: u.pathname,
      query: u.searchParams,
      route: match?.name ?? 'unknown',
      status: 0,
      body,
    };
    calls.list.push(record);
    const reply = (r: StandinReply) => {
      record.status = res.destroyed ? 0 : r.status;
      send(res, r);
    };
    if (!match) {
      unhandled.push(`${method} ${u.pathname}${u.search}`);
      reply({ status: 404, body: `stand-in: no route for ${method} ${u.pathname}`, headers: { 'content-type': 'text/html; charset=UTF-8' } });
      return;
    }

    const fault = faults.find((f) => (f.times ?? 1) > 0 && faultMatches(f.match, record));
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.delayMs) await sleep(fault.delayMs);
    }
    const failWith = fault?.status !== undefined ? faultError(fault, match.family) : undefined;
    if (failWith && !fault?.after) {
      reply(errorReply(failWith, match.family));
      return;
    }
    try {
      if (match.authenticated !== false) {
        if (!token) throw new ApiError(401, 'Request is missing required authentication credential. Expected OAuth 2 access token, login cookie or other valid authentication credential.', 'required', { location: 'Authorization', locationType: 'header' });
        if (!account) throw new ApiError(401, undefined, 'authError', { location: 'Authorization', locationType: 'header' });
      }
      try {
        checkRequest(request, match.name);
      } catch (e) {
        if (e instanceof ApiError) contract.push(`${match.name} request ${method} ${u.pathname}${u.search}: ${e.message}`);
        throw e;
      }
      quotas.take(match.name, account ?? '');
      const r = await match.handle();
      if (r.status >= 200 && r.status < 300 && request.query.get('alt') !== 'media') contract.push(...checkResponse(match.name, r.body));
      reply(failWith ? errorReply(failWith, match.family) : r);
    } catch (e) {
      if (e instanceof ApiError) reply(errorReply(e, match.family));
      else reply({ status: 500, body: { error: { code: 500, message: `stand-in bug: ${(e as Error).stack}`, status: 'INTERNAL' } } });
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 500, body: String(e) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standin: Standin = {
    url,
    get state() {
      return state.current;
    },
    calls,
    faults,
    tokens,
    unhandled,
    contract,
    quotas,
    reset() {
      state.current = freshState();
      calls.clear();
      faults.length = 0;
      unhandled.length = 0;
      contract.length = 0;
      quotas.clear();
    },
    close() {
      runningStandins.delete(standin);
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      });
    },
  };
  runningStandins.add(standin);
  return standin;
}
