// The Gmail transport (Google Workspace): each message is first stored as a draft, whose id the
// runner records, and then that draft is sent. A draft can be sent only once, so a retried or
// re-run send can never become a second e-mail. Why drafts and not messages.send: docs/mail.md.

import { Readable } from 'node:stream';
import type { gmail_v1 } from '@googleapis/gmail';
import { dailySendingLimit, isDailySendingLimit, translateGoogleError } from './translate-error.js';
import { DEFAULT_RETRY_POLICY, googleErrorFacts, isRetryable, withRetry, type RetryPolicy } from './retry.js';
import type { MailTransport, OutgoingMail, SentMessageRef } from '../delivery/ports.js';
import { RecipientRejected } from '../delivery/mail/recipient-rejected.js';

export interface GmailTransportOptions {
  /** The mailbox that sends; `me` is the signed-in user (or the service account's `subject`). */
  readonly userId?: string;
  /** The project's one retry policy (src/google/retry.ts); the client's own retry is off. */
  readonly policy?: RetryPolicy;
  /** The sending account, for error messages. */
  readonly account?: string;
}

const statusOf = (e: unknown): number | undefined => googleErrorFacts(e)?.status;

/** Gmail answers 400 at once for a recipient it cannot address (an unreachable mailbox bounces later, as mail). */
function recipientProblem(e: unknown, mail: SentMessageRef): RecipientRejected | undefined {
  const facts = googleErrorFacts(e);
  if (facts?.status !== 400) return undefined;
  const text = facts.message ?? '';
  return /recipient|to header|address/i.test(text) ? new RecipientRejected(mail.to, 400, text, true) : undefined;
}

export function gmailTransport(gmail: gmail_v1.Gmail, options: GmailTransportOptions = {}): MailTransport {
  const userId = options.userId ?? 'me';
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const fail = (e: unknown, mail: SentMessageRef): unknown =>
    recipientProblem(e, mail) ?? dailySendingLimit(e) ?? translateGoogleError(e, { target: { kind: 'mailbox' }, ...(options.account ? { account: options.account } : {}), timeoutMs: policy.timeoutMs });

  /** The draft with this Message-ID, if a create whose answer was lost did make one. */
  async function findDraft(mail: OutgoingMail): Promise<string | undefined> {
    try {
      const res = await gmail.users.drafts.list({ userId, q: `rfc822msgid:${mail.messageId.replace(/^<|>$/g, '')}`, maxResults: 1 }, { timeout: policy.timeoutMs });
      return res.data.drafts?.[0]?.id ?? undefined;
    } catch {
      // NOTE: only an optimisation (it saves an orphan draft); the retry goes on without it.
      return undefined;
    }
  }

  /** True when the draft is gone, i.e. it was sent (a sent draft stops being a draft). */
  async function draftIsGone(draftId: string): Promise<boolean> {
    try {
      await withRetry('gmail.users.drafts.get', (o) => gmail.users.drafts.get({ userId, id: draftId, format: 'minimal' }, o), policy);
      return false;
    } catch (e) {
      if (statusOf(e) === 404) return true;
      throw e;
    }
  }

  return {
    description: `Gmail (${options.account ?? (userId === 'me' ? 'den indloggede konto' : userId)})`,

    /** Stores the message as a draft; the returned draft id is the ticket the runner records. */
    async prepare(mail: OutgoingMail): Promise<string> {
      try {
        const id = await withRetry(
          'gmail.users.drafts.create',
          async (o) => {
            // NOTE: a media upload (message/rfc822), not `{raw}` in JSON: the upload endpoint is the
            // one documented for messages up to 35 MB. A fresh stream for every attempt.
            const res = await gmail.users.drafts.create({ userId, requestBody: {}, media: { mimeType: 'message/rfc822', body: Readable.from([mail.raw]) } }, o);
            return res.data.id ?? undefined;
          },
          policy,
          { recover: () => findDraft(mail) },
        );
        if (!id) throw new Error(`Gmail created a draft for ${mail.messageId} but returned no draft id.`);
        return id;
      } catch (e) {
        throw fail(e, mail);
      }
    },

    async send(mail: OutgoingMail, ticket?: string): Promise<void> {
      if (!ticket) throw new Error(`gmailTransport.send(${mail.messageId}) needs the draft id from prepare(); record it first.`);
      try {
        await withRetry(
          'gmail.users.drafts.send',
          async (o) => {
            await gmail.users.drafts.send({ userId, requestBody: { id: ticket } }, o);
            return true;
          },
          policy,
          // NOTE: the daily sending limit holds for hours: not retried, the runner keeps the rest for a later run.
          { recover: async () => ((await draftIsGone(ticket)) ? true : undefined), retryable: (f) => isRetryable(f) && !isDailySendingLimit(f) },
        );
      } catch (e) {
        // NOTE: 404 means the draft no longer exists: an earlier attempt sent it and its answer was
        // lost (timeout, crash). The message went out once; that is success, not an error.
        if (statusOf(e) === 404) return;
        throw fail(e, mail);
      }
    },

    async wasSent(mail: SentMessageRef, ticket?: string): Promise<boolean | undefined> {
      if (!ticket) return undefined;
      try {
        return await draftIsGone(ticket);
      } catch (e) {
        throw fail(e, mail);
      }
    },
  };
}
