// The one retry policy for every Google call: 429, 403 rate limits, 5xx and timeouts are retried with
// exponential backoff and full jitter, honouring Retry-After; each attempt has its own timeout.
// NOTE: the client library's own retry is switched off (client.ts sets `retry: false`): it retries
// neither POST/PATCH nor 403 rate limits and ignores Retry-After, and two policies would multiply.

export interface RetryPolicy {
  /** Total attempts, the first included. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Per-attempt timeout. */
  readonly timeoutMs: number;
  /** A Retry-After longer than this is not waited for: the call fails and the next run continues. */
  readonly maxRetryAfterMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1). */
  readonly random: () => number;
  /** For Retry-After given as an HTTP date. */
  readonly now: () => number;
  /** Told before each wait (for logging and tests). */
  readonly onRetry?: (info: RetryInfo) => void;
}

export interface RetryInfo {
  readonly label: string;
  /** The attempt that failed, 1-based. */
  readonly attempt: number;
  readonly delayMs: number;
  readonly why: string;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  timeoutMs: 60_000,
  maxRetryAfterMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

/** The policy with `DAGSORDEN_GOOGLE_TIMEOUT_MS` / `DAGSORDEN_GOOGLE_ATTEMPTS` applied. */
export function retryPolicyFromEnv(env: NodeJS.ProcessEnv, base: RetryPolicy = DEFAULT_RETRY_POLICY): RetryPolicy {
  const int = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    ...base,
    timeoutMs: int(env.DAGSORDEN_GOOGLE_TIMEOUT_MS) ?? base.timeoutMs,
    attempts: Math.max(1, int(env.DAGSORDEN_GOOGLE_ATTEMPTS) ?? base.attempts),
  };
}

/** What an error from a Google client says, read without depending on one gaxios copy's classes. */
export interface GoogleErrorFacts {
  /** HTTP status; undefined when no answer came (timeout, network). */
  readonly status?: number;
  /** `errors[0].reason`, e.g. `userRateLimitExceeded`, `forbidden`, `notFound`. */
  readonly reason?: string;
  /** `error.status`, e.g. `PERMISSION_DENIED`, `RESOURCE_EXHAUSTED`. */
  readonly apiStatus?: string;
  readonly message?: string;
  readonly retryAfter?: string;
  /** The attempt ran out of time. */
  readonly timedOut: boolean;
  /** No answer at all: a timeout, or a network error such as ECONNRESET. */
  readonly noResponse: boolean;
  /** e.g. `ECONNREFUSED`, `ENOTFOUND`. */
  readonly code?: string;
}

