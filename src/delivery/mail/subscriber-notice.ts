// The e-mails of citizens' subscriptions (issue 21): the notice that an agenda or minutes was
// published or amended, and the confirmation mail of a sign-up. Built from the PUBLIC edition only
// (editionView 'offentlig': a closed item is "Punkt N: Lukket"), whoever the recipient is. Every
// notice carries a one-click unsubscribe (RFC 8058) and a link to manage the subscriptions.

import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { itemHeading } from '../../documents/docx.js';
import { editionView, type DocumentKind } from '../../documents/edition.js';
import type { Template } from '../../documents/template.js';
import type { Meeting, Settings } from '../../model.js';
import { meetingDateInline } from '../../text/danish.js';
import type { OutgoingMail } from '../ports.js';
import { senderOf } from './compose.js';
import { escapeHtml } from './mail-template.js';

export interface NoticeLinks {
  /** The meeting's page on the public site. */
  readonly page: string;
  /** The public PDF, when there is one. */
  readonly pdf?: string;
  /** POST here (RFC 8058) or open it to unsubscribe from the subscription that brought the mail. */
  readonly unsubscribe: string;
  readonly manage: string;
}

export interface NoticeInput {
  readonly meeting: Meeting;
  readonly document: DocumentKind;
  readonly version: number;
  readonly to: string;
  /** What the recipient follows that brought this mail, e.g. `Chefforum`, `sagen 00.01.00-A21-2-21`. */
  readonly follows: readonly string[];
  readonly links: NoticeLinks;
  readonly settings: Settings;
  readonly template: Template;
  readonly messageId: string;
  readonly now: Date;
}

function subjectOf(input: Pick<NoticeInput, 'meeting' | 'document' | 'version'>): string {
  const kind = input.document === 'referat' ? 'referat' : 'dagsorden';
  const what = input.version > 1 ? `Ændret ${kind}` : `Ny${kind === 'referat' ? 't' : ''} ${kind}`;
  return `${what}: ${input.meeting.forum} ${meetingDateInline(input.meeting.date, input.meeting.start)}`;
}

/** The notice to one subscriber. Reads the meeting only through its public edition. */
export async function composeSubscriberNotice(input: NoticeInput): Promise<OutgoingMail> {
  const view = editionView(input.meeting, 'offentlig');
  const sender = senderOf(input.settings);
  const subject = subjectOf(input);
  const kind = input.document === 'referat' ? 'Referatet' : 'Dagsordenen';
  const when = meetingDateInline(view.date, view.start);
  const intro = `${kind} til ${view.forum}s møde ${when} (${view.place}) er ${input.version > 1 ? 'ændret og offentliggjort på ny' : 'offentliggjort'}.`;
  const items = view.items.map((i) => itemHeading(i, input.template));
  const why = `Du får denne e-mail, fordi du abonnerer på ${input.follows.join(' og ')}.`;
  const text = [
    intro,
    '',
    'Punkter:',
    ...items.map((h) => `- ${h}`),
    '',
    `Se mødet: ${input.links.page}`,
    ...(input.links.pdf ? [`${kind} som PDF: ${input.links.pdf}`] : []),
    '',
    why,
    `Afmeld med ét klik: ${input.links.unsubscribe}`,
    `Se og ændr dine abonnementer: ${input.links.manage}`,
  ].join('\n');
  const a = (href: string, label: string): string => `<a href="${escapeHtml(href)}">${escapeHtml(label)}</a>`;
  const html = `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>
<p>${escapeHtml(intro)}</p>
<h2>Punkter</h2>
<ul>${items.map((h) => `<li>${escapeHtml(h)}</li>`).join('')}</ul>
<p>${a(input.links.page, 'Se mødet på hjemmesiden')}${input.links.pdf ? ` · ${a(input.links.pdf, `${kind} som PDF`)}` : ''}</p>
<p style="font-size:90%">${escapeHtml(why)} ${a(input.links.unsubscribe, 'Afmeld med ét klik')} · ${a(input.links.manage, 'Se og ændr dine abonnementer')}</p>
</body></html>`;
  const composer = new MailComposer({
    from: { name: sender.name, address: sender.email },
    to: input.to,
    ...(input.settings.replyTo ? { replyTo: input.settings.replyTo } : {}),
    subject,
    messageId: input.messageId,
    date: input.now,
    headers: {
      'Content-Language': 'da',
      // RFC 8058: a mail program may unsubscribe with one POST of `List-Unsubscribe=One-Click` to this address.
      'List-Unsubscribe': `<${input.links.unsubscribe}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Auto-Submitted': 'auto-generated',
    },
    text,
    html,
    baseBoundary: createHash('sha256').update(`boundary ${input.messageId}`).digest('hex').slice(0, 24),
    newline: 'win',
  });
  const raw = await composer.compile().build();
  return { messageId: input.messageId, to: input.to, subject, raw };
}

export interface ConfirmationInput {
  readonly to: string;
  /** `Chefforum` / `sagen 00.01.00-A21-2-21`. */
  readonly follows: string;
  readonly confirm: string;
  readonly organisation: string;
  readonly settings: Settings;
  readonly now: Date;
}

/**
 * The double opt-in mail. Says who asked (someone on the site, with this address) and that ignoring
 * it is enough: nothing is stored after seven days. No tracking, no unsubscribe header (there is
 * nothing to unsubscribe from yet).
 */
export async function composeConfirmation(input: ConfirmationInput): Promise<OutgoingMail> {
  const sender = senderOf(input.settings);
  const messageId = `<bekraeft-${createHash('sha256').update(`${input.confirm} ${input.to}`).digest('hex').slice(0, 32)}@dagsorden.${sender.domain}>`;
  const subject = `Bekræft dit abonnement på ${input.follows}`;
  const local = DateTime.fromJSDate(input.now).setZone(input.settings.timeZone);
  const when = meetingDateInline(local.toISODate()!, local.toFormat('HH:mm'));
  const asked = `Nogen har ${when} på ${input.organisation}s hjemmeside bedt om, at ${input.to} får en e-mail, når der kommer nye dagsordener og referater om ${input.follows}.`;
  const text = [
    asked,
    '',
    `Var det dig, så bekræft her: ${input.confirm}`,
    '',
    'Var det ikke dig, skal du ikke gøre noget: du får ikke flere e-mails om det, og adressen slettes efter 7 dage.',
  ].join('\n');
  const html = `<!doctype html><html lang="da"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>
<p>${escapeHtml(asked)}</p>
<p>Var det dig, så <a href="${escapeHtml(input.confirm)}">bekræft dit abonnement</a>.</p>
<p>Var det ikke dig, skal du ikke gøre noget: du får ikke flere e-mails om det, og adressen slettes efter 7 dage.</p>
</body></html>`;
  const raw = await new MailComposer({
    from: { name: sender.name, address: sender.email },
    to: input.to,
    subject,
    messageId,
    date: input.now,
    headers: { 'Content-Language': 'da', 'Auto-Submitted': 'auto-generated' },
    text,
    html,
    baseBoundary: createHash('sha256').update(`boundary ${messageId}`).digest('hex').slice(0, 24),
    newline: 'win',
  })
    .compile()
    .build();
  return { messageId, to: input.to, subject, raw };
}
