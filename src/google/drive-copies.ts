// The bilag copies on Google Drive: each edition's copies (and its combined PDF) are files of the
// dagsorden account in the meeting's folder of that edition, so they have exactly that folder's
// sharing: an open item's bilag in the members' and the public folder, a closed item's only in the
// members'. The secretary's own file is only ever read (drive-attachments.ts): its sharing is never
// touched, and nobody is sent to it.
//
// A copy is found again by its app properties (meeting, edition, item, number, format) and carries
// its source's checksum: an unchanged source writes nothing, a changed one is uploaded into the same
// file (same id and address, a new revision). A new copy is made under an id reserved before the
// documents that link it are made, so a retried, timed-out or crashed upload ends with one copy.

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import type { Edition } from '../documents/edition.js';
import type { BilagCopy, BilagCopyKey, BilagStore } from '../publish/bilag-step.js';
import type { DriveDocumentStore } from './drive.js';
import { googleErrorFacts } from './retry.js';
import type { GoogleTarget } from './translate-error.js';

/** The `kind` app property of every bilag copy and combined PDF: never a document's kind. */
export const BILAG_KIND = 'bilag';

/** What a copy's `format` is for the combined PDF. */
const COMBINED = 'samlet';

const FIELDS = 'id,name,appProperties,createdTime,size';

/** Where a Drive file opens: known from its id alone, so a reserved id's address is known before the file exists. */
export const driveFileLink = (id: string): string => `https://drive.google.com/file/d/${id}/view`;

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** `appProperties has { key='k' and value='v' }`. */
function has(key: string, value: string): string {
  return `appProperties has { key='${key}' and value='${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' }`;
}

const keyOf = (edition: Edition, c: Pick<BilagCopyKey, 'item' | 'number' | 'format'>): string => `${edition}|${c.item}|${c.number}|${c.format}`;
const combinedKey = (edition: Edition): string => `${edition}|${COMBINED}`;

function keyOfFile(f: drive_v3.Schema$File): string | undefined {
  const p = f.appProperties ?? {};
  if (p.edition !== 'medlemmer' && p.edition !== 'offentlig') return undefined;
  if (p.format === COMBINED) return combinedKey(p.edition);
  return p.item && p.nr && (p.format === 'original' || p.format === 'pdf') ? `${p.edition}|${p.item}|${p.nr}|${p.format}` : undefined;
}

const is404 = (e: unknown): boolean => googleErrorFacts((e as Error).cause ?? e)?.status === 404;

export class DriveCopyStore implements BilagStore {
  readonly absoluteLinks = true;
  /** Meeting → its copies by key (read once per run, kept up to date by this run's writes). */
  private readonly found = new Map<string, Promise<Map<string, drive_v3.Schema$File>>>();
  /** `<meeting>|<key>` → an id reserved for a copy not made yet. */
  private readonly reserved = new Map<string, string>();
  /** `<meeting>|<edition>` → the combined PDF this run put, so its e-mail needs no download. */
  private readonly combinedBytes = new Map<string, Uint8Array>();

  constructor(private readonly documents: DriveDocumentStore) {}

  /** One search per meeting and run: every copy and combined PDF of both editions; a duplicate left by a lost answer goes. */
  private copiesOf(meetingId: string): Promise<Map<string, drive_v3.Schema$File>> {
    let p = this.found.get(meetingId);
    if (!p) {
      p = (async () => {
        const q = [has('meeting', meetingId), has('kind', BILAG_KIND), 'trashed = false'].join(' and ');
        const all: drive_v3.Schema$File[] = [];
        let pageToken: string | undefined;
        do {
          const res = await this.documents.call('drive.files.list', { kind: 'drive' }, (drive, o) =>
            drive.files.list({ q, fields: `nextPageToken,files(${FIELDS})`, orderBy: 'createdTime', pageSize: 1000, supportsAllDrives: true, includeItemsFromAllDrives: true, corpora: 'allDrives', spaces: 'drive', ...(pageToken ? { pageToken } : {}) }, o),
          );
          all.push(...(res.files ?? []));
          pageToken = res.nextPageToken ?? undefined;
        } while (pageToken);
        const byKey = new Map<string, drive_v3.Schema$File>();
        for (const f of all) {
          const k = keyOfFile(f);
          if (!k || !f.id) continue;
          if (!byKey.has(k)) byKey.set(k, f);
          else await this.remove(f.id); // the oldest stays (orderBy createdTime), as for documents
        }
        return byKey;
      })();
      p.catch(() => this.found.delete(meetingId));
      this.found.set(meetingId, p);
    }
    return p;
  }

  private async remove(id: string): Promise<void> {
    try {
      await this.documents.call('drive.files.delete', { kind: 'file', id }, (drive, o) => drive.files.delete({ fileId: id, supportsAllDrives: true }, o));
    } catch (e) {
      if (!is404(e)) throw e;
    }
  }

  /** The id for a new copy: the one its address was given under, or a new one. */
  private async idFor(meetingId: string, key: string): Promise<string> {
    const mine = this.reserved.get(`${meetingId}|${key}`);
    if (mine) return mine;
    const [id] = await this.documents.reserveIds(1);
    this.reserved.set(`${meetingId}|${key}`, id!);
    return id!;
  }

