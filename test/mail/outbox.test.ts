// The outbox transport: one valid .eml per message, written atomically, recognised as sent.

import { readdir, readFile } from 'node:fs/promises';
import { simpleParser } from 'mailparser';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { composeInvitation } from '../../src/delivery/mail/compose.js';
import { outboxFileName, outboxTransport } from '../../src/local/outbox.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import { karina, meeting, members, settings, tempDir } from './fixtures.js';

let template: MailTemplate;
let cleanup: (() => Promise<void>) | undefined;
beforeAll(async () => {
  template = await loadMailTemplate();
});
afterEach(async () => {
  await cleanup?.();
});

describe('outboxTransport', () => {
  it('writes a .eml named after the Message-ID that mailparser reads back, and reports it as sent', async () => {
    const t = await tempDir();
    cleanup = t.cleanup;
    const outbox = outboxTransport(`${t.dir}/udbakke`);
    const mail = await composeInvitation({ meeting: meeting(), member: karina, attendees: members, settings, kind: 'dagsorden', version: 1, sequence: 0, template, now: new Date('2022-03-17T11:00:00Z'), pdf: { fileName: 'Dagsorden.pdf', bytes: Buffer.from('%PDF-1.7') } });

    expect(await outbox.wasSent!(mail)).toBe(false);
    await outbox.send(mail);
    expect(await outbox.wasSent!(mail)).toBe(true);

    const files = await readdir(`${t.dir}/udbakke`);
    expect(files).toEqual([outboxFileName(mail.messageId)]);
    expect(files[0]).toMatch(/^[0-9a-f]{32}@dagsorden\.example\.org\.eml$/);
    const bytes = await readFile(outbox.pathFor(mail));
    expect(bytes.equals(mail.raw)).toBe(true);
    const parsed = await simpleParser(bytes);
    expect(parsed.subject).toBe('Dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.text).toContain('Kære Karina Dalsgård');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['text/calendar', 'application/pdf', 'application/ics']);

    // Sending again (a re-run) leaves one identical file and no temporary files.
    await outbox.send(mail);
    expect(await readdir(`${t.dir}/udbakke`)).toEqual(files);
  });

  it('makes a safe file name of any Message-ID', () => {
    expect(outboxFileName('<abc@dagsorden.example.org>')).toBe('abc@dagsorden.example.org.eml');
    expect(outboxFileName('<../../etc/passwd>')).toBe('__.._etc_passwd.eml');
    expect(outboxFileName('<a b/c\\d>')).toBe('a_b_c_d.eml');
  });
});
