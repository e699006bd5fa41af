// Builds one member's invitation (or minutes, amended agenda, cancellation) as a complete MIME
// message: Danish subject, HTML and plain-text bodies from templates/mail/, the edition's PDF and
// the calendar request. Only the edition the member is entitled to is ever read.

import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { describeChanges, type AgendaChange } from '../../documents/changes.js';
import { describeFileSize } from '../../documents/bilag.js';
import { editionFor, editionView, isRedacted, type DocumentKind, type Edition, type MeetingView } from '../../documents/edition.js';
import { UserError } from '../../errors.js';
import type { Meeting, Member, Settings } from '../../model.js';
import { meetingDateInline, meetingDateLine } from '../../text/danish.js';
import type { OutgoingMail } from '../ports.js';
import { buildCalendarInvite, calendarUid, type CalendarPerson } from './invitation-ics.js';
import { DANISH_BILAG_PHRASES, escapeHtml, fillPhrase, fillSkeleton, type MailPhrases, type MailTemplate, type MailVariant } from './mail-template.js';

/** Where the member can open the documents of their edition (Drive links, when published there). */
export interface DocumentLinks {
  readonly pdf?: string;
  readonly docx?: string;
}

export interface PdfAttachment {
  /** `Dagsorden Chefforum 24-03-2022.pdf` */
  readonly fileName: string;
  readonly bytes: Uint8Array;
}

/** The bilag files of the recipient's edition, and the combined PDF (src/publish/bilag-step.ts). */
export interface InvitationBilag {
  readonly files: readonly { readonly item: number; readonly number: number; readonly title: string; readonly format: string; readonly size: number; readonly url?: string }[];
  /** With `bytes` when it is small enough to attach. */
  readonly combined?: { readonly fileName: string; readonly size: number; readonly url?: string; readonly bytes?: Uint8Array };
}

export interface InvitationInput {
  readonly meeting: Meeting;
  /** The recipient. */
  readonly member: Member;
  /** Everyone invited (the forum's active members): one ATTENDEE each. */
  readonly attendees: readonly Member[];
  readonly settings: Settings;
  readonly kind: DocumentKind;
  /** The edition the message carries; by default the one the member is entitled to. */
  readonly edition?: Edition;
  /** The document's version number; part of the Message-ID. */
  readonly version: number;
  /** The calendar SEQUENCE; the planner raises it on every change of time or place, cancellation and reinstatement. */
  readonly sequence: number;
  /** Ask for an answer (a new time or place, or a first invitation); a content-only update does not. */
  readonly askReply?: boolean;
  /** How many messages about the meeting reached this member before this one (part of the Message-ID). */
  readonly nth?: number;
  /** Why this message goes, when it is not a plain invitation, minutes or amendment. */
  readonly occasion?: 'reinstated' | 'edition' | 'withdrawn';
  readonly links?: DocumentLinks;
  /** The PDF of the edition this member is entitled to. */
  readonly pdf?: PdfAttachment;
  /** The bilag of that edition: listed under Dokumenter, and the combined PDF attached when small enough. */
  readonly bilag?: InvitationBilag;
  /** Present for an amended agenda: computed from snapshots of this member's edition. */
  readonly changes?: readonly AgendaChange[];
  readonly cancelled?: boolean;
  readonly template: MailTemplate;
  /** The Date header and DTSTAMP: injected so that composing again gives the same bytes. */
  readonly now: Date;
}

/** What makes one message: the same key always gives the same Message-ID. */
export interface MessageKey {
  readonly meetingId: string;
  readonly kind: DocumentKind;
  readonly version: number;
  readonly recipient: string;
  readonly cancelled?: boolean;
  /** The edition: versions are numbered per edition. */
  readonly edition?: string;
  /** The calendar SEQUENCE: a reinstatement or a new time at the same version is another message. */
  readonly sequence?: number;
  /** How many messages about the meeting reached the recipient before this one. */
  readonly nth?: number;
}

export { editionFor };

