// The stand-in's HTTP plumbing: request/response types, Google-shaped error bodies, and the
// multipart/related parser the Drive and Gmail upload endpoints need.

import type { IncomingHttpHeaders } from 'node:http';

/** Which API answered: each has its own error body style. */
export type ApiFamily = 'sheets' | 'drive' | 'gmail' | 'oauth' | 'storage';

export interface StandinRequest {
  readonly method: string;
  /** Path segments, percent-decoded (a `:verb` suffix is kept on its segment). */
  readonly segments: readonly string[];
  /** The path as received, still percent-encoded. */
  readonly rawPath: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The account the bearer token stands for. */
  readonly account: string;
}

export interface StandinReply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const DEFAULT_REASONS: Record<number, string> = {
  400: 'badRequest',
  401: 'authError',
  403: 'forbidden',
  404: 'notFound',
  409: 'conflict',
  429: 'rateLimitExceeded',
  500: 'backendError',
  502: 'backendError',
  503: 'backendError',
  504: 'backendError',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid argument.',
  401: 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
  403: 'The caller does not have permission',
  404: 'Requested entity was not found.',
  409: 'The operation was aborted.',
  500: 'Internal error encountered.',
  502: 'Bad Gateway',
  503: 'The service is currently unavailable.',
  504: 'Deadline exceeded.',
};

/** A Google API error; thrown by handlers, turned into the documented JSON body by the server. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message?: string,
    readonly reason?: string,
    readonly extra: { domain?: string; location?: string; locationType?: string; retryAfter?: string } = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code] ?? `HTTP ${code}`);
  }
}

export function quotaMessage(family: ApiFamily, reason: string): string {
  if (family === 'sheets')
    return "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.";
  return reason === 'userRateLimitExceeded' ? 'User Rate Limit Exceeded' : 'Rate Limit Exceeded';
}

/**
 * The body Google sends for an error. Sheets answers in the newer `google.rpc.Status` style
 * (`{code, message, status}`), Drive v3 in the older JSON-API style (`errors[]` with reason, no
 * status), Gmail with both.
 */
export function errorBody(family: ApiFamily, e: ApiError): unknown {
  const status = STATUS_NAMES[e.code] ?? 'UNKNOWN';
  const reason = e.reason ?? DEFAULT_REASONS[e.code] ?? 'unknown';
  const domain = e.extra.domain ?? (reason.endsWith('RateLimitExceeded') || reason === 'rateLimitExceeded' ? 'usageLimits' : 'global');
  const item: Record<string, string> = { message: e.message, domain, reason };
  if (e.extra.location) item.location = e.extra.location;
  if (e.extra.locationType) item.locationType = e.extra.locationType;
  if (family === 'oauth') return { error: reason, error_description: e.message };
  if (family === 'sheets') {
    const body: Record<string, unknown> = { code: e.code, message: e.message, status };
    if (e.code === 429) {
      body.details = [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMIT_EXCEEDED',
          domain: 'googleapis.com',
          metadata: { service: 'sheets.googleapis.com', quota_metric: 'sheets.googleapis.com/read_requests', quota_limit: 'ReadRequestsPerMinutePerUser' },
        },
      ];
    }
    // The permission / not-found errors of Sheets carry no errors[]; rate limits do in practice.
    if (e.code === 429 || e.reason) body.errors = [item];
    return { error: body };
  }
  // Cloud Storage answers in the same JSON-API style as Drive v3.
  if (family === 'drive' || family === 'storage') return { error: { errors: [item], code: e.code, message: e.message } };
  return { error: { code: e.code, message: e.message, errors: [item], status } };
}

export function json(body: unknown, status = 200): StandinReply {
  return { status, body };
}

export function parseJsonBody(req: StandinRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  try {
    return JSON.parse(req.body.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new ApiError(400, `Invalid JSON payload received. Unexpected token.`, 'parseError');
  }
}

export interface MultipartPart {
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

/** Parses a `multipart/related` body into its parts (headers lower-cased). */
export function parseMultipart(contentType: string, body: Buffer): MultipartPart[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new ApiError(400, 'Multipart upload without a boundary.', 'badContent');
  const delimiter = Buffer.from(`--${m[1]}`);
  const parts: MultipartPart[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    let end = next;
    if (body.subarray(end - 2, end).toString() === '\r\n') end -= 2;
    const part = body.subarray(start, end);
    const split = part.indexOf('\r\n\r\n');
    const head = split < 0 ? '' : part.subarray(0, split).toString('utf8');
    const headers: Record<string, string> = {};
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: split < 0 ? part : part.subarray(split + 4) });
    pos = next;
  }
  return parts;
}

/** Applies a partial-response `fields` mask (`id,webViewLink`, `files(id,name)`, `sheets.properties.title`). */
export function applyFields(value: unknown, fields: string | null): unknown {
  if (!fields || fields === '*') return value;
  return select(value, parseFieldMask(fields));
}

export type Mask = Map<string, Mask | true>;

/** `files(id,name),nextPageToken` → a tree of field names (same grammar as Google's partial responses); the contract check reads the same tree, so it judges the mask the answer is cut by. */
export function parseFieldMask(s: string): Mask {
  let i = 0;
  const parseList = (): Mask => {
    const mask: Mask = new Map();
    while (i < s.length && s[i] !== ')') {
      let path = '';
      while (i < s.length && !',()'.includes(s[i]!)) path += s[i++];
      path = path.trim();
      let sub: Mask | true = true;
      if (s[i] === '(') {
        i++;
        sub = parseList();
        i++; // ')'
      }
      if (path) {
        const keys = path.split(/[./]/);
        let node = mask;
        for (const [n, k] of keys.entries()) {
          if (n === keys.length - 1) {
            const prev = node.get(k);
            node.set(k, prev instanceof Map && sub instanceof Map ? new Map([...prev, ...sub]) : prev === true ? true : sub);
            break;
          }
          let child = node.get(k);
          // An ancestor selected whole (`a,a.b`) already holds the deeper path.
          if (child === true) break;
          if (!child) {
            child = new Map();
            node.set(k, child);
          }
          node = child;
        }
      }
      if (s[i] === ',') i++;
    }
    return mask;
  };
  return parseList();
}

function select(value: unknown, mask: Mask): unknown {
  if (Array.isArray(value)) return value.map((v) => select(v, mask));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, sub] of mask) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    out[k] = sub === true ? v : select(v, sub);
  }
  return out;
}
