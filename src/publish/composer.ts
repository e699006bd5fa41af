// The runner's composer: Message-IDs, item overviews and the messages themselves, built with the
// mail module for one run's settings and template.

import { DateTime } from 'luxon';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { diffAgenda, snapshotAgenda, storedContents, type AgendaSnapshot } from '../documents/changes.js';
import { editionView, type DocumentKind, type Edition } from '../documents/edition.js';
import { composeInvitation, messageIdFor, senderOf, type InvitationBilag } from '../delivery/mail/compose.js';
import type { MailBilag } from './bilag-step.js';
import type { MailTemplate } from '../delivery/mail/mail-template.js';
import type { OutgoingMail } from '../delivery/ports.js';
import { problemLocation, type Meeting, type Member, type Problem, type Settings, type WorkbookModel } from '../model.js';
import type { ComposeRequest, Composer } from './run.js';
import { LIMIT_DOCUMENT, limitText, NOTIFY_DOCUMENT, sameText, type LimitNotice, type ProblemNotice, type SendPurpose } from './plan.js';
import { meetingDateInline } from '../text/danish.js';

const OCCASION: Partial<Record<SendPurpose, 'reinstated' | 'edition' | 'withdrawn'>> = { genindkaldelse: 'reinstated', udgave: 'edition', afmelding: 'withdrawn' };

