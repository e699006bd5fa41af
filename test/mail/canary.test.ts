// No message to a member without access to closed items carries any closed content: a canary string
// sits in every cell of a closed item, and every message (every variant) is searched raw and decoded.

import type { ParsedMail } from 'mailparser';
import ical from 'node-ical';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffAgenda, snapshotAgenda } from '../../src/documents/changes.js';
import { editionView } from '../../src/documents/edition.js';
import { composeInvitation, editionFor, type InvitationInput } from '../../src/delivery/mail/compose.js';
import { smtpTransport } from '../../src/delivery/mail/smtp.js';
import { loadMailTemplate, type MailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { Meeting, Member } from '../../src/model.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { useSmtpRecorder } from '../helpers/smtp-recorder.js';
import { CANARY, decodedTexts, meeting, members, settings } from './fixtures.js';

const server = useSmtpRecorder();
let template: MailTemplate;
beforeAll(async () => {
  template = await loadMailTemplate();
});

const sent = meeting();
// The amended version: the closed item is retitled and rewritten, an open item is closed, and a
// second closed item is added, so the change lists have something to leak if they could.
const amended: Meeting = {
  ...sent,
  place: 'Teams',
  items: [
    ...sent.items.map((i) =>
      i.number === 3 ? { ...i, title: `Omplacering ${CANARY}-ny-titel`, presentation: parseRichText(`Ny tekst ${CANARY}-ny-tekst`) } : i.number === 2 ? { ...i, closed: true, title: `Budget ${CANARY}-lukket-nu` } : i,
    ),
    { ...sent.items[2]!, number: 5, caseNumber: '82.13.10-P05-9-22', title: `Ny lukket ${CANARY}-tilføjet` },
  ],
};

function calendarDescription(parsed: ParsedMail): string {
  const text = parsed.attachments.find((a) => a.contentType === 'text/calendar')?.content.toString('utf8') ?? '';
  const event = Object.values(ical.sync.parseICS(text)).find((c) => c?.type === 'VEVENT') as { description?: string } | undefined;
  return event?.description ?? '';
}

/** A stand-in PDF per edition: the medlemmer one carries the canary, as the real one would. */
const fakePdf = (member: Member): Uint8Array => Buffer.from(member.seesClosed ? `%PDF-1.7 medlemmer ${CANARY}` : '%PDF-1.7 offentlig');

function variants(member: Member): [string, InvitationInput][] {
  const edition = editionFor(member);
  const changes = diffAgenda(snapshotAgenda(editionView(sent, edition)), snapshotAgenda(editionView(amended, edition)));
  const common = { member, attendees: members, settings, template, now: new Date('2022-03-17T11:00:00Z'), pdf: { fileName: 'dagsorden.pdf', bytes: fakePdf(member) }, links: { pdf: 'https://drive.google.com/x' } };
  return [
    ['dagsorden', { ...common, meeting: sent, kind: 'dagsorden', version: 1, sequence: 0 }],
    ['ændret dagsorden', { ...common, meeting: amended, kind: 'dagsorden', version: 2, sequence: 1, changes }],
    ['referat', { ...common, meeting: { ...sent, status: 'Referat klar' }, kind: 'referat', version: 1, sequence: 0 }],
    ['aflysning', { ...common, meeting: { ...sent, status: 'Aflyst' }, kind: 'dagsorden', version: 1, sequence: 2, cancelled: true }],
  ];
}

describe('closed items never reach a member without access', () => {
  it('has the canary in every closed cell of the fixture', () => {
    const closed = sent.items.find((i) => i.closed)!;
    const cells = [closed.title, closed.occasion?.source, closed.presentation?.source, closed.supplement?.source, closed.recommender, ...closed.recommendation, closed.history?.source, closed.decision?.source, ...closed.attachments.flatMap((a) => [a.title, a.url])];
    expect(cells.every((c) => c?.includes(CANARY))).toBe(true);
  });

  for (const member of members) {
    it(`${member.name} (${member.seesClosed ? 'ser lukkede punkter' : 'ser ikke lukkede punkter'}): every variant, raw and decoded`, async () => {
      const transport = smtpTransport({ url: server.url });
      for (const [name, inp] of variants(member)) {
        const mail = await composeInvitation(inp);
        const before = server.received.length;
        await transport.send(mail);
        const raw = server.received[before]!.raw;
        const { parsed, all } = await decodedTexts(raw);
        expect(parsed.attachments.length, name).toBeGreaterThan(0);
        if (member.seesClosed) {
          if (name !== 'aflysning') expect(parsed.text, name).toContain(CANARY);
          // The calendar entry is built from the public edition for everyone: it syncs beyond the mailbox.
          if (name === 'dagsorden') expect(calendarDescription(parsed), name).not.toContain(CANARY);
          if (name === 'dagsorden') expect(calendarDescription(parsed), name).toContain('Punkt 3: Lukket');
          if (name === 'ændret dagsorden') expect(parsed.text, name).toContain(`»Omplacering ${CANARY}-ny-titel«`);
        } else {
          expect(raw.toString('latin1'), `${name}: raw bytes`).not.toContain(CANARY);
          expect(all, `${name}: decoded parts`).not.toContain(CANARY);
          expect(all, name).not.toContain('Personalesag');
          expect(all, name).not.toContain('BEMÆRKNING-KANARIE');
          if (name !== 'aflysning') expect(parsed.text, name).toContain('Punkt 3: Lukket');
        }
        // Bemærkning is never published, in any edition.
        expect(all, name).not.toContain('BEMÆRKNING-KANARIE');
      }
    });
  }

  it('refuses a change list computed for the other edition', async () => {
    const member = members.find((m) => !m.seesClosed)!;
    const changes = diffAgenda(snapshotAgenda(editionView(sent, 'medlemmer')), snapshotAgenda(editionView(amended, 'medlemmer')));
    await expect(composeInvitation({ ...variants(member)[1]![1], changes })).rejects.toThrow(/another edition/);
  });
});