/** Parses Indstillinger → Afsender (`Navn <adresse>`). */
export function senderOf(settings: Pick<Settings, 'sender'>): CalendarPerson & { domain: string } {
  const raw = settings.sender?.trim();
  const parsed = raw ? addressparser(raw, { flatten: true })[0] : undefined;
  const at = parsed?.address.lastIndexOf('@') ?? -1;
  if (!parsed || at < 1) {
    throw new UserError(
      'config',
      raw
        ? `Afsender i fanen Indstillinger ("${raw}") er ikke en gyldig afsender. Skriv fx Sekretariatet <chefforum@kommune.dk>.`
        : 'Afsender mangler i fanen Indstillinger. Skriv fx Sekretariatet <chefforum@kommune.dk>.',
    );
  }
  return { name: parsed.name || parsed.address, email: parsed.address, domain: parsed.address.slice(at + 1).toLowerCase() };
}

/**
 * `<3f9c…@dagsorden.example.org>`: deterministic per meeting, document, version and recipient, so
 * the runner can log it before composing and a re-run after a crash recognises the message.
 */
export function messageIdFor(key: MessageKey, sender: string | Pick<Settings, 'sender'>): string {
  const { domain } = senderOf(typeof sender === 'string' ? { sender } : sender);
  const hash = createHash('sha256')
    .update(JSON.stringify([key.meetingId, key.cancelled ? 'aflysning' : key.kind, key.version, key.recipient.trim().toLowerCase(), key.edition ?? '', key.sequence ?? 0, key.nth ?? 0]))
    .digest('hex')
    .slice(0, 32);
  return `<${hash}@dagsorden.${domain}>`;
}

type Variant = MailVariant;

function variantOf(input: InvitationInput): Variant {
  if (input.occasion) return input.occasion;
  if (input.cancelled) return 'cancelled';
  if (input.kind === 'dagsorden' && input.changes) return 'amended';
  return input.kind;
}

/** `Dagsorden: Chefforum torsdag d. 24. marts 2022 kl. 09:00` */
export function subjectFor(meeting: Pick<Meeting, 'forum' | 'date' | 'start'>, variant: Variant, phrases: MailPhrases): string {
  return `${phrases.subject[variant]}: ${meeting.forum} ${meetingDateInline(meeting.date, meeting.start)}`;
}

interface ItemLine {
  readonly text: string;
  readonly closedMark: boolean;
}

function itemLines(view: MeetingView, p: MailPhrases): ItemLine[] {
  return view.items.map((item) => {
    if (isRedacted(item)) return { text: fillPhrase(p.closedItemLine, { nr: item.number }), closedMark: false };
    const line = fillPhrase(p.itemLine, { nr: item.number, præfiks: item.prefix, titel: item.title });
    return { text: item.timeSlot ? `${line} (${item.timeSlot.label})` : line, closedMark: item.closed };
  });
}

interface Body {
  readonly heading: string;
  readonly greeting: string;
  readonly intro: string;
  readonly time: string;
  readonly place: string;
  readonly changes: readonly string[];
  readonly items: readonly ItemLine[];
  readonly links: readonly { label: string; url?: string }[];
  readonly notes: readonly string[];
}

function bodyFor(input: InvitationInput, view: MeetingView, variant: Variant): Body {
  const p = input.template.phrases;
  const { meeting, settings } = input;
  const when = meetingDateInline(meeting.date, meeting.start);
  const documentName = p.documentName[input.kind];
  const dateLine = meetingDateLine(meeting.date, meeting.start);
  const cancelled = input.cancelled === true;
  const notes: string[] = [];
  if (input.pdf && !cancelled) notes.push(fillPhrase(p.attachmentNote, { dokument: documentName }));
  if (!cancelled && view.items.some(isRedacted)) notes.push(p.publicEditionNote);
  if (cancelled) notes.push(p.cancelNote);
  else if (input.kind === 'dagsorden') notes.push(p.calendarNote);
  const links: { label: string; url?: string }[] = [];
  if (!cancelled && input.links?.pdf) links.push({ label: fillPhrase(p.links.pdf, { dokument: documentName }), url: input.links.pdf });
  if (!cancelled && input.links?.docx) links.push({ label: fillPhrase(p.links.docx, { dokument: documentName }), url: input.links.docx });
  if (!cancelled && input.bilag) {
    const bp = { ...DANISH_BILAG_PHRASES, ...p.bilag };
    const { files, combined } = input.bilag;
    if (combined) {
      links.push({ label: fillPhrase(bp.combined, { størrelse: describeFileSize(combined.size) }), ...(combined.url ? { url: combined.url } : {}) });
      notes.unshift(combined.bytes ? fillPhrase(bp.combinedAttached, { filnavn: combined.fileName }) : fillPhrase(bp.combinedTooLarge, { størrelse: describeFileSize(combined.size) }));
    }
    for (const f of files) links.push({ label: fillPhrase(bp.line, { bilag: f.number, nr: f.item, titel: f.title, format: f.format, størrelse: describeFileSize(f.size) }), ...(f.url ? { url: f.url } : {}) });
  }
  return {
    heading: subjectFor(meeting, variant, p),
    greeting: fillPhrase(p.greeting, { navn: input.member.name }),
    intro: fillPhrase(p.intro[variant], { forum: meeting.forum, tidspunkt: when, version: input.version, organisation: settings.organisation }),
    time: meeting.end ? fillPhrase(p.meetingTime, { dato: dateLine, slut: meeting.end }) : dateLine,
    place: meeting.place,
    changes: variant === 'amended' ? (input.changes!.length > 0 ? describeChanges(input.changes!, p.changes) : [p.noChanges]) : [],
    items: cancelled ? [] : itemLines(view, p),
    links,
    notes,
  };
}