/** An edition's bilag as the invitation shows them: only real web links; a local path means nothing in a mailbox. */
function invitationBilag(b: MailBilag): InvitationBilag {
  const web = (url: string): { url?: string } => (/^https?:\/\//.test(url) ? { url } : {});
  return {
    files: b.bilag.map((f) => ({ item: f.item, number: f.number, title: f.title, format: f.format, size: f.size, ...web(f.link) })),
    ...(b.combined ? { combined: { fileName: b.combined.fileName, size: b.combined.size, ...web(b.combined.link), ...(b.combined.bytes ? { bytes: b.combined.bytes } : {}) } } : {}),
  };
}

export function createComposer(settings: Settings, template: MailTemplate): Composer {
  return {
    messageId: ({ meetingId, document, edition, version, sequence, recipient, nth, problemsHash, limitEvent }) => {
      // NOTE: one notice per set of problems, whoever it goes to and whenever: the id is the set's hash.
      if (document === NOTIFY_DOCUMENT) return `<problemer-${problemsHash ?? ''}@dagsorden.${senderOf(settings).domain}>`;
      // NOTE: one notice per limit event (the period its retry time ends), however many runs meet it.
      if (document === LIMIT_DOCUMENT) return `<sendeloft-${limitEvent ?? ''}@dagsorden.${senderOf(settings).domain}>`;
      return messageIdFor(
        { meetingId, kind: document === 'referat' ? 'referat' : 'dagsorden', version, recipient, cancelled: document === 'aflysning', edition, sequence, nth },
        settings,
      );
    },

    contents: (meeting: Meeting, document: DocumentKind, edition: Edition) => storedContents(snapshotAgenda(editionView(meeting, edition), document)),

    async compose(r: ComposeRequest): Promise<OutgoingMail> {
      const { action, meeting, model } = r;
      // NOTE: a member removed from the sheet is known only by her address: enough for a cancellation.
      const member: Member = model.members.find((m) => sameText(m.email) === sameText(action.recipient)) ?? {
        name: action.recipientName,
        email: action.recipient,
        fora: [],
        seesClosed: false,
        active: false,
        row: 0,
      };
      const kind: DocumentKind = action.document === 'referat' ? 'referat' : 'dagsorden';
      const changes =
        action.purpose === 'ændring' && r.previousContents
          ? diffAgenda(JSON.parse(r.previousContents) as AgendaSnapshot, snapshotAgenda(editionView(meeting, action.edition), kind))
          : action.purpose === 'ændring'
            ? []
            : undefined;
      const occasion = OCCASION[action.purpose];
      const mail = await composeInvitation({
        meeting,
        member,
        attendees: [member],
        settings: model.settings,
        kind,
        version: action.version,
        sequence: action.calendar?.sequence ?? 0,
        nth: action.nth,
        askReply: action.calendar?.askReply ?? true,
        ...(occasion ? { occasion } : {}),
        edition: action.edition,
        // NOTE: only real web links (Drive); a local path means nothing in a member's mailbox.
        links: Object.fromEntries(Object.entries(r.links).filter(([, url]) => url && /^https?:\/\//.test(url))),
        ...(r.pdf ? { pdf: r.pdf } : {}),
        ...(r.bilag ? { bilag: invitationBilag(r.bilag) } : {}),
        ...(changes ? { changes } : {}),
        cancelled: action.calendar?.method === 'CANCEL',
        template,
        now: r.now.toJSDate(),
      });
      // NOTE: the log recorded the planner's Message-ID; a message under another id could never be recognised again.
      if (mail.messageId !== action.messageId) throw new Error(`compose: Message-ID ${mail.messageId} differs from the planned ${action.messageId}`);
      return mail;
    },

    async composeProblemReport(action: ProblemNotice, problems: readonly Problem[], model: WorkbookModel, now: DateTime): Promise<OutgoingMail> {
      const { messageId, to } = action;
      const subject = `Regnearket har ${problems.length} ${problems.length === 1 ? 'problem' : 'problemer'}, der skal rettes`;
      // NOTE: the cell and the rule, never the cell's content: a closed item's text must not travel by e-mail.
      const text = [
        'Hej',
        '',
        `dagsorden fandt ${problems.length === 1 ? 'et problem' : `${problems.length} problemer`} i regnearket. Det, der er berørt, bliver ikke udgivet eller sendt, før det er rettet. Listen står også i fanen Validering.`,
        '',
        ...problems.map((p) => `${problemLocation(p)}: ${p.message}`),
        '',
        'Du får kun denne besked igen, hvis listen ændrer sig.',
      ].join('\n');
      const raw = await new MailComposer({ from: model.settings.sender, to, subject, text, messageId, date: now.toJSDate(), ...(model.settings.replyTo ? { replyTo: model.settings.replyTo } : {}) })
        .compile()
        .build();
      return { messageId, to, subject, raw };
    },

    async composeLimitNotice(action: LimitNotice, model: WorkbookModel, now: DateTime): Promise<OutgoingMail> {
      const { messageId, to, limit } = action;
      const zone = model.settings.timeZone;
      const reached = DateTime.fromISO(limit.reachedAt, { setZone: true }).setZone(zone);
      const n = limit.waiting;
      const subject = 'Den daglige grænse for afsendte e-mails blev nået – du skal ikke gøre noget';
      // NOTE: numbers and times only: which e-mails waited is in the log, never a title or an address here.
      const text = [
        'Hej',
        '',
        `Kontoen, som dagsorden sender e-mails fra, nåede ${reached.isValid ? meetingDateInline(reached.toISODate()!, reached.toFormat('HH:mm')) : 'i går'} den daglige grænse for, hvor mange e-mails den må sende.`,
        '',
        `${limitText(n, limit.retryAt, zone)}, ved den første planlagte kørsel derefter.`,
        '',
        'Du skal ikke gøre noget: intet går tabt, og ingen får en e-mail to gange. Kolonnen Næste i fanen Møder viser, hvad der venter.',
        '',
        'Denne besked kommer først, når kontoen kan sende igen, fordi grænsen også gælder den. Du får den én gang, hver gang grænsen nås.',
      ].join('\n');
      const raw = await new MailComposer({ from: model.settings.sender, to, subject, text, messageId, date: now.toJSDate(), ...(model.settings.replyTo ? { replyTo: model.settings.replyTo } : {}) })
        .compile()
        .build();
      return { messageId, to, subject, raw };
    },
  };
}
