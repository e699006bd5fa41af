// The subscription endpoint `dagsorden serve` answers under `abonnement/`: sign-up (POST, sends the
// confirmation mail), confirm (GET shows a button, POST confirms), unsubscribe (GET shows a button;
// POST unsubscribes, the RFC 8058 one-click POST included), and the manage page. Hostile input is
// expected: bodies are capped, only a plain address is accepted, and sign-ups are limited per
// address (rules.ts, in the store) and per client and in all (here, in memory).

import type { IncomingMessage, ServerResponse } from 'node:http';
import { composeConfirmation } from '../../delivery/mail/subscriber-notice.js';
import { RecipientRejected } from '../../delivery/mail/recipient-rejected.js';
import type { MailTransport } from '../../delivery/ports.js';
import type { Settings } from '../../model.js';
import type { PortalInput } from '../input.js';
import { endpointPaths, SUBSCRIPTION_ROOT, subscriptionLinks } from './links.js';
import { pages, type EndpointPage } from './pages.js';
import { byToken, decideSignUp, expired, followLabel, parseAddress, parseTarget, type FollowKind } from './rules.js';
import type { SubscriptionStore } from './store.js';

/** A form post is a few hundred bytes; a body above this is refused as soon as it passes it, and discarded. */
export const MAX_BODY_BYTES = 4096;

export interface EndpointLimits {
  /** Sign-ups one client (remote address) may make per hour. */
  readonly perClientPerHour: number;
  /** Confirmation mails the endpoint sends per hour in all (a flood from many clients). */
  readonly mailsPerHour: number;
}

export const DEFAULT_LIMITS: EndpointLimits = { perClientPerHour: 10, mailsPerHour: 200 };

export interface EndpointOptions {
  readonly store: SubscriptionStore;
  readonly mail: MailTransport;
  readonly settings: Settings;
  /** Organisation, template, site address: the pages' layout and the links in mails. */
  readonly layout: Pick<PortalInput, 'organisation' | 'template' | 'siteAddress' | 'timeZone'>;
  /** Has the site a page for this forum or case? Only those can be followed. */
  readonly exists: (kind: FollowKind, target: string) => Promise<boolean>;
  readonly limits?: EndpointLimits;
  readonly clock?: () => Date;
  /** Told of a failure the citizen sees as "try again later" (the mail server or the database); `serve` prints it. */
  readonly onError?: (e: unknown) => void;
}

export type EndpointHandler = ((req: IncomingMessage, res: ServerResponse) => Promise<boolean>) & {
  /** Deletes unconfirmed sign-ups past their 7 days; `dagsorden serve` calls it every hour. */
  purge(): Promise<number>;
};

const HOUR = 3_600_000;

/** Sliding-window counters kept in memory only: nothing about a client is stored. */
class Window {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly limit: number) {}
  /** Counts a hit for `key`, unless it is over the limit; false then. */
  take(key: string, now: number): boolean {
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < HOUR);
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      return false;
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) for (const [k, v] of this.hits) if (v.every((t) => now - t >= HOUR)) this.hits.delete(k);
    return true;
  }
}

class TooLarge extends Error {}