  /**
   * Makes the file of `key` hold `bytes` (unless its source is unchanged): the same file updated in
   * place when there is one, else a new one in the edition's folder under the reserved id.
   */
  private async put(meetingId: string, edition: Edition, key: string, file: { name: string; mediaType: string; bytes: Uint8Array; source: string; props: Record<string, string> }): Promise<{ id: string; written: boolean }> {
    const copies = await this.copiesOf(meetingId);
    const appProperties = { meeting: meetingId, kind: BILAG_KIND, edition, ...file.props, source: file.source };
    const existing = copies.get(key);
    if (existing?.id) {
      const sameSource = existing.appProperties?.source === file.source;
      if (sameSource && existing.name === file.name) return { id: existing.id, written: false };
      try {
        const res = await this.documents.call('drive.files.update', { kind: 'file', id: existing.id, name: file.name }, (drive, o) =>
          drive.files.update(
            {
              fileId: existing.id!,
              supportsAllDrives: true,
              fields: FIELDS,
              requestBody: { name: file.name, appProperties },
              // NOTE: a fresh stream per attempt; a renamed copy of an unchanged source is not uploaded again.
              ...(sameSource ? {} : { media: { mimeType: file.mediaType, body: Readable.from([Buffer.from(file.bytes)]) } }),
            },
            o,
          ),
        );
        copies.set(key, { ...res, id: existing.id });
        return { id: existing.id, written: true };
      } catch (e) {
        // Deleted by hand: made again (under a new id; the next documents link it).
        if (!is404(e)) throw e;
        copies.delete(key);
      }
    }
    const folder = await this.documents.editionFolder(meetingId, edition);
    const target: GoogleTarget = { kind: 'folder', id: folder };
    const id = await this.idFor(meetingId, key);
    const res = await this.documents.createWithId(id, target, FIELDS, (reserved) => ({
      requestBody: { id: reserved, name: file.name, parents: [folder], mimeType: file.mediaType, appProperties },
      media: { mimeType: file.mediaType, body: Readable.from([Buffer.from(file.bytes)]) },
    }));
    this.reserved.delete(`${meetingId}|${key}`);
    copies.set(key, { ...res, id });
    return { id, written: true };
  }

  async copyLinks(meetingId: string, edition: Edition, keys: readonly BilagCopyKey[], options: { readonly reserve: boolean }): Promise<ReadonlyMap<string, string>> {
    const copies = await this.copiesOf(meetingId);
    const out = new Map<string, string>();
    const missing = keys.filter((k) => !copies.get(keyOf(edition, k))?.id && !this.reserved.has(`${meetingId}|${keyOf(edition, k)}`));
    if (options.reserve && missing.length) {
      const ids = await this.documents.reserveIds(missing.length);
      missing.forEach((k, i) => this.reserved.set(`${meetingId}|${keyOf(edition, k)}`, ids[i]!));
    }
    for (const k of keys) {
      const id = copies.get(keyOf(edition, k))?.id ?? (options.reserve ? this.reserved.get(`${meetingId}|${keyOf(edition, k)}`) : undefined);
      if (id) out.set(k.name, driveFileLink(id));
    }
    return out;
  }

  async syncCopies(meetingId: string, edition: Edition, copies: readonly BilagCopy[]): Promise<{ written: number }> {
    let written = 0;
    const wanted = new Set<string>();
    for (const c of copies) {
      const key = keyOf(edition, c);
      wanted.add(key);
      const r = await this.put(meetingId, edition, key, { name: c.name, mediaType: c.mediaType, bytes: c.bytes, source: c.source, props: { item: String(c.item), nr: String(c.number), format: c.format } });
      if (r.written) written++;
    }
    // A bilag removed, or an item closed since: its copy leaves this edition's folder (deleted, not
    // kept in the bin, where a link to it would still open for its owner's collaborators).
    const found = await this.copiesOf(meetingId);
    for (const [key, f] of [...found]) {
      if (!key.startsWith(`${edition}|`) || key === combinedKey(edition) || wanted.has(key) || !f.id) continue;
      await this.remove(f.id);
      found.delete(key);
    }
    return { written };
  }

  async putCombined(meetingId: string, edition: Edition, fileName: string, bytes: Uint8Array): Promise<string> {
    this.combinedBytes.set(`${meetingId}|${edition}`, bytes);
    const r = await this.put(meetingId, edition, combinedKey(edition), { name: fileName, mediaType: 'application/pdf', bytes, source: sha256(bytes), props: { format: COMBINED } });
    return driveFileLink(r.id);
  }

  async removeCombined(meetingId: string, edition: Edition): Promise<void> {
    this.combinedBytes.delete(`${meetingId}|${edition}`);
    const found = await this.copiesOf(meetingId);
    const f = found.get(combinedKey(edition));
    if (!f?.id) return;
    await this.remove(f.id);
    found.delete(combinedKey(edition));
  }

  async combinedLink(meetingId: string, edition: Edition): Promise<string | undefined> {
    const id = (await this.copiesOf(meetingId)).get(combinedKey(edition))?.id;
    return id ? driveFileLink(id) : undefined;
  }

  async readCombined(meetingId: string, edition: Edition): Promise<Uint8Array | undefined> {
    const put = this.combinedBytes.get(`${meetingId}|${edition}`);
    if (put) return put;
    const id = (await this.copiesOf(meetingId)).get(combinedKey(edition))?.id;
    if (!id) return undefined;
    try {
      const data = await this.documents.call('drive.files.get', { kind: 'file', id }, (drive, o) => drive.files.get({ fileId: id, alt: 'media', supportsAllDrives: true }, { ...o, responseType: 'arraybuffer' }) as unknown as Promise<{ data: ArrayBuffer }>);
      const bytes = new Uint8Array(data);
      this.combinedBytes.set(`${meetingId}|${edition}`, bytes);
      return bytes;
    } catch (e) {
      if (is404(e)) return undefined;
      throw e;
    }
  }
}

export function driveCopyStore(documents: DriveDocumentStore): DriveCopyStore {
  return new DriveCopyStore(documents);
}
