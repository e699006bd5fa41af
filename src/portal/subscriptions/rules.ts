// Citizens' e-mail subscriptions (issue 21): what a subscription is, which input is accepted, and the
// rules of signing up (double opt-in, expiry, per-address limits). Pure: no clock, no disk; the
// endpoint (endpoint.ts) and the store carry the decisions out.

import { createHash, randomBytes } from 'node:crypto';
import { slug } from '../addresses.js';

/** What a citizen follows: a forum, or a case (Sagsnr.) across fora. */
export type FollowKind = 'forum' | 'sag';

/**
 * One subscription. Personal data kept: the address, what it follows, when the confirmation mail
 * was asked for (for expiry and the limits), and when it was confirmed. Nothing else: no name, no
 * client address, no history.
 */
export interface Subscription {
  /** Random; the log names a subscriber by it, never by the address. */
  readonly id: string;
  /** Lower-cased, validated with `parseAddress`. */
  readonly email: string;
  readonly kind: FollowKind;
  /** The forum's name or the case number, as the site shows it. */
  readonly target: string;
  /** Random, 256 bits: the capability in the confirmation, unsubscribe and manage links. */
  readonly token: string;
  /** ISO 8601: when the last confirmation mail was asked for. */
  readonly requestedAt: string;
  /** ISO 8601: when the citizen confirmed; absent while unconfirmed. */
  readonly confirmedAt?: string;
}

/** Unconfirmed sign-ups are deleted after this many days. */
export const UNCONFIRMED_DAYS = 7;
/** Confirmation mails one address can be sent within a day, whoever asks. */
export const MAILS_PER_ADDRESS_PER_DAY = 3;
/** Subscriptions one address may hold (confirmed or not): the table cannot be flooded through one address. */
export const MAX_PER_ADDRESS = 50;

const DAY = 86_400_000;

/**
 * A plain address `local@domain`, ASCII, at most 254 characters. Anything with a space, a control
 * character, a comma, angle brackets or quotes is refused: no header can be injected through it, and
 * it names exactly one mailbox.
 */
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function parseAddress(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const s = input.trim();
  if (s.length > 254 || !ADDRESS.test(s)) return undefined;
  const local = s.slice(0, s.lastIndexOf('@'));
  if (local.length > 64) return undefined;
  return s.toLowerCase();
}

/** A forum's name or a case number as the form sends it: printable, short, with a page of its own. */
export function parseTarget(kind: unknown, target: unknown): { kind: FollowKind; target: string } | undefined {
  if ((kind !== 'forum' && kind !== 'sag') || typeof target !== 'string') return undefined;
  const t = target.trim();
  if (t.length === 0 || t.length > 100 || /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}<>]/u.test(t)) return undefined;
  return { kind, target: t };
}

/** Does a subscription follow this forum, or a meeting holding this case? Compared by the site's address slug. */
export function follows(s: Pick<Subscription, 'kind' | 'target'>, what: { forum: string; caseNumbers: readonly string[] }): boolean {
  const mine = slug(s.target);
  return s.kind === 'forum' ? slug(what.forum) === mine : what.caseNumbers.some((c) => slug(c) === mine);
}

export const newToken = (): string => randomBytes(32).toString('base64url');

/**
 * What a store may keep instead of a pending sign-up's token: a fingerprint of it. The Google store
 * keeps this until the citizen confirms, so no one with access to the Sheet can confirm in her name
 * (the code itself is only in her e-mail); `byToken` accepts the token for either form.
 */
export const pendingKey = (token: string): string => `bekræft:${createHash('sha256').update(token).digest('base64url')}`;
const isPendingKey = (stored: string): boolean => stored.startsWith('bekræft:');
export const newId = (): string => randomBytes(12).toString('base64url');

/** What a sign-up does. `quiet`: nothing is sent (already subscribed, or a mail went recently), and the citizen sees the same answer. */
export type SignUpDecision =
  | { readonly kind: 'mail'; readonly subscription: Subscription }
  | { readonly kind: 'quiet'; readonly reason: 'confirmed' | 'recently mailed' | 'address limit' };

/**
 * The rules of a sign-up, given every subscription of the address. A new one is stored unconfirmed
 * and a confirmation mail goes; a repeat within a day sends nothing; an address that was sent
 * MAILS_PER_ADDRESS_PER_DAY confirmation mails in the last day gets no more, however many people
 * type it in (so the form cannot be used to fill someone's inbox).
 */
export function decideSignUp(ofAddress: readonly Subscription[], wanted: { email: string; kind: FollowKind; target: string }, now: Date, fresh = { id: newId(), token: newToken() }): SignUpDecision {
  const same = ofAddress.find((s) => s.kind === wanted.kind && slug(s.target) === slug(wanted.target));
  if (same?.confirmedAt) return { kind: 'quiet', reason: 'confirmed' };
  const recent = ofAddress.filter((s) => !s.confirmedAt && now.getTime() - Date.parse(s.requestedAt) < DAY);
  if (same && recent.includes(same)) return { kind: 'quiet', reason: 'recently mailed' };
  if (recent.length >= MAILS_PER_ADDRESS_PER_DAY || (!same && ofAddress.length >= MAX_PER_ADDRESS)) return { kind: 'quiet', reason: 'address limit' };
  const requestedAt = now.toISOString();
  // NOTE: a store that keeps only a fingerprint of the pending token cannot mail it again: a new one goes.
  const again = same && isPendingKey(same.token) ? { ...same, token: fresh.token } : same;
  return { kind: 'mail', subscription: again ? { ...again, requestedAt } : { id: fresh.id, email: wanted.email, kind: wanted.kind, target: wanted.target, token: fresh.token, requestedAt } };
}

/** Unconfirmed sign-ups older than UNCONFIRMED_DAYS: to be deleted. */
export function expired(all: readonly Subscription[], now: Date): Subscription[] {
  return all.filter((s) => !s.confirmedAt && now.getTime() - Date.parse(s.requestedAt) >= UNCONFIRMED_DAYS * DAY);
}

/** A token's subscription, if it is still valid (an expired, unconfirmed one is not). */
export function byToken(all: readonly Subscription[], token: unknown, now: Date): Subscription | undefined {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  const key = pendingKey(token);
  const s = all.find((x) => x.token === token || x.token === key);
  // The token itself, whichever form the store keeps: confirming writes it back (the notices' links need it).
  return s && !expired([s], now).length ? { ...s, token } : undefined;
}

/** `Chefforum` / `sagen 00.01.00-A21-2-21`: what a subscription follows, inside a Danish sentence. */
export function followLabel(s: Pick<Subscription, 'kind' | 'target'>): string {
  return s.kind === 'forum' ? s.target : `sagen ${s.target}`;
}
