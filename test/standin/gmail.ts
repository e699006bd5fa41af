// Gmail v1 for the stand-in: messages.send (JSON `{raw}` or upload), drafts.create/get/list/send/delete,
// messages.list with `q=rfc822msgid:` and messages.get, holding sent mail in memory as raw MIME.

import { ApiError, json, parseJsonBody, parseMultipart, type StandinReply, type StandinRequest } from './http.js';
import type { RouteMatch } from './routes.js';

export interface GmailMessage {
  readonly id: string;
  readonly threadId: string;
  labelIds: string[];
  /** The RFC 2822 message exactly as received (decoded from base64url). */
  readonly raw: Buffer;
  /** The account (mailbox) the message belongs to. */
  readonly account: string;
  readonly internalDate: string;
  /** `<...>`: the Message-ID header (the one sent, or one Gmail made up when there was none). */
  readonly messageIdHeader: string;
  readonly headers: ReadonlyMap<string, string>;
}

export interface GmailDraft {
  readonly id: string;
  message: GmailMessage;
}

export interface GmailState {
  readonly messages: Map<string, GmailMessage>;
  readonly drafts: Map<string, GmailDraft>;
  counter: number;
  /** Send-as addresses besides the account's own (lower case). */
  readonly sendAs: Set<string>;
  /**
   * Messages one account may send per day: 2,000 for a Google Workspace account ("Gmail sending
   * limits in Google Workspace", support.google.com/a/answer/166852). Beyond it Gmail answers 429
   * "User-rate limit exceeded" "(Mail sending)" with the time to retry (Gmail API, "Resolve errors").
   */
  dailyLimit: number;
  /** False: the refusal names no time to retry (the message as Gmail's documentation shows it without one). */
  dailyLimitNamesTime?: boolean;
  /** The day (UTC, `yyyy-mm-dd`) the limit counts for; a test moves it on to make it the next day. */
  today: string;
  /** Messages sent per `account day`. */
  readonly sentPerDay: Map<string, number>;
}

/** Counts one message against the account's daily sending limit, or refuses it as Gmail does. */
function countSend(state: GmailState, account: string): void {
  const key = `${account} ${state.today}`;
  const n = state.sentPerDay.get(key) ?? 0;
  if (n >= state.dailyLimit) {
    const next = new Date(Date.parse(`${state.today}T00:00:00Z`) + 86_400_000).toISOString();
    if (state.dailyLimitNamesTime === false) throw new ApiError(429, 'User-rate limit exceeded. (Mail sending)', 'rateLimitExceeded');
    throw new ApiError(429, `User-rate limit exceeded.  Retry after ${next} (Mail sending)`, 'rateLimitExceeded', { retryAfter: new Date(next).toUTCString() });
  }
  state.sentPerDay.set(key, n + 1);
}

export function newGmailState(): GmailState {
  return { messages: new Map(), drafts: new Map(), counter: 0, sendAs: new Set(), dailyLimit: 2000, today: new Date().toISOString().slice(0, 10), sentPerDay: new Map() };
}

/** Messages that were sent (label SENT), in sending order. */
export function sentMessages(state: GmailState): GmailMessage[] {
  return [...state.messages.values()].filter((m) => m.labelIds.includes('SENT'));
}

const MAX_BYTES = 35 * 1024 * 1024;

function nextId(state: GmailState): string {
  state.counter += 1;
  return (0x18c0_0000_0000_0000n + BigInt(state.counter) * 0x1_0000n + 0xabcn).toString(16);
}

/** Unfolded header lines of an RFC 2822 message, names lower-cased (first occurrence wins). */
function parseHeaders(raw: Buffer): Map<string, string> {
  const text = raw.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return headers;
}

function decodeRaw(raw: unknown): Buffer {
  if (typeof raw !== 'string' || raw === '') throw new ApiError(400, "Invalid value for ByteString: 'raw' is required.", 'invalidArgument');
  // NOTE: Node's base64 decoder accepts both the URL-safe and the standard alphabet, as Gmail does.
  return Buffer.from(raw, 'base64');
}

