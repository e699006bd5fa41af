// Fakes that behave like the real services where it matters for exactly-once: a Drive-like store that
// makes a new file on every create, and a mail transport that records every delivery.

import type { DocumentFile, DocumentKey, DocumentStore, MailTransport, OutgoingMail, PublishedFile } from '../../src/delivery/ports.js';
import type { RenderedDocument, RenderRequest } from '../../src/documents/render.js';
import type { Renderer } from '../../src/publish/run.js';
import { sha256, type SiteManifest, type SiteTarget } from '../../src/portal/target.js';

// NOTE: a preview is another file than the published one of the same meeting, kind and edition.
export const keyOf = (k: DocumentKey): string => `${k.meetingId}|${k.kind}|${k.edition}|${k.format}${k.draft ? '|kladde' : ''}`;

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
    async withdrawDocument(_key: DocumentKey, file: PublishedFile): Promise<void> {
      files.delete(file.fileId);
    },
  };
}

/**
 * Records deliveries. `canTell`: like the outbox, it can say afterwards whether a message went.
 * `drafts`: like Gmail's drafts, a message is staged first and its ticket recorded; a sent draft is
 * gone, so sending it again fails as already sent.
 */
export function recordingTransport(canTell: boolean | 'drafts'): MailTransport & { delivered: OutgoingMail[] } {
  const delivered: OutgoingMail[] = [];
  if (canTell === 'drafts') {
    const drafts = new Map<string, OutgoingMail>();
    let next = 1;
    return {
      description: 'recording drafts',
      delivered,
      async prepare(mail: OutgoingMail): Promise<string> {
        const id = `d${next++}`;
        drafts.set(id, mail);
        return id;
      },
      async send(_mail: OutgoingMail, ticket?: string): Promise<void> {
        const draft = ticket ? drafts.get(ticket) : undefined;
        if (!draft) return; // already sent: Gmail answers 404, which the transport takes as sent
        drafts.delete(ticket!);
        delivered.push(draft);
      },
      async wasSent(_mail: OutgoingMail, ticket?: string): Promise<boolean | undefined> {
        return ticket ? !drafts.has(ticket) : false;
      },
    };
  }
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
    async renderAll(requests: readonly RenderRequest[]): Promise<RenderedDocument[]> {
      return requests.map((r) => ({
        files: new Map([
          ['docx', new TextEncoder().encode(`docx ${r.meeting.id} ${r.kind} ${r.edition}`)],
          ['pdf', new TextEncoder().encode(`%PDF ${r.meeting.id} ${r.kind} ${r.edition}`)],
        ]),
        title: `${r.kind} ${r.meeting.id}`,
        fileStem: `${r.kind}-${r.meeting.id}`,
      }));
    },
  };
}

/** The public site in memory, as a folder or bucket holds it: stored name → bytes, and the manifest. */
export function memorySiteTarget(): SiteTarget & { files: Map<string, Uint8Array> } {
  const files = new Map<string, Uint8Array>();
  let manifest: SiteManifest | undefined;
  return {
    description: 'minnet',
    files,
    readManifest: async () => manifest,
    list: async () => new Map([...files].map(([name, bytes]) => [name, sha256(bytes)])),
    async put(name, file) {
      files.set(name, typeof file.body === 'string' ? new TextEncoder().encode(file.body) : file.body);
    },
    async remove(name) {
      files.delete(name);
    },
    async writeManifest(m) {
      manifest = m;
    },
  };
}
