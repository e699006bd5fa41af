// composeInvitation and messageIdFor without a server: the text a member reads, deterministic bytes
// and Message-IDs, escaping, and the configuration errors.

import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeInvitation, messageIdFor, type InvitationInput } from '../../src/delivery/mail/compose.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import { UserError } from '../../src/errors.js';
import type { Member } from '../../src/model.js';
import { anne, item, karina, meeting, members, settings, slot } from './fixtures.js';

let template: MailTemplate;
beforeAll(async () => {
  template = await loadMailTemplate();
});

const NOW = new Date('2022-03-17T11:00:00Z');
const input = (member: Member, extra: Partial<InvitationInput> = {}): InvitationInput => ({
  meeting: meeting(),
  member,
  attendees: members,
  settings,
  kind: 'dagsorden',
  version: 1,
  sequence: 0,
  template,
  now: NOW,
  ...extra,
});

describe('composeInvitation', () => {
  it("lists the edition's bilag with format and size, and attaches the combined PDF only when it is given small enough", async () => {
    const files = [
      { item: 2, number: 1, title: 'Kort over Lækrogen', format: 'PDF', size: 1_258_291, url: 'https://example.org/kort.pdf' },
      { item: 2, number: 2, title: 'Oplæg', format: 'Word', size: 40_000 },
    ];
    const small = await simpleParser((await composeInvitation(input(karina, { bilag: { files, combined: { fileName: 'Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf', size: 3_000_000, bytes: Buffer.from('%PDF-1.7 samlet') } } }))).raw);
    expect(small.text).toContain('Bilag 1 til punkt 2: Kort over Lækrogen (PDF, 1,2 MB): https://example.org/kort.pdf');
    expect(small.text).toContain('Bilag 2 til punkt 2: Oplæg (Word, 39 kB)\n');
    expect(small.text).toContain('Du finder også dagsordenen med alle bilag samlet i én PDF i vedhæftningen (Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf).');
    expect(small.attachments.map((a) => a.filename)).toContain('Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf');
    expect(String(small.html)).toContain('<li>Bilag 2 til punkt 2: Oplæg (Word, 39 kB)</li>');

    const large = await simpleParser((await composeInvitation(input(karina, { bilag: { files, combined: { fileName: 'Dagsorden Chefforum 2022-03-24 med bilag (offentlig).pdf', size: 31_000_000 } } }))).raw);
    expect(large.text).toContain('Den samlede PDF med alle bilag fylder 29,6 MB og er for stor til at blive vedhæftet; den ligger sammen med dagsordenen.');
    expect(large.attachments.filter((a) => a.contentType === 'application/pdf')).toEqual([]);

    const cancelled = await simpleParser((await composeInvitation(input(karina, { cancelled: true, bilag: { files, combined: { fileName: 'x.pdf', size: 10, bytes: Buffer.from('%PDF') } } }))).raw);
    expect(cancelled.text).not.toContain('Bilag 1');
    expect(cancelled.attachments.filter((a) => a.contentType === 'application/pdf')).toEqual([]);
  });

  it('writes the plain-text body a member without access to closed items reads', async () => {
    const mail = await composeInvitation(input(karina, { pdf: { fileName: 'Dagsorden.pdf', bytes: Buffer.from('%PDF') }, links: { pdf: 'https://drive.google.com/file/d/abc/view' } }));
    const parsed = await simpleParser(mail.raw);
    expect(parsed.text).toMatchInlineSnapshot(`
      "Kære Karina Dalsgård

      Hermed dagsordenen til mødet i Chefforum torsdag d. 24. marts 2022 kl. 09:00.

      Tid: Torsdag d. 24. marts 2022 kl. 09:00-12:00
      Sted: Mødelokale 1

      Punkter
      Punkt 1: CF - Godkendelse af dagsorden (9.00-9.20)
      Punkt 2: CF - Budgetproces 2023 (9.20-9.40)
      Punkt 3: Lukket
      Punkt 4: CF - Eventuelt

      Dokumenter
      Åbn dagsordenen som PDF: https://drive.google.com/file/d/abc/view

      Du finder dagsordenen som PDF i vedhæftningen.
      Lukkede punkter vises kun som »Lukket«.
      Mødeindkaldelsen ligger i din kalender-invitation. Svar ja eller nej dér, så sekretariatet ved, om du kommer.

      Venlig hilsen
      Albertslund Kommune

      -- 
      Sendt automatisk fra Albertslund Kommunes dagsordenssystem. Har du spørgsmål, så svar på denne e-mail.
      "
    `);
  });

  it('marks closed items for a member who may see them', async () => {
    const parsed = await simpleParser((await composeInvitation(input(anne))).raw);
    expect(parsed.text).toContain('Punkt 3: CF - Personalesag FORTROLIGT-KANARIE-7Q-titel (9.40-10.00) – lukket punkt');
    expect(parsed.text).not.toContain('Lukkede punkter vises kun');
  });

  it('gives the same bytes when the same message is composed again (boundaries included)', async () => {
    const a = await composeInvitation(input(anne, { pdf: { fileName: 'Dagsorden.pdf', bytes: Buffer.from('%PDF') } }));
    const b = await composeInvitation(input(anne, { pdf: { fileName: 'Dagsorden.pdf', bytes: Buffer.from('%PDF') } }));
    expect(b.raw.equals(a.raw)).toBe(true);
    expect(a.raw.toString()).toMatch(/boundary="--_NmP-[0-9a-f]{24}-Part_1"/);
    expect(a.raw.toString()).toContain('Date: Thu, 17 Mar 2022 11:00:00 +0000');
    const other = await composeInvitation(input(karina));
    expect(other.raw.toString()).not.toContain(/boundary="(.*?)"/.exec(a.raw.toString())![1]!);
  });

  it('derives the Message-ID from meeting, kind, version and recipient, on the sender’s domain', async () => {
    const id = messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 1, recipient: 'anne.jensen@example.org', edition: 'medlemmer', sequence: 0 }, settings);
    expect(id).toMatch(/^<[0-9a-f]{32}@dagsorden\.example\.org>$/);
    expect((await composeInvitation(input(anne))).messageId).toBe(id);
    expect(messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 1, recipient: ' Anne.Jensen@EXAMPLE.org', edition: 'medlemmer', sequence: 0 }, 'X <chefforum@Example.org>')).toBe(id);
    const others = [
      messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 2, recipient: 'anne.jensen@example.org' }, settings),
      messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'referat', version: 1, recipient: 'anne.jensen@example.org' }, settings),
      messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 1, recipient: 'anne.jensen@example.org', cancelled: true }, settings),
      messageIdFor({ meetingId: 'CF-2022-03-31', kind: 'dagsorden', version: 1, recipient: 'anne.jensen@example.org' }, settings),
      messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 1, recipient: 'karina.dalsgaard@example.org' }, settings),
      messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 1, recipient: 'anne.jensen@example.org', edition: 'offentlig' }, settings),
      messageIdFor({ meetingId: 'CF-2022-03-24', kind: 'dagsorden', version: 1, recipient: 'anne.jensen@example.org', sequence: 1 }, settings),
    ];
    expect(new Set([id, ...others]).size).toBe(8);
  });

  it.each([
    [{}, 'Dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00'],
    [{ kind: 'referat' as const }, 'Referat: Chefforum torsdag d. 24. marts 2022 kl. 09:00'],
    [{ changes: [] }, 'Ændret dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00'],
    [{ cancelled: true }, 'Aflyst: Chefforum torsdag d. 24. marts 2022 kl. 09:00'],
  ])('subject for %o', async (extra, subject) => {
    const mail = await composeInvitation(input(anne, extra));
    expect(mail.subject).toBe(subject);
    expect((await simpleParser(mail.raw)).subject).toBe(subject);
  });

  it('escapes titles in HTML and never substitutes placeholders twice', async () => {
    const m = meeting({ items: [item(1, 'Budget & <plan> {navn} {{items}}', { timeSlot: slot('9.00-9.20') })] });
    const parsed = await simpleParser((await composeInvitation(input(anne, { meeting: m }))).raw);
    expect(parsed.html).toContain('Punkt 1: CF - Budget &amp; &lt;plan&gt; {navn} {{items}} (9.00-9.20)');
    expect(parsed.text).toContain('Punkt 1: CF - Budget & <plan> {navn} {{items}} (9.00-9.20)');
  });

  it('an amended agenda without visible changes says only that a new version is out', async () => {
    const parsed = await simpleParser((await composeInvitation(input(karina, { changes: [], version: 3 }))).raw);
    expect(parsed.text).toContain('Hvad er ændret\n- Dagsordenen er udsendt igen i en ny version.');
  });

  it('lists the recipient, and only her, as ATTENDEE (Outlook shows the buttons only then; the size does not grow with the membership)', async () => {
    const parsed = await simpleParser((await composeInvitation(input(karina, { attendees: [anne] }))).raw);
    const ics = parsed.attachments.find((a) => a.filename === 'invite.ics')!.content.toString().replace(/\r\n /g, '');
    expect(ics).not.toContain('MAILTO:anne.jensen@example.org');
    expect(ics).toContain('MAILTO:karina.dalsgaard@example.org');
    expect(ics.match(/^ATTENDEE/gm)).toHaveLength(1);
  });

  it('a content-only update keeps the answer: RSVP=FALSE and no PARTSTAT', async () => {
    const parsed = await simpleParser((await composeInvitation(input(karina, { changes: [], version: 2, askReply: false }))).raw);
    const ics = parsed.attachments.find((a) => a.filename === 'invite.ics')!.content.toString().replace(/\r\n /g, '');
    expect(ics).toMatch(/^ATTENDEE;[^:]*RSVP=FALSE/m);
    expect(ics).not.toContain('PARTSTAT');
  });

  it('explains a missing or unusable Afsender in Danish', async () => {
    const { sender: _s, ...noSender } = settings;
    await expect(composeInvitation(input(anne, { settings: noSender }))).rejects.toThrow(new UserError('config', 'Afsender mangler i fanen Indstillinger. Skriv fx Sekretariatet <chefforum@kommune.dk>.'));
    await expect(composeInvitation(input(anne, { settings: { ...settings, sender: 'Sekretariatet' } }))).rejects.toThrow(/er ikke en gyldig afsender/);
  });
});