function storeMessage(state: GmailState, account: string, raw: Buffer, labelIds: string[], threadId?: string): GmailMessage {
  if (raw.length > MAX_BYTES) throw new ApiError(400, 'Request payload size exceeds the limit: 36700160 bytes.', 'badRequest');
  const headers = parseHeaders(raw);
  if (labelIds.includes('SENT') && !headers.get('to') && !headers.get('cc') && !headers.get('bcc')) {
    throw new ApiError(400, 'Recipient address required', 'invalidArgument');
  }
  const id = nextId(state);
  const message: GmailMessage = {
    id,
    threadId: threadId ?? id,
    labelIds,
    raw,
    account,
    internalDate: String(Date.now()),
    messageIdHeader: headers.get('message-id') ?? `<${id}@mail.gmail.com>`,
    headers,
  };
  state.messages.set(id, message);
  return message;
}

/** The raw MIME from a JSON body `{raw}`, an upload (`uploadType=media|multipart`), or a draft's `{message:{raw}}`. */
function incomingRaw(req: StandinRequest, upload: boolean, draft: boolean): { raw: Buffer; threadId?: string } {
  if (!upload) {
    const body = parseJsonBody(req);
    const msg = (draft ? body.message : body) as { raw?: unknown; threadId?: string } | undefined;
    return { raw: decodeRaw(msg?.raw), threadId: msg?.threadId };
  }
  const type = req.headers['content-type'] ?? '';
  if (req.query.get('uploadType') === 'multipart' || type.startsWith('multipart/')) {
    const [meta, media] = parseMultipart(type, req.body);
    const metadata = meta ? (JSON.parse(meta.body.toString('utf8') || '{}') as { threadId?: string; message?: { threadId?: string } }) : {};
    if (!media) throw new ApiError(400, 'Media is required.', 'badContent');
    return { raw: media.body, threadId: draft ? metadata.message?.threadId : metadata.threadId };
  }
  return { raw: req.body };
}

