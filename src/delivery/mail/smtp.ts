// The SMTP transport (municipalities on Exchange and other mail systems): hands the already composed
// message to the server unchanged, with nodemailer's SMTP client.

import { createTransport } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import { UserError } from '../../errors.js';
import type { MailTransport, OutgoingMail } from '../ports.js';
import { RecipientRejected } from './recipient-rejected.js';

export const SMTP_URL_ENV = 'DAGSORDEN_SMTP_URL';

export interface SmtpOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`; nodemailer reads `?tls.rejectUnauthorized=false` etc. */
  readonly url: string;
  /** Envelope sender (bounces go here); default: the address in the message's From header. */
  readonly envelopeFrom?: string;
  /** Milliseconds; nodemailer's defaults are minutes, too long for a scheduled job. */
  readonly timeoutMs?: number;
}

/** Reads DAGSORDEN_SMTP_URL. */
export function smtpOptionsFromEnv(env: NodeJS.ProcessEnv): SmtpOptions {
  const url = env[SMTP_URL_ENV]?.trim();
  if (!url) {
    throw new UserError('config', `${SMTP_URL_ENV} er ikke sat. Sæt den til mailserveren, fx smtp://bruger:adgangskode@smtp.kommune.dk:587.`);
  }
  if (!/^smtps?:\/\/[^/]/i.test(url)) {
    throw new UserError('config', `${SMTP_URL_ENV} skal begynde med smtp:// eller smtps://, fx smtp://bruger:adgangskode@smtp.kommune.dk:587.`);
  }
  return { url };
}

/** The URL without its password, for messages and logs. */
export function describeSmtpUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp://(ugyldig adresse)';
  }
}

/** The address in the raw message's From header. */
export function fromAddressOf(raw: Buffer): string {
  const headerEnd = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('utf8');
  // Unfold, then take the From field.
  const from = /^From:[ \t]*(.*)$/im.exec(head.replace(/\r?\n[ \t]+/g, ' '))?.[1];
  const address = from ? addressparser(from, { flatten: true })[0]?.address : undefined;
  if (!address) throw new Error('The composed message has no From address.');
  return address;
}

interface SmtpError extends Error {
  code?: string;
  command?: string;
  responseCode?: number;
  response?: string;
  rejectedErrors?: SmtpError[];
}

export function smtpTransport(options: SmtpOptions): MailTransport {
  const timeout = options.timeoutMs ?? 60_000;
  // NOTE: no pool: each message gets its own connection, so a run killed between two messages
  // leaves no half-open session, and nothing has to be closed at the end of a run.
  const transporter = createTransport({ ...parseConnectionUrl(options.url), connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout });
  return {
    description: `SMTP ${describeSmtpUrl(options.url)}`,
    async send(mail: OutgoingMail): Promise<void> {
      await sendViaSmtp(transporter, mail, options.envelopeFrom ?? fromAddressOf(mail.raw), options.url);
    },
  };
}

async function sendViaSmtp(transporter: ReturnType<typeof createTransport>, mail: OutgoingMail, from: string, url: string): Promise<void> {
  try {
    await transporter.sendMail({ envelope: { from, to: [mail.to] }, raw: mail.raw });
  } catch (e) {
    const err = e as SmtpError;
    if (err.code === 'EENVELOPE' && err.command === 'API' && /recipient/i.test(err.message)) {
      throw new RecipientRejected(mail.to, undefined, err.message, true);
    }
    if (err.code === 'EENVELOPE' && err.command === 'RCPT TO') {
      const first = err.rejectedErrors?.[0] ?? err;
      const code = first.responseCode ?? err.responseCode;
      throw new RecipientRejected(mail.to, code, first.response ?? err.response ?? err.message, code === undefined || code >= 500);
    }
    // NOTE: anything else is the server or the network, not this recipient: the run stops (exit 3) and
    // the next run continues with this message, whose intent is already recorded.
    throw new UserError('service', `Mailserveren ${describeSmtpUrl(url)} kunne ikke modtage beskeden til ${mail.to} (${err.code ?? 'fejl'}: ${err.message}). Det, der allerede er sendt, er registreret; næste kørsel fortsætter. Kontrollér DAGSORDEN_SMTP_URL og at serveren svarer.`);
  }
}
