// The Gmail transport against the Gmail stand-in, driven by the real @googleapis/gmail client:
// draft → send, recovery after a crash at any point, a lost answer, a refused recipient.

import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeInvitation } from '../../src/delivery/mail/compose.js';
import { RecipientRejected } from '../../src/delivery/mail/recipient-rejected.js';
import { openGoogle } from '../../src/google/client.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/google/retry.js';
import { gmailTransport } from '../../src/google/gmail.js';
import { UserError } from '../../src/errors.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { MailTransport, OutgoingMail } from '../../src/delivery/ports.js';
import { sentMessages, type GmailState } from '../standin/gmail.js';
import { startStandin, type Standin } from '../standin/server.js';
import { meeting, members, settings } from './fixtures.js';

let standin: Standin;
let template: MailTemplate;
let transport: MailTransport;
let mails: OutgoingMail[];
const retries: string[] = [];
// The project's retry policy without the waiting.
const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, attempts: 3, sleep: async () => {}, onRetry: (i) => retries.push(`${i.label} ${i.why}`) };

beforeAll(async () => {
  standin = await startStandin();
  template = await loadMailTemplate();
  // The project's own session, pointed at the stand-in with a static token.
  const gmail = await (await openGoogle({ DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_ACCESS_TOKEN: 'test-token' })).gmail();
  transport = gmailTransport(gmail, { policy, account: 'dagsorden@example.org' });
  mails = await Promise.all(
    members.map((member) =>
      composeInvitation({ meeting: meeting(), member, attendees: members, settings, kind: 'dagsorden', version: 1, sequence: 0, template, now: new Date('2022-03-17T11:00:00Z'), pdf: { fileName: 'Dagsorden.pdf', bytes: Buffer.from('%PDF-1.7') } }),
    ),
  );
});
afterAll(async () => {
  await standin.close();
});
beforeEach(() => {
  standin.reset();
  retries.length = 0;
});

const gmail = (): GmailState => standin.state.gmail;
const sentTo = (): string[] => sentMessages(gmail()).map((m) => m.headers.get('message-id') ?? '');

