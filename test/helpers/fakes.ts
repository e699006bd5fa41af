// Fakes that behave like the real services where it matters for exactly-once: a Drive-like store that
// makes a new file on every create, and a mail transport that records every delivery.

import type { DocumentFile, DocumentKey, DocumentStore, MailTransport, OutgoingMail, PublishedFile } from '../../src/delivery/ports.js';
import type { RenderedEdition, Renderer, RenderRequest } from '../../src/publish/run.js';

export const keyOf = (k: DocumentKey): string => `${k.meetingId}|${k.kind}|${k.edition}|${k.format}`;

/** Like Drive: creating twice gives two files; updating keeps the id and adds a revision. */
export function driveLikeStore(): DocumentStore & { files: Map<string, { key: string; revisions: number; bytes: Uint8Array }> } {
  const files = new Map<string, { key: string; revisions: number; bytes: Uint8Array }>();
  let next = 1;
  return {
    description: 'fake drive',
    files,
    async putDocument(file: DocumentFile, existing?: PublishedFile): Promise<PublishedFile> {
      if (existing && files.has(existing.fileId)) {
        const f = files.get(existing.fileId)!;
        f.revisions++;
        f.bytes = file.bytes;
        return existing;
      }
      const fileId = `file-${next++}`;
      files.set(fileId, { key: keyOf(file), revisions: 1, bytes: file.bytes });
      return { fileId, link: `https://drive.example/${fileId}` };
    },
    async findDocument(key: DocumentKey): Promise<PublishedFile | undefined> {
      const hit = [...files].find(([, f]) => f.key === keyOf(key));
      return hit ? { fileId: hit[0], link: `https://drive.example/${hit[0]}` } : undefined;
    },
  };
}

/** Records deliveries. `canTell`: like the outbox or Gmail drafts, it can say afterwards whether a message went. */
export function recordingTransport(canTell: boolean): MailTransport & { delivered: OutgoingMail[] } {
  const delivered: OutgoingMail[] = [];
  const t: MailTransport & { delivered: OutgoingMail[] } = {
    description: 'recording',
    delivered,
    async send(mail: OutgoingMail): Promise<void> {
      delivered.push(mail);
    },
  };
  if (canTell) t.wasSent = async (mail) => delivered.some((d) => d.messageId === mail.messageId);
  return t;
}

/** Renders instantly: the bytes say what they are. The real renderer is tested with the documents. */
export function instantRenderer(): Renderer {
  return {
    formats: ['docx', 'pdf'],
    async renderAll(requests: readonly RenderRequest[]): Promise<RenderedEdition[]> {
      return requests.map((r) => ({
        files: new Map([
          ['docx', new TextEncoder().encode(`docx ${r.meeting.id} ${r.document} ${r.edition}`)],
          ['pdf', new TextEncoder().encode(`%PDF ${r.meeting.id} ${r.document} ${r.edition}`)],
        ]),
        title: `${r.document} ${r.meeting.id}`,
        fileStem: `${r.document}-${r.meeting.id}`,
      }));
    },
  };
}
