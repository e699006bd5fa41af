// The Gmail part of the stand-in, driven by the real @googleapis/gmail client through the session's gmail():
// the shapes the mail transport relies on (send, drafts, search by Message-ID, uploads).

import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sentMessages, startStandin, type Standin } from '../standin/index.js';
import { fakeClock, google } from './helpers.js';

let standin: Standin;
beforeAll(async () => {
  standin = await startStandin();
});
afterAll(async () => standin.close());
beforeEach(() => standin.reset());

const mime = (id: string, to = 'anne@example.org') =>
  [`From: Sekretariatet <chefforum@example.org>`, `To: ${to}`, `Subject: Dagsorden`, `Message-ID: <${id}>`, 'Content-Type: text/plain; charset=utf-8', '', 'Hej.', ''].join('\r\n');

describe('Gmail stand-in', () => {
  it('messages.send takes {raw} and returns {id, threadId, labelIds:[SENT]}; the MIME is kept', async () => {
    const gmail = await (await google(standin, fakeClock().policy)).gmail();
    const res = await gmail.users.messages.send({ userId: 'me', requestBody: { raw: Buffer.from(mime('a1@dagsorden')).toString('base64url') } });
    expect(res.data).toEqual({ id: expect.any(String), threadId: res.data.id, labelIds: ['SENT'] });
    const [sent] = sentMessages(standin.state.gmail);
    expect(sent!.raw.toString()).toBe(mime('a1@dagsorden'));
    expect(sent!.messageIdHeader).toBe('<a1@dagsorden>');
    expect(standin.calls.byRoute()).toEqual({ 'gmail.users.messages.send': 1 });
    expect(standin.calls.count('POST /gmail/v1/users/me/messages/send')).toBe(1);
  });

  it('drafts.create → drafts.get → drafts.send; afterwards the draft is gone (404) and the message is SENT', async () => {
    const gmail = await (await google(standin, fakeClock().policy)).gmail();
    const draft = await gmail.users.drafts.create({ userId: 'me', requestBody: { message: { raw: Buffer.from(mime('d1@dagsorden')).toString('base64url') } } });
    expect(draft.data).toEqual({ id: expect.any(String), message: { id: expect.any(String), threadId: expect.any(String), labelIds: ['DRAFT'] } });
    const got = await gmail.users.drafts.get({ userId: 'me', id: draft.data.id!, format: 'minimal' });
    expect(got.data.message?.labelIds).toEqual(['DRAFT']);
    expect(sentMessages(standin.state.gmail)).toHaveLength(0);

    const sent = await gmail.users.drafts.send({ userId: 'me', requestBody: { id: draft.data.id! } });
    expect(sent.data).toEqual({ id: draft.data.message!.id, threadId: expect.any(String), labelIds: ['SENT'] });
    await expect(gmail.users.drafts.get({ userId: 'me', id: draft.data.id! })).rejects.toMatchObject({ status: 404 });
    await expect(gmail.users.drafts.send({ userId: 'me', requestBody: { id: draft.data.id! } })).rejects.toMatchObject({ status: 404 });
    expect(sentMessages(standin.state.gmail).map((m) => m.messageIdHeader)).toEqual(['<d1@dagsorden>']);
  });

  it('messages.list with q=rfc822msgid: finds a message by its Message-ID (drafts too, with their label)', async () => {
    const gmail = await (await google(standin, fakeClock().policy)).gmail();
    await gmail.users.messages.send({ userId: 'me', requestBody: { raw: Buffer.from(mime('x@dagsorden')).toString('base64url') } });
    const hit = await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:<x@dagsorden>' });
    expect(hit.data.messages).toHaveLength(1);
    const miss = await gmail.users.messages.list({ userId: 'me', q: 'rfc822msgid:y@dagsorden' });
    expect(miss.data).toEqual({ resultSizeEstimate: 0 });
    const msg = await gmail.users.messages.get({ userId: 'me', id: hit.data.messages![0]!.id!, format: 'metadata', metadataHeaders: ['Message-ID'] });
    expect(msg.data.labelIds).toEqual(['SENT']);
    expect(msg.data.payload?.headers).toEqual([{ name: 'Message-Id', value: '<x@dagsorden>' }]);
  });

  it('messages.send as a media upload reaches the stand-in too', async () => {
    const gmail = await (await google(standin, fakeClock().policy)).gmail();
    await gmail.users.messages.send({ userId: 'me', media: { mimeType: 'message/rfc822', body: Readable.from([mime('u@dagsorden')]) } });
    expect(standin.calls.count('POST /upload/gmail/v1/users/me/messages/send')).toBe(1);
    expect(sentMessages(standin.state.gmail)[0]!.messageIdHeader).toBe('<u@dagsorden>');
  });

  it('a message without recipients is refused like Gmail does (400)', async () => {
    const gmail = await (await google(standin, fakeClock().policy)).gmail();
    const raw = Buffer.from('Subject: x\r\n\r\nbody').toString('base64url');
    await expect(gmail.users.messages.send({ userId: 'me', requestBody: { raw } })).rejects.toMatchObject({ status: 400, message: 'Recipient address required' });
  });

  it('a fault with after:true sends the mail but loses the answer (for exactly-once tests)', async () => {
    const gmail = await (await google(standin, fakeClock().policy)).gmail();
    standin.faults.push({ match: 'gmail.users.messages.send', status: 503, after: true });
    await expect(gmail.users.messages.send({ userId: 'me', requestBody: { raw: Buffer.from(mime('lost@dagsorden')).toString('base64url') } })).rejects.toMatchObject({ status: 503 });
    expect(sentMessages(standin.state.gmail)).toHaveLength(1);
  });
});
