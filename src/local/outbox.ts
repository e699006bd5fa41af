// The outbox transport: each message becomes `<dir>/<message id>.eml`, for the embedded default and
// `--dry-run`; any mail program opens the files.

import { access, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { MailTransport, OutgoingMail } from '../delivery/ports.js';

/** `<3f9c…@dagsorden.example.org>` → `3f9c…@dagsorden.example.org.eml` */
export function outboxFileName(messageId: string): string {
  const bare = messageId.replace(/^<|>$/g, '').replace(/[^A-Za-z0-9._@+-]/g, '_');
  return `${bare.replace(/^\.+/, '_')}.eml`;
}

export function outboxTransport(dir: string): MailTransport & { pathFor(mail: Pick<OutgoingMail, 'messageId'>): string } {
  const pathFor = (mail: Pick<OutgoingMail, 'messageId'>): string => join(dir, outboxFileName(mail.messageId));
  return {
    description: `udbakken ${dir}`,
    pathFor,
    async send(mail: OutgoingMail): Promise<void> {
      await writeToOutbox(dir, pathFor(mail), mail.raw);
    },
    async wasSent(mail: Pick<OutgoingMail, 'messageId'>): Promise<boolean> {
      try {
        await access(pathFor(mail));
        return true;
      } catch {
        return false;
      }
    },
  };
}

/**
 * NOTE: written atomically (write-file-atomic: a temporary name in the same folder, flushed, then
 * renamed): a run killed mid-write leaves a stray temporary file but never a half `.eml` that
 * `wasSent` would take for sent.
 */
async function writeToOutbox(dir: string, target: string, raw: Buffer): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(target, raw);
  // The rename itself is durable only once the folder is flushed (best effort: not every file
  // system lets a folder be opened for that).
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* ignore */
  }
}
