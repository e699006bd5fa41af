// The runner's composer: Message-IDs, agenda snapshots and the messages themselves, built with the
// mail module for one run's settings and template.

import type { DateTime } from 'luxon';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { editionView, type DocumentKind, type Edition } from '../documents/edition.js';
import { diffAgenda, snapshotAgenda, type AgendaSnapshot } from '../delivery/mail/changes.js';
import { composeInvitation, messageIdFor, senderOf } from '../delivery/mail/compose.js';
import type { MailTemplate } from '../delivery/mail/template.js';
import type { OutgoingMail } from '../delivery/ports.js';
import { problemLocation, type Meeting, type Problem, type Settings, type WorkbookModel } from '../model.js';
import type { ComposeRequest, Composer } from './run.js';
import { recipientsOf } from './plan.js';

export function createComposer(settings: Settings, template: MailTemplate): Composer {
  return {
    messageId: ({ meetingId, document, version, recipient }) =>
      messageIdFor({ meetingId, kind: document === 'referat' ? 'referat' : 'dagsorden', version, recipient, cancelled: document === 'aflysning' }, settings),

    snapshot: (meeting: Meeting, document: DocumentKind, edition: Edition) => JSON.stringify(snapshotAgenda(editionView(meeting, edition), document)),

    async compose(r: ComposeRequest): Promise<OutgoingMail> {
      const { action, meeting, model } = r;
      const member = model.members.find((m) => m.email.toLowerCase() === action.recipient.toLowerCase())!;
      const kind: DocumentKind = action.document === 'referat' ? 'referat' : 'dagsorden';
      const changes =
        action.purpose === 'ændring' && r.previousSnapshot
          ? diffAgenda(JSON.parse(r.previousSnapshot) as AgendaSnapshot, snapshotAgenda(editionView(meeting, action.edition), kind))
          : action.purpose === 'ændring'
            ? []
            : undefined;
      return composeInvitation({
        meeting,
        member,
        attendees: recipientsOf(meeting, model.members),
        settings: model.settings,
        kind,
        version: action.version,
        sequence: action.sequence,
        // NOTE: only real web links (Drive); a local path means nothing in a member's mailbox.
        links: Object.fromEntries(Object.entries(r.links).filter(([, url]) => url && /^https?:\/\//.test(url))),
        ...(r.pdf ? { pdf: r.pdf } : {}),
        ...(changes ? { changes } : {}),
        cancelled: action.purpose === 'aflysning',
        template,
        now: r.now.toJSDate(),
      });
    },

    async composeProblemReport(to: string, problems: readonly Problem[], model: WorkbookModel, now: DateTime): Promise<OutgoingMail> {
      const sender = senderOf(model.settings);
      const messageId = `<problemer-${now.toMillis()}@dagsorden.${sender.domain}>`;
      const subject = `Regnearket har ${problems.length} ${problems.length === 1 ? 'problem' : 'problemer'}, der skal rettes`;
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
  };
}
