// A real SMTP server on 127.0.0.1 that keeps every message it accepts, for the tests that send through the SMTP transport or a `dagsorden` process.

import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll } from 'vitest';

export interface ReceivedMail {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
  readonly parsed: ParsedMail;
  /** Who logged in ('' without login): tests that run several stories on one server tell their mail apart by it. */
  readonly user: string;
}

export interface SmtpRecorder {
  readonly url: string;
  readonly port: number;
  readonly received: ReceivedMail[];
  /** Addresses the server refuses at RCPT TO with 550. */
  readonly reject: Set<string>;
  close(): Promise<void>;
}

export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const received: ReceivedMail[] = [];
  const reject = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (reject.has(address.address.toLowerCase())) {
        const err = Object.assign(new Error('5.1.1 Mailbox does not exist'), { responseCode: 550 });
        return callback(err);
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        // NOTE: recorded before the server answers, so a sender that saw its message accepted finds it here.
        simpleParser(raw).then(
          (parsed) => {
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
              user: String(session.user ?? ''),
            });
            callback();
          },
          (e: Error) => callback(e),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  if (!address || typeof address === 'string') throw new Error('SMTP test server has no port');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    reject,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One server per test file, so the messages of one file's runs never meet another's. */
export function useSmtpRecorder(): Omit<SmtpRecorder, 'close'> {
  let recorder: SmtpRecorder | undefined;
  beforeAll(async () => {
    recorder = await startSmtpRecorder();
  });
  afterAll(() => recorder?.close());
  // A module-level use would otherwise fail later with an unclear undefined.
  const started = (): SmtpRecorder => {
    if (!recorder) throw new Error('the SMTP recorder is used before its beforeAll ran');
    return recorder;
  };
  return {
    get url() {
      return started().url;
    },
    get port() {
      return started().port;
    },
    get received() {
      return started().received;
    },
    get reject() {
      return started().reject;
    },
  };
}
