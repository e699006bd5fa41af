// Invitations sent through the SMTP transport to a real local SMTP server, parsed back with
// mailparser (the message) and node-ical (the calendar part).

import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import ical from 'node-ical';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeInvitation, type InvitationInput } from '../../src/delivery/mail/compose.js';
import { RecipientRejected } from '../../src/delivery/mail/recipient-rejected.js';
import { smtpOptionsFromEnv, smtpTransport } from '../../src/delivery/mail/smtp.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { Meeting, Member } from '../../src/model.js';
import { useSmtpRecorder } from '../helpers/smtp-recorder.js';
import { anne, karina, mads, meeting, members, settings, soeren } from './fixtures.js';

const server = useSmtpRecorder();
let template: MailTemplate;

beforeAll(async () => {
  template = await loadMailTemplate();
});

const NOW = new Date('2022-03-17T11:00:00Z');

function input(member: Member, extra: Partial<InvitationInput> = {}): InvitationInput {
  return { meeting: meeting(), member, attendees: members, settings, kind: 'dagsorden', version: 1, sequence: 0, template, now: NOW, ...extra };
}

/** Sends through SMTP and returns what the server received for that message, parsed. */
async function sendAndReceive(inp: InvitationInput): Promise<{ parsed: ParsedMail; raw: Buffer; envelope: { from: string; to: readonly string[] } }> {
  const mail = await composeInvitation(inp);
  const before = server.received.length;
  await smtpTransport(smtpOptionsFromEnv({ DAGSORDEN_SMTP_URL: server.url })).send(mail);
  expect(server.received.length).toBe(before + 1);
  const got = server.received[server.received.length - 1]!;
  return { parsed: await simpleParser(got.raw), raw: got.raw, envelope: got };
}

type IcalEvent = { type: string; uid: string; sequence: number | string; dtstamp: Date; start: Date & { tz?: string }; end: Date; location: string; summary: string; description: string; status?: string; organizer: { params: Record<string, unknown>; val: string }; attendee: { params: Record<string, unknown>; val: string }[] };

function calendarPart(parsed: ParsedMail): { text: string; contentType: string; method: string | undefined } {
  const part = parsed.attachments.find((a) => a.contentType === 'text/calendar');
  if (!part) throw new Error('no text/calendar part');
  const header = part.headers.get('content-type') as { value: string; params: Record<string, string> };
  return { text: part.content.toString('utf8'), contentType: header.value, method: header.params.method };
}

function parseCalendar(text: string): { method: string | undefined; event: IcalEvent; timezones: { tzid: string }[] } {
  const data = ical.sync.parseICS(text) as unknown as Record<string, { type: string; method?: string; tzid?: string }>;
  const components = Object.values(data);
  const event = components.find((c) => c.type === 'VEVENT') as unknown as IcalEvent;
  const vcalendar = components.find((c) => c.type === 'VCALENDAR');
  return { method: vcalendar?.method, event, timezones: components.filter((c) => c.type === 'VTIMEZONE') as { tzid: string }[] };
}