interface ErrorLike {
  status?: number;
  code?: string | number;
  name?: string;
  message?: string;
  cause?: unknown;
  error?: unknown;
  config?: unknown;
  response?: { status?: number; headers?: unknown; data?: unknown };
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const h = headers as Record<string, unknown>;
  const v = h[name] ?? h[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

const TIMEOUT_NAMES = ['TimeoutError', 'AbortError'];

export function googleErrorFacts(e: unknown): GoogleErrorFacts | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const err = e as ErrorLike;
  const isGaxios = 'config' in err || 'response' in err;
  if (!isGaxios) return undefined;
  const res = err.response;
  const data = res?.data as { error?: { code?: number; message?: string; status?: string; errors?: { reason?: string }[] } | string; error_description?: string } | string | undefined;
  const body = typeof data === 'object' && data ? data.error : undefined;
  const apiError = typeof body === 'object' ? body : undefined;
  const causeNames: string[] = [];
  for (let c: unknown = err; c && typeof c === 'object' && causeNames.length < 5; c = (c as ErrorLike).cause ?? (c as ErrorLike).error) {
    causeNames.push(String((c as ErrorLike).name ?? ''), String((c as ErrorLike).code ?? ''));
  }
  const timedOut = !res && (causeNames.some((n) => TIMEOUT_NAMES.includes(n)) || /timeout|aborted/i.test(err.message ?? ''));
  const code = typeof err.code === 'string' && !/^\d+$/.test(err.code) ? err.code : undefined;
  return {
    status: res?.status ?? (typeof err.status === 'number' ? err.status : undefined),
    reason: apiError?.errors?.[0]?.reason ?? (typeof body === 'string' ? body : undefined),
    apiStatus: apiError?.status,
    message: apiError?.message ?? (typeof data === 'object' && data?.error_description ? data.error_description : err.message),
    retryAfter: header(res?.headers, 'retry-after'),
    timedOut,
    noResponse: !res,
    code,
  };
}

const RATE_LIMIT_REASONS = ['userRateLimitExceeded', 'rateLimitExceeded'];

export function isRateLimit(f: GoogleErrorFacts): boolean {
  return f.status === 429 || (f.status === 403 && RATE_LIMIT_REASONS.includes(f.reason ?? ''));
}

/** Whether another attempt may succeed. */
export function isRetryable(f: GoogleErrorFacts): boolean {
  if (f.noResponse) return true;
  if (isRateLimit(f)) return true;
  return f.status === 408 || f.status === 500 || f.status === 502 || f.status === 503 || f.status === 504;
}

/**
 * Whether the failed attempt may nevertheless have been carried out (the answer was lost or the server
 * failed midway). A rate limit means it was not.
 */
export function mayHaveHappened(f: GoogleErrorFacts): boolean {
  return f.noResponse || (f.status !== undefined && f.status >= 500);
}

/** Retry-After in ms: seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Full jitter: uniformly in [0, min(cap, base·2^(n−1))]. */
export function backoffMs(policy: RetryPolicy, failedAttempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (failedAttempt - 1));
  return Math.floor(policy.random() * ceiling);
}

/** Per-attempt options every generated method accepts as its second argument. */
export interface AttemptOptions {
  readonly timeout: number;
}

export interface RetryOptions<T> {
  /** Narrows what is retried (default: isRetryable), e.g. only rate limits for a call that must not run twice. */
  readonly retryable?: (facts: GoogleErrorFacts) => boolean;
  /**
   * Before retrying an attempt that may have been carried out (timeout, 5xx): look whether it was,
   * and return its result to stop there (e.g. the file that a lost `files.create` did make).
   */
  readonly recover?: (facts: GoogleErrorFacts) => Promise<T | undefined>;
}

/** The error a call ended with after its last attempt, with how many attempts were made. */
export class RetriesExhausted extends Error {
  constructor(
    readonly label: string,
    readonly attempts: number,
    readonly last: unknown,
    readonly facts: GoogleErrorFacts,
    readonly gaveUpEarly = false,
  ) {
    super(`${label}: failed after ${attempts} attempt(s): ${facts.message ?? String(last)}`);
    this.name = 'RetriesExhausted';
  }
}

/**
 * Runs `call` under the policy. Non-Google errors and permanent Google errors (400, 401, 403, 404)
 * are thrown at once, unchanged; when retries run out, a RetriesExhausted is thrown.
 */
export async function withRetry<T>(label: string, call: (opts: AttemptOptions) => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY, options: RetryOptions<T> = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call({ timeout: policy.timeoutMs });
    } catch (e) {
      const facts = googleErrorFacts(e);
      if (!facts || !(options.retryable ?? isRetryable)(facts)) throw e;
      if (attempt >= policy.attempts) throw new RetriesExhausted(label, attempt, e, facts);
      const after = retryAfterMs(facts.retryAfter, policy.now());
      if (after !== undefined && after > policy.maxRetryAfterMs) throw new RetriesExhausted(label, attempt, e, facts, true);
      const delayMs = after ?? backoffMs(policy, attempt);
      const why = facts.status ? `HTTP ${facts.status}${facts.reason ? ` ${facts.reason}` : ''}` : facts.timedOut ? 'timeout' : (facts.code ?? 'no response');
      policy.onRetry?.({ label, attempt, delayMs, why });
      await policy.sleep(delayMs);
      if (options.recover && mayHaveHappened(facts)) {
        const recovered = await options.recover(facts);
        if (recovered !== undefined) return recovered;
      }
    }
  }
}