describe('gmailTransport against the stand-in', () => {
  it('stores each message as a draft and sends that draft: Gmail holds the exact bytes', async () => {
    const mail = mails[0]!;
    const draftId = await transport.prepare!(mail);
    expect(draftId).toMatch(/\S/);
    expect(await transport.wasSent!(mail, draftId)).toBe(false);
    expect(sentMessages(gmail())).toHaveLength(0);

    await transport.send(mail, draftId);
    expect(await transport.wasSent!(mail, draftId)).toBe(true);
    const [sent, ...more] = sentMessages(gmail());
    expect(more).toHaveLength(0);
    expect(sent!.raw.equals(mail.raw)).toBe(true);
    const parsed = await simpleParser(sent!.raw);
    expect(parsed.subject).toBe('Dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    expect(parsed.messageId).toBe(mail.messageId);
    expect(gmail().drafts.size).toBe(0);
    expect(standin.calls.byRoute()).toEqual({ 'gmail.users.drafts.create': 1, 'gmail.users.drafts.get': 2, 'gmail.users.drafts.send': 1 });
    // The draft went up as a media upload (message/rfc822), the route for large messages.
    expect(standin.calls.list.find((c) => c.route === 'gmail.users.drafts.create')?.path).toBe('/upload/gmail/v1/users/me/drafts');
    expect(standin.unhandled).toEqual([]);
  });

  it('sends every message exactly once when the run dies between any two steps and runs again', async () => {
    // A log as the runner keeps it: the ticket is recorded before sending, the result after.
    const log = new Map<string, { ticket?: string; done?: boolean }>();
    const crashPoints = ['after-prepare', 'after-send', 'none', 'after-record-ticket'] as const;

    // First run: a different crash for each message (each "crash" ends that message's handling).
    for (const [i, mail] of mails.entries()) {
      const crash = crashPoints[i];
      const ticket = await transport.prepare!(mail);
      if (crash === 'after-prepare') continue; // died before the ticket reached the log: an orphan draft
      log.set(mail.messageId, { ticket });
      if (crash === 'after-record-ticket') continue;
      await transport.send(mail, ticket);
      if (crash === 'after-send') continue; // sent, but the result never reached the log
      log.set(mail.messageId, { ticket, done: true });
    }
    expect(sentMessages(gmail())).toHaveLength(2);

    // Second run: what the log says was not done is checked with wasSent, then finished.
    for (const mail of mails) {
      const entry = log.get(mail.messageId);
      if (entry?.done) continue;
      let ticket = entry?.ticket;
      if (ticket && (await transport.wasSent!(mail, ticket))) {
        log.set(mail.messageId, { ticket, done: true });
        continue;
      }
      ticket ??= await transport.prepare!(mail);
      log.set(mail.messageId, { ticket });
      await transport.send(mail, ticket);
      log.set(mail.messageId, { ticket, done: true });
    }

    // A third run finds nothing to do.
    for (const mail of mails) expect(log.get(mail.messageId)?.done).toBe(true);

    expect(sentTo().sort()).toEqual(mails.map((m) => m.messageId).sort());
    for (const m of members) expect(sentMessages(gmail()).filter((s) => s.headers.get('to')?.includes(m.email))).toHaveLength(1);
    // The draft made before the first crash, whose id never reached the log, stays unsent.
    expect(gmail().drafts.size).toBe(1);
  });

  it('does not send twice when the answer to drafts.send is lost: the retry sees the draft is gone', async () => {
    const mail = mails[1]!;
    const ticket = await transport.prepare!(mail);
    standin.faults.push({ match: 'gmail.users.drafts.send', status: 503, after: true });
    await transport.send(mail, ticket);
    expect(retries).toEqual(['gmail.users.drafts.send HTTP 503 backendError']);
    expect(sentMessages(gmail())).toHaveLength(1);
    expect(standin.calls.count('gmail.users.drafts.send')).toBe(1);
    // A blind send of the same draft later (another run) is harmless too.
    await transport.send(mail, ticket);
    expect(sentMessages(gmail())).toHaveLength(1);
    expect(await transport.wasSent!(mail, ticket)).toBe(true);
  });

  it('adopts the draft a lost drafts.create made instead of leaving an orphan', async () => {
    const mail = mails[2]!;
    standin.faults.push({ match: 'gmail.users.drafts.create', status: 500, after: true });
    const ticket = await transport.prepare!(mail);
    expect(retries).toEqual(['gmail.users.drafts.create HTTP 500 backendError']);
    expect(standin.calls.count('gmail.users.drafts.create')).toBe(1);
    expect([...gmail().drafts.keys()]).toEqual([ticket]);
    await transport.send(mail, ticket);
    expect(sentMessages(gmail())).toHaveLength(1);
  });

  it('waits out a rate limit and sends once', async () => {
    const mail = mails[3]!;
    const ticket = await transport.prepare!(mail);
    standin.faults.push({ match: 'gmail.users.drafts.send', status: '403-userRateLimit', times: 2 });
    await transport.send(mail, ticket);
    expect(retries).toEqual(['gmail.users.drafts.send HTTP 403 userRateLimitExceeded', 'gmail.users.drafts.send HTTP 403 userRateLimitExceeded']);
    expect(sentMessages(gmail())).toHaveLength(1);
  });

  it('translates a Gmail failure that is not about the recipient into a Danish service error', async () => {
    const mail = mails[0]!;
    const ticket = await transport.prepare!(mail);
    standin.faults.push({ match: 'gmail.users.drafts.send', status: 403, reason: 'forbidden', message: 'Delegation denied', times: 1 });
    const error = await transport.send(mail, ticket).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).reason).toBe('service');
    expect((error as Error).message).toContain('dagsorden@example.org');
    expect(sentMessages(gmail())).toHaveLength(0);
    expect(await transport.wasSent!(mail, ticket)).toBe(false);
  });

  it('cannot tell without a ticket, and refuses to send without one', async () => {
    expect(await transport.wasSent!(mails[0]!, undefined)).toBeUndefined();
    await expect(transport.send(mails[0]!)).rejects.toThrow(/needs the draft id/);
    expect(sentMessages(gmail())).toHaveLength(0);
  });

  it('reports a recipient Gmail refuses as RecipientRejected and carries on with the others', async () => {
    standin.faults.push({ match: (t) => t.route === 'gmail.users.drafts.send', status: 400, reason: 'invalidArgument', message: 'Invalid To header' });
    const outcome: [string, string][] = [];
    for (const mail of mails) {
      try {
        await transport.send(mail, await transport.prepare!(mail));
        outcome.push([mail.to, 'sendt']);
      } catch (e) {
        outcome.push([mail.to, e instanceof RecipientRejected ? `afvist ${e.code}: ${e.response}` : `fejl ${String(e)}`]);
      }
    }
    expect(outcome).toEqual([
      ['anne.jensen@example.org', 'afvist 400: Invalid To header'],
      ['soeren.lykkegaard@example.org', 'sendt'],
      ['karina.dalsgaard@example.org', 'sendt'],
      ['mads.froelund@example.org', 'sendt'],
    ]);
    expect(sentMessages(gmail())).toHaveLength(3);
  });
});