/** The body, up to `limit` bytes; a longer one is refused as soon as it is seen to be longer. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new TooLarge());
  return new Promise((ok, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        fail(new TooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')));
    req.on('error', fail);
  });
}

export function subscriptionEndpoint(opts: EndpointOptions): EndpointHandler {
  const { store, layout } = opts;
  const clock = opts.clock ?? (() => new Date());
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const perClient = new Window(limits.perClientPerHour);
  const mails = new Window(limits.mailsPerHour);
  // NOTE: one change at a time: a sign-up reads the address's subscriptions and writes one back, and
  // two interleaved sign-ups must not both pass the per-address limit.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const next = queue.then(f, f);
    queue = next.catch(() => undefined);
    return next;
  };

  const purge = (): Promise<number> =>
    serial(async () => {
      const gone = expired(await store.all(), clock());
      await store.remove(gone.map((s) => s.id));
      return gone.length;
    });

  async function signUp(req: IncomingMessage): Promise<EndpointPage> {
    const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') return pages.wrongForm(layout);
    const form = new URLSearchParams(await readBody(req, MAX_BODY_BYTES));
    const email = parseAddress(form.get('email'));
    if (!email) return pages.badAddress(layout);
    const wanted = parseTarget(form.get('kind'), form.get('target'));
    if (!wanted || !(await opts.exists(wanted.kind, wanted.target))) return pages.badTarget(layout);
    const now = clock();
    if (!perClient.take(req.socket.remoteAddress ?? '', now.getTime())) return pages.tooMany(layout, 3600);
    return serial(async () => {
      const all = await store.all();
      const decision = decideSignUp(
        all.filter((s) => s.email === email),
        { email, ...wanted },
        now,
      );
      if (decision.kind === 'quiet') return pages.checkMail(layout, email, wanted);
      if (!mails.take('', now.getTime())) return pages.busy(layout);
      const s = decision.subscription;
      const message = await composeConfirmation({
        to: email,
        follows: followLabel(s),
        confirm: subscriptionLinks(layout.siteAddress, s.token).confirm,
        organisation: layout.organisation,
        settings: opts.settings,
        now,
      });
      try {
        const ticket = opts.mail.prepare ? await opts.mail.prepare(message) : undefined;
        await opts.mail.send(message, ticket);
      } catch (e) {
        if (e instanceof RecipientRejected) return pages.rejected(layout);
        throw e;
      }
      // NOTE: stored after the mail went: a failed mail leaves nothing that would hold back a retry.
      await store.put(s);
      return pages.checkMail(layout, email, wanted);
    });
  }

  async function withToken(req: IncomingMessage, url: URL, path: string): Promise<EndpointPage> {
    const post = req.method === 'POST';
    // RFC 8058: the token is in the address; the body (`List-Unsubscribe=One-Click`) is read and capped, not needed.
    if (post) await readBody(req, MAX_BODY_BYTES);
    const token = url.searchParams.get('t');
    return serial(async () => {
      const now = clock();
      const all = await store.all();
      const s = byToken(all, token, now);
      if (path === endpointPaths.unsubscribe) {
        if (!post) return s ? pages.unsubscribeAsk(layout, s) : pages.invalidLink(layout, path);
        if (s) await store.remove([s.id]);
        return pages.unsubscribed(layout, s);
      }
      if (!s) return pages.invalidLink(layout, path);
      if (path === endpointPaths.confirm) {
        if (s.confirmedAt) return pages.confirmed(layout, s);
        if (!post) return pages.confirmAsk(layout, s);
        const done = { ...s, confirmedAt: now.toISOString() };
        await store.put(done);
        return pages.confirmed(layout, done);
      }
      if (post) return pages.notAllowed(layout);
      return pages.manage(
        layout,
        s.email,
        all.filter((x) => x.email === s.email && !expired([x], now).length),
      );
    });
  }

  const handler = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/^\/+/, '');
    if (!path.startsWith(SUBSCRIPTION_ROOT)) return false;
    let answer: EndpointPage;
    try {
      const method = req.method === 'HEAD' ? 'GET' : req.method;
      if (path === endpointPaths.signUp && method === 'POST') answer = await signUp(req);
      else if ((path === endpointPaths.confirm || path === endpointPaths.unsubscribe || path === endpointPaths.manage) && (method === 'GET' || method === 'POST'))
        answer = await withToken(req, url, path);
      else answer = pages.notAllowed(layout);
    } catch (e) {
      if (e instanceof TooLarge) {
        answer = pages.tooLarge(layout);
        res.setHeader('connection', 'close');
      } else {
        // NOTE: the mail server or the database failed: the citizen is told to try again, the operator why.
        opts.onError?.(e);
        answer = pages.busy(layout);
      }
    }
    res.writeHead(answer.status, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      ...answer.headers,
    });
    res.end(req.method === 'HEAD' ? undefined : answer.html);
    return true;
  };
  return Object.assign(handler, { purge });
}