function messageResource(m: GmailMessage, format: string | null, metadataHeaders: string[]): Record<string, unknown> {
  const base: Record<string, unknown> = {
    id: m.id,
    threadId: m.threadId,
    labelIds: [...m.labelIds],
    snippet: '',
    sizeEstimate: m.raw.length,
    historyId: '1000',
    internalDate: m.internalDate,
  };
  const f = format ?? 'full';
  if (f === 'minimal') return base;
  if (f === 'raw') return { ...base, raw: m.raw.toString('base64url') };
  const wanted = metadataHeaders.map((h) => h.toLowerCase());
  const headers = [...m.headers]
    .filter(([name]) => f !== 'metadata' || wanted.length === 0 || wanted.includes(name))
    .map(([name, value]) => ({ name: name.replace(/(^|-)([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase()), value }));
  return { ...base, payload: { partId: '', mimeType: (m.headers.get('content-type') ?? 'text/plain').split(';')[0], headers } };
}

function ownMessage(state: GmailState, account: string, id: string): GmailMessage {
  const m = state.messages.get(id);
  if (!m || m.account !== account) throw new ApiError(404, 'Requested entity was not found.', 'notFound');
  return m;
}

function ownDraft(state: GmailState, account: string, id: string | undefined): GmailDraft {
  const d = id ? state.drafts.get(id) : undefined;
  if (!d || d.message.account !== account) throw new ApiError(404, 'Requested entity was not found.', 'notFound');
  return d;
}

/** `rfc822msgid:<x@y>`, `in:sent`, `in:drafts`, `label:SENT`; other terms are ignored. */
function matchesQuery(m: GmailMessage, q: string | null): boolean {
  if (!q) return true;
  for (const term of q.trim().split(/\s+/)) {
    const [key, ...rest] = term.split(':');
    const value = rest.join(':');
    if (key === 'rfc822msgid') {
      const bare = (s: string) => s.replace(/^<|>$/g, '').toLowerCase();
      if (bare(m.messageIdHeader) !== bare(value)) return false;
    } else if (key === 'in' || key === 'label') {
      const label = value.toUpperCase() === 'DRAFTS' ? 'DRAFT' : value.toUpperCase();
      if (!m.labelIds.includes(label)) return false;
    }
  }
  return true;
}

function userOf(req: StandinRequest, userId: string | undefined): string {
  if (userId === 'me' || userId === req.account) return req.account;
  throw new ApiError(403, 'Delegation denied for ' + req.account, 'forbidden');
}

export function matchGmail(req: StandinRequest, state: GmailState): RouteMatch | undefined {
  const s = req.segments;
  const upload = s[0] === 'upload';
  const p = upload ? s.slice(1) : s;
  if (p[0] !== 'gmail' || p[1] !== 'v1' || p[2] !== 'users') return undefined;
  const [, , , userId, collection, id, verb] = p;
  const r = (name: string, handle: () => StandinReply): RouteMatch => ({ name, family: 'gmail', handle });
  const account = () => userOf(req, userId);
  const m = req.method;

  if (collection === 'messages') {
    if (m === 'POST' && id === 'send' && verb === undefined)
      return r('gmail.users.messages.send', () => {
        const { raw, threadId } = incomingRaw(req, upload, false);
        countSend(state, account());
        const sent = storeMessage(state, account(), raw, ['SENT'], threadId);
        return json({ id: sent.id, threadId: sent.threadId, labelIds: [...sent.labelIds] });
      });
    if (m === 'GET' && id === undefined)
      return r('gmail.users.messages.list', () => {
        const acct = account();
        const found = [...state.messages.values()].filter((x) => x.account === acct && matchesQuery(x, req.query.get('q')));
        const max = Number(req.query.get('maxResults') ?? 100);
        const list = found.slice(0, max).map((x) => ({ id: x.id, threadId: x.threadId }));
        return json(list.length ? { messages: list, resultSizeEstimate: list.length } : { resultSizeEstimate: 0 });
      });
    if (m === 'GET' && id !== undefined && verb === undefined)
      return r('gmail.users.messages.get', () => json(messageResource(ownMessage(state, account(), id), req.query.get('format'), req.query.getAll('metadataHeaders'))));
  }

  if (collection === 'profile' && m === 'GET' && id === undefined)
    return r('gmail.users.getProfile', () => {
      const acct = account();
      const mine = [...state.messages.values()].filter((x) => x.account === acct);
      return json({ emailAddress: acct, messagesTotal: mine.length, threadsTotal: new Set(mine.map((x) => x.threadId)).size, historyId: String(state.counter + 1) });
    });

  // Send-as aliases (Gmail → Indstillinger → Konti → Send mail som): the account's own address is
  // always one; others are added by the test in `state.sendAs`.
  if (collection === 'settings' && id === 'sendAs' && m === 'GET' && verb !== undefined)
    return r('gmail.users.settings.sendAs.get', () => {
      const acct = account();
      const address = verb.toLowerCase();
      if (address !== acct.toLowerCase() && !state.sendAs.has(address)) throw new ApiError(404, 'Requested entity was not found.', 'notFound');
      return json({ sendAsEmail: verb, displayName: '', isPrimary: address === acct.toLowerCase(), verificationStatus: 'accepted' });
    });

  if (collection === 'drafts') {
    if (m === 'POST' && id === undefined)
      return r('gmail.users.drafts.create', () => {
        const { raw, threadId } = incomingRaw(req, upload, true);
        const message = storeMessage(state, account(), raw, ['DRAFT'], threadId);
        const draftId = 'r' + message.id;
        state.drafts.set(draftId, { id: draftId, message });
        return json({ id: draftId, message: { id: message.id, threadId: message.threadId, labelIds: ['DRAFT'] } });
      });
    if (m === 'POST' && id === 'send')
      return r('gmail.users.drafts.send', () => {
        const body = upload ? {} : parseJsonBody(req);
        const draft = ownDraft(state, account(), typeof body.id === 'string' ? body.id : undefined);
        const msg = draft.message;
        if (!msg.headers.get('to') && !msg.headers.get('cc') && !msg.headers.get('bcc')) throw new ApiError(400, 'Recipient address required', 'invalidArgument');
        countSend(state, account());
        msg.labelIds = ['SENT'];
        state.drafts.delete(draft.id);
        return json({ id: msg.id, threadId: msg.threadId, labelIds: [...msg.labelIds] });
      });
    if (m === 'GET' && id === undefined)
      return r('gmail.users.drafts.list', () => {
        const acct = account();
        const list = [...state.drafts.values()]
          .filter((d) => d.message.account === acct && matchesQuery(d.message, req.query.get('q')))
          .map((d) => ({ id: d.id, message: { id: d.message.id, threadId: d.message.threadId } }));
        return json(list.length ? { drafts: list, resultSizeEstimate: list.length } : { resultSizeEstimate: 0 });
      });
    if (m === 'GET' && id !== undefined)
      return r('gmail.users.drafts.get', () => {
        const d = ownDraft(state, account(), id);
        return json({ id: d.id, message: messageResource(d.message, req.query.get('format'), []) });
      });
    if (m === 'DELETE' && id !== undefined)
      return r('gmail.users.drafts.delete', () => {
        const d = ownDraft(state, account(), id);
        state.drafts.delete(d.id);
        state.messages.delete(d.message.id);
        return { status: 204 };
      });
  }
  return undefined;
}