function renderText(body: Body, input: InvitationInput): string {
  const p = input.template.phrases;
  const section = (label: string, lines: readonly string[]): string => (lines.length ? [label, ...lines].join('\n') : '');
  const text = fillSkeleton(input.template.text, {
    greeting: body.greeting,
    intro: body.intro,
    details: `${p.labels.time}: ${body.time}\n${p.labels.place}: ${body.place}`,
    changes: section(
      p.labels.changes,
      body.changes.map((c) => `- ${c}`),
    ),
    items: section(
      p.labels.items,
      body.items.map((i) => `${i.text}${i.closedMark ? ` – ${p.closedMark}` : ''}`),
    ),
    links: section(
      p.labels.documents,
      body.links.map((l) => (l.url ? `${l.label}: ${l.url}` : l.label)),
    ),
    notes: body.notes.join('\n'),
    signoff: p.signoff,
    organisation: input.settings.organisation,
    footer: fillPhrase(p.footer, { organisation: input.settings.organisation }),
  });
  // Empty sections leave runs of blank lines behind.
  return text.replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

const H2 = 'margin:20px 0 8px 0;font-size:16px;color:#00395d;';
const P = 'margin:0 0 8px 0;';

function renderHtml(body: Body, input: InvitationInput): string {
  const p = input.template.phrases;
  const e = escapeHtml;
  const list = (lines: readonly string[]): string => `<ul style="margin:0 0 8px 0;padding-left:20px;">${lines.map((l) => `<li>${l}</li>`).join('')}</ul>`;
  return fillSkeleton(input.template.html, {
    subject: e(body.heading),
    heading: e(body.heading),
    organisation: e(input.settings.organisation),
    greeting: e(body.greeting),
    intro: e(body.intro),
    details:
      `<table role="presentation" style="border-collapse:collapse;margin:0 0 8px 0;">` +
      `<tr><td style="padding:2px 16px 2px 0;font-weight:bold;vertical-align:top;">${e(p.labels.time)}</td><td style="padding:2px 0;">${e(body.time)}</td></tr>` +
      `<tr><td style="padding:2px 16px 2px 0;font-weight:bold;vertical-align:top;">${e(p.labels.place)}</td><td style="padding:2px 0;">${e(body.place)}</td></tr>` +
      `</table>`,
    changes: body.changes.length ? `<h2 style="${H2}">${e(p.labels.changes)}</h2>${list(body.changes.map(e))}` : '',
    items: body.items.length
      ? `<h2 style="${H2}">${e(p.labels.items)}</h2>` +
        `<ol style="margin:0 0 8px 0;padding-left:0;list-style:none;">` +
        body.items.map((i) => `<li style="margin:0 0 4px 0;">${e(i.text)}${i.closedMark ? ` <em style="color:#8a1c1c;">(${e(p.closedMark)})</em>` : ''}</li>`).join('') +
        `</ol>`
      : '',
    links: body.links.length
      ? `<h2 style="${H2}">${e(p.labels.documents)}</h2>${list(body.links.map((l) => (l.url ? `<a href="${e(l.url)}" style="color:#0057a3;">${e(l.label)}</a>` : e(l.label))))}`
      : '',
    notes: body.notes.map((n) => `<p style="${P}">${e(n)}</p>`).join(''),
    signoff: e(p.signoff),
    footer: e(fillPhrase(p.footer, { organisation: input.settings.organisation })),
  });
}

/**
 * The calendar entry's text, from the PUBLIC edition for everyone: a calendar syncs to phones,
 * assistants and delegates, beyond the e-mail, so a closed item is only »Punkt N: Lukket« there.
 * The intro and the changes are not repeated: they may name a closed item to an entitled member.
 */
function calendarDescription(input: InvitationInput): string {
  const p = input.template.phrases;
  const publicItems = input.cancelled ? [] : itemLines(editionView(input.meeting, 'offentlig'), p).map((i) => i.text);
  return [fillPhrase(p.calendarSummary, { forum: input.meeting.forum }), '', ...publicItems].join('\n').trim();
}

/** Builds the message; no I/O apart from the MIME composer's own in-memory streams. */
export async function composeInvitation(input: InvitationInput): Promise<OutgoingMail> {
  const edition = input.edition ?? editionFor(input.member);
  if (edition === 'medlemmer' && !input.member.seesClosed) throw new Error(`composeInvitation: ${input.member.email} may not see closed items.`);
  const view = editionView(input.meeting, edition);
  if (input.changes?.some((c) => c.edition !== edition)) {
    // NOTE: a change list from the medlemmer snapshot could name a closed item's title.
    throw new Error(`composeInvitation: the changes for ${input.member.email} were computed for another edition than ${edition}.`);
  }
  const variant = variantOf(input);
  const sender = senderOf(input.settings);
  const messageId = messageIdFor(
    { meetingId: input.meeting.id, kind: input.kind, version: input.version, recipient: input.member.email, ...(input.cancelled ? { cancelled: true } : {}), edition, sequence: input.kind === 'referat' && !input.cancelled ? 0 : input.sequence, nth: input.nth ?? 0 },
    input.settings,
  );
  const body = bodyFor(input, view, variant);
  const subject = subjectFor(input.meeting, variant, input.template.phrases);

  let icalEvent: { method: string; filename: string; content: string } | undefined;
  if (input.kind === 'dagsorden' || input.cancelled) {
    // NOTE: Outlook shows the accept buttons only to a recipient listed as ATTENDEE. Only she is
    // listed: the invitation's size does not grow with the membership, and nobody's address list
    // travels with every invitation.
    const attendees = [input.member];
    const content = buildCalendarInvite({
      uid: calendarUid(input.meeting.id, sender.domain),
      sequence: input.sequence,
      stamp: input.now,
      timeZone: input.settings.timeZone,
      meeting: input.meeting,
      summary: fillPhrase(input.template.phrases.calendarSummary, { forum: input.meeting.forum }),
      description: calendarDescription(input),
      askReply: !input.cancelled && input.askReply !== false,
      location: input.meeting.place,
      organizer: { name: sender.name, email: sender.email },
      attendees: attendees.map((a) => ({ name: a.name, email: a.email })),
      ...(input.cancelled ? { cancelled: true } : {}),
    });
    icalEvent = { method: input.cancelled ? 'CANCEL' : 'REQUEST', filename: 'invite.ics', content };
  }

  const composer = new MailComposer({
    from: { name: sender.name, address: sender.email },
    to: { name: input.member.name, address: input.member.email },
    ...(input.settings.replyTo ? { replyTo: input.settings.replyTo } : {}),
    subject,
    messageId,
    date: input.now,
    headers: { 'Content-Language': 'da' },
    text: renderText(body, input),
    html: renderHtml(body, input),
    ...(icalEvent ? { icalEvent } : {}),
    attachments: input.cancelled
      ? []
      : [
          ...(input.pdf ? [{ filename: input.pdf.fileName, content: Buffer.from(input.pdf.bytes), contentType: 'application/pdf' }] : []),
          ...(input.bilag?.combined?.bytes ? [{ filename: input.bilag.combined.fileName, content: Buffer.from(input.bilag.combined.bytes), contentType: 'application/pdf' }] : []),
        ],
    // NOTE: boundaries derived from the Message-ID instead of random bytes, so composing the
    // same message again gives byte-identical output.
    baseBoundary: createHash('sha256').update(`boundary ${messageId}`).digest('hex').slice(0, 24),
    newline: 'win',
  });
  const raw = await composer.compile().build();
  return { messageId, to: input.member.email, subject, raw };
}