describe('invitation over SMTP', () => {
  it('arrives with the exact subject, addresses, Message-ID, both bodies, the PDF and the calendar request', async () => {
    const pdf = Buffer.from('%PDF-1.7\n% fake medlemmer edition\n');
    const inp = input(anne, { pdf: { fileName: 'Dagsorden Chefforum 24-03-2022.pdf', bytes: pdf }, links: { pdf: 'https://drive.google.com/file/d/abc/view', docx: 'https://docs.google.com/document/d/def' } });
    const mail = await composeInvitation(inp);
    const { parsed, envelope } = await sendAndReceive(inp);

    expect(envelope.from).toBe('chefforum@example.org');
    expect(envelope.to).toEqual(['anne.jensen@example.org']);
    expect(parsed.subject).toBe('Dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    expect(parsed.from?.value).toEqual([{ name: 'Sekretariatet for Chefforum', address: 'chefforum@example.org' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : undefined).toEqual([{ name: 'Anne Jensen', address: 'anne.jensen@example.org' }]);
    expect(parsed.replyTo?.value[0]?.address).toBe('chefforum-svar@example.org');
    expect(parsed.messageId).toBe(mail.messageId);
    expect(parsed.messageId).toMatch(/^<[0-9a-f]{32}@dagsorden\.example\.org>$/);
    expect(parsed.date?.toISOString()).toBe('2022-03-17T11:00:00.000Z');

    expect(parsed.text).toContain('Kære Anne Jensen');
    expect(parsed.text).toContain('Tid: Torsdag d. 24. marts 2022 kl. 09:00-12:00');
    expect(parsed.text).toContain('Sted: Mødelokale 1');
    expect(parsed.text).toContain('Punkt 1: CF - Godkendelse af dagsorden (9.00-9.20)');
    expect(parsed.text).toContain('Åbn dagsordenen som PDF: https://drive.google.com/file/d/abc/view');
    expect(parsed.html).toContain('Punkt 2: CF - Budgetproces 2023 (9.20-9.40)');
    expect(parsed.html).toContain('<a href="https://docs.google.com/document/d/def"');

    const pdfPart = parsed.attachments.find((a) => a.contentType === 'application/pdf');
    expect(pdfPart?.filename).toBe('Dagsorden Chefforum 24-03-2022.pdf');
    expect(pdfPart?.content.equals(pdf)).toBe(true);

    const ics = parsed.attachments.find((a) => a.filename === 'invite.ics');
    expect(ics?.contentDisposition).toBe('attachment');
    const cal = calendarPart(parsed);
    expect(cal.method).toBe('REQUEST');
    expect(ics?.content.toString('utf8')).toBe(cal.text);
  });

  it('has a calendar part that node-ical reads back with every property an invitation needs', async () => {
    const { parsed } = await sendAndReceive(input(karina, { sequence: 3 }));
    const cal = calendarPart(parsed);
    expect(cal.contentType).toBe('text/calendar');
    const { method, event, timezones } = parseCalendar(cal.text);
    expect(method).toBe('REQUEST');
    expect(event.uid).toBe('CF-2022-03-24@dagsorden.example.org');
    expect(Number(event.sequence)).toBe(3);
    expect(event.dtstamp.toISOString()).toBe('2022-03-17T11:00:00.000Z');
    expect(cal.text).toMatch(/^DTSTAMP:20220317T110000Z\r$/m);
    expect(event.organizer.val.toLowerCase()).toBe('mailto:chefforum@example.org');
    expect(event.organizer.params.CN).toBe('Sekretariatet for Chefforum');
    // Only the recipient is an ATTENDEE: the invitation does not grow with the membership.
    const attendees = [event.attendee].flat();
    expect(attendees.map((a) => a.val.toLowerCase().replace('mailto:', ''))).toEqual([karina.email]);
    expect(attendees[0]!.params).toMatchObject({ RSVP: true, PARTSTAT: 'NEEDS-ACTION', ROLE: 'REQ-PARTICIPANT' });
    expect(event.location).toBe('Mødelokale 1');
    expect(event.summary).toBe('Møde i Chefforum');
    expect(event.description).toContain('Punkt 3: Lukket');
    expect(timezones.map((t) => t.tzid)).toEqual(['Europe/Copenhagen']);
    expect(event.start.tz).toBe('Europe/Copenhagen');
    expect(cal.text).toMatch(/^DTSTART;TZID=Europe\/Copenhagen:20220324T090000\r$/m);
    expect(cal.text).toMatch(/^DTEND;TZID=Europe\/Copenhagen:20220324T120000\r$/m);
    expect(event.start.toISOString()).toBe('2022-03-24T08:00:00.000Z');
    expect(event.end.toISOString()).toBe('2022-03-24T11:00:00.000Z');
  });

  // NOTE: DST began 27 March 2022 and ended 30 October 2022, so 27 October is still summer time.
  it.each([
    ['2022-03-24', 'winter, before 27 March', '2022-03-24T08:00:00.000Z'],
    ['2022-03-31', 'summer, after 27 March', '2022-03-31T07:00:00.000Z'],
    ['2022-10-27', 'still summer: DST ends 30 October', '2022-10-27T07:00:00.000Z'],
    ['2022-11-03', 'winter, after 30 October', '2022-11-03T08:00:00.000Z'],
  ])('keeps 09:00 local on %s (%s), composed in another season', async (date, _season, utc) => {
    const m: Meeting = { ...meeting(), id: `CF-${date}`, date };
    const { parsed } = await sendAndReceive(input(soeren, { meeting: m, now: new Date('2022-01-15T10:00:00Z') }));
    const text = calendarPart(parsed).text;
    const { event } = parseCalendar(text);
    expect(text).toMatch(new RegExp(`^DTSTART;TZID=Europe/Copenhagen:${date.replace(/-/g, '')}T090000\\r$`, 'm'));
    expect(event.start.toISOString()).toBe(utc);
    expect(event.start.tz).toBe('Europe/Copenhagen');
    expect(text).toContain('BEGIN:VTIMEZONE');
  });

  it('ends two hours after the start when the meeting has no Slut', async () => {
    const { end: _end, ...rest } = meeting();
    const { parsed } = await sendAndReceive(input(anne, { meeting: rest }));
    const { event } = parseCalendar(calendarPart(parsed).text);
    expect(event.end.toISOString()).toBe('2022-03-24T10:00:00.000Z');
    expect(parsed.text).toContain('Tid: Torsdag d. 24. marts 2022 kl. 09:00\n');
  });

  it('cancels with METHOD:CANCEL, STATUS:CANCELLED, the same UID and a higher SEQUENCE', async () => {
    const first = parseCalendar(calendarPart((await sendAndReceive(input(mads, { sequence: 1 }))).parsed).text);
    const { parsed } = await sendAndReceive(input(mads, { sequence: 2, cancelled: true, version: 1, pdf: { fileName: 'x.pdf', bytes: Buffer.from('%PDF') } }));
    expect(parsed.subject).toBe('Aflyst: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    expect(parsed.text).toContain('Mødet i Chefforum torsdag d. 24. marts 2022 kl. 09:00 er aflyst.');
    expect(parsed.text).not.toContain('Punkt 1');
    expect(parsed.attachments.some((a) => a.contentType === 'application/pdf')).toBe(false);
    const cal = calendarPart(parsed);
    expect(cal.method).toBe('CANCEL');
    const cancel = parseCalendar(cal.text);
    expect(cancel.method).toBe('CANCEL');
    expect(cancel.event.status).toBe('CANCELLED');
    expect(cancel.event.uid).toBe(first.event.uid);
    expect(Number(cancel.event.sequence)).toBeGreaterThan(Number(first.event.sequence));
  });

  it('sends the minutes without a calendar request', async () => {
    const { parsed } = await sendAndReceive(input(anne, { kind: 'referat', meeting: { ...meeting(), status: 'Referat klar' }, pdf: { fileName: 'Referat.pdf', bytes: Buffer.from('%PDF') } }));
    expect(parsed.subject).toBe('Referat: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    expect(parsed.text).toContain('Hermed referatet fra mødet i Chefforum');
    expect(parsed.attachments.map((a) => a.contentType)).toEqual(['application/pdf']);
    expect(parsed.text).not.toContain('kalender');
  });

  it('says what changed in an amended agenda', async () => {
    const { parsed } = await sendAndReceive(
      input(karina, {
        version: 2,
        changes: [
          { edition: 'offentlig', kind: 'place', before: 'Mødelokale 1', after: 'Teams' },
          { edition: 'offentlig', kind: 'added', number: 4, title: 'Budgetproces 2023' },
        ],
      }),
    );
    expect(parsed.subject).toBe('Ændret dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00');
    expect(parsed.text).toContain('Hvad er ændret\n- Mødestedet er ændret fra Mødelokale 1 til Teams.\n- Punkt 4 »Budgetproces 2023« er tilføjet.');
    expect(parsed.html).toContain('<li>Punkt 4 »Budgetproces 2023« er tilføjet.</li>');
    expect(parsed.text).toContain('version 2');
  });

  it('reports a refused address as RecipientRejected and still delivers to the others', async () => {
    server.reject.add('karina.dalsgaard@example.org');
    try {
      const transport = smtpTransport({ url: server.url });
      const results: { to: string; ok: boolean; error?: unknown }[] = [];
      const before = server.received.length;
      for (const m of members) {
        const mail = await composeInvitation(input(m));
        try {
          await transport.send(mail);
          results.push({ to: m.email, ok: true });
        } catch (e) {
          results.push({ to: m.email, ok: false, error: e });
        }
      }
      expect(results.map((r) => [r.to, r.ok])).toEqual(members.map((m) => [m.email, m !== karina]));
      const error = results.find((r) => !r.ok)?.error;
      expect(error).toBeInstanceOf(RecipientRejected);
      expect(error).toMatchObject({ recipient: 'karina.dalsgaard@example.org', code: 550, permanent: true });
      expect((error as Error).message).toContain('karina.dalsgaard@example.org');
      const delivered = server.received.slice(before).flatMap((r) => r.to);
      expect(delivered).toEqual(['anne.jensen@example.org', 'soeren.lykkegaard@example.org', 'mads.froelund@example.org']);
    } finally {
      server.reject.clear();
    }
  });

  it('reads the server from DAGSORDEN_SMTP_URL and explains a missing one in Danish', () => {
    expect(smtpOptionsFromEnv({ DAGSORDEN_SMTP_URL: 'smtp://u:p@smtp.kommune.dk:587' })).toEqual({ url: 'smtp://u:p@smtp.kommune.dk:587' });
    expect(() => smtpOptionsFromEnv({})).toThrow('DAGSORDEN_SMTP_URL er ikke sat. Sæt den til mailserveren, fx smtp://bruger:adgangskode@smtp.kommune.dk:587.');
    expect(() => smtpOptionsFromEnv({ DAGSORDEN_SMTP_URL: 'smtp.kommune.dk' })).toThrow(/skal begynde med smtp:\/\//);
    expect(smtpTransport({ url: 'smtp://u:hemmelig@smtp.kommune.dk:587' }).description).not.toContain('hemmelig');
  });
});
