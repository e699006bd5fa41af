// The DocumentStore on Google Drive: a folder per meeting and edition, the members' edition shared
// with the members only, the public edition with anyone who has the link; each file found again by its
// appProperties and updated in place (same id, a new revision) when its content changes. Previews go to
// a `Kladder` folder of their own, shared with the secretariat only (never with a member).

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { drive_v3 } from '@googleapis/drive';
import type { Edition } from '../documents/edition.js';
import type { DocumentFile, DocumentKey, DocumentStore, PublishedFile } from '../delivery/ports.js';
import type { Google } from './client.js';
import { translateGoogleError, type GoogleTarget } from './translate-error.js';
import { googleErrorFacts, withRetry } from './retry.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

/** The Indstillinger key that names each edition's parent folder (for messages). */
const SETTING: Record<Edition, string> = { medlemmer: 'Drive-mappe medlemmer', offentlig: 'Drive-mappe offentlig' };
const ROOT_NAMES: Record<Edition, string> = { medlemmer: 'Dagsordener og referater – medlemmer', offentlig: 'Dagsordener og referater – offentlige' };
/** The previews' folder: apart from both editions' folders, so no member's access can reach it. */
export const DRAFTS_FOLDER_NAME = 'Kladder';

/** Where a file's folder opens in Drive. */
export const folderLink = (id: string): string => `https://drive.google.com/drive/folders/${id}`;

export interface DriveStoreOptions {
  /** The run's session (the wiring opens it once; the adapter never reads the environment). */
  readonly google: Google | Promise<Google>;
  /** Parent folders by edition (Indstillinger: Drive-mappe medlemmer / offentlig); created when absent. */
  readonly folders?: Readonly<Partial<Record<Edition, string>>>;
  /** Who may open the members' edition (the active members' e-mail addresses). */
  readonly memberEmails: readonly string[];
  /** Who may open the previews besides the account that runs the job (Indstillinger: Sekretær e-mail). */
  readonly secretariat?: readonly string[];
}

/** `appProperties has { key='k' and value='v' }`, with the value escaped for the query language. */
function has(key: string, value: string): string {
  return `appProperties has { key='${key}' and value='${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}' }`;
}

/**
 * The appProperties that identify a published file. A preview's kind is `<kind>-kladde`, so a
 * published file's search can never find a preview, nor a preview's a published file.
 */
export function documentProperties(key: DocumentKey): Record<string, string> {
  return { meeting: key.meetingId, kind: key.draft ? `${key.kind}-kladde` : key.kind, edition: key.edition, format: key.format };
}

export function documentQuery(key: DocumentKey): string {
  return [...Object.entries(documentProperties(key)).map(([k, v]) => has(k, v)), `mimeType != '${FOLDER_MIME}'`, 'trashed = false'].join(' and ');
}

/** A short, stable fingerprint of who should have access (kept on the folder to skip re-sharing). */
export function membersFingerprint(emails: readonly string[]): string {
  const list = [...new Set(emails.map((e) => e.trim().toLowerCase()))].sort().join(',');
  return createHash('sha256').update(list).digest('hex').slice(0, 16);
}

const LIST_OPTIONS = { supportsAllDrives: true, includeItemsFromAllDrives: true, corpora: 'allDrives', spaces: 'drive' } as const;

export class DriveDocumentStore implements DocumentStore {
  private readonly reservedIds: string[] = [];
  readonly description = 'Google Drive';
  private session?: Promise<Google>;
  private readonly roots = new Map<Edition | 'kladder', Promise<string>>();
  private readonly meetingFolders = new Map<string, Promise<string>>();
  private readonly fingerprint: string;

  constructor(private readonly opts: DriveStoreOptions) {
    this.fingerprint = membersFingerprint(opts.memberEmails);
  }

  private google(): Promise<Google> {
    return (this.session ??= Promise.resolve(this.opts.google));
  }

  /**
   * Runs one Drive call under the retry policy and gives its data; failures become the Danish
   * UserError (the Google error as its cause). Also used by the bilag copies (drive-copies.ts).
   */
  async call<D>(label: string, target: GoogleTarget, f: (drive: drive_v3.Drive, o: { timeout: number }) => Promise<{ data: D }>, recover?: () => Promise<D | undefined>): Promise<D> {
    const g = await this.google();
    const drive = await g.drive();
    try {
      const res = await withRetry<{ data: D }>(
        label,
        (o) => f(drive, o),
        g.policy,
        recover
          ? {
              recover: async () => {
                const data = await recover();
                return data === undefined ? undefined : { data };
              },
            }
          : {},
      );
      return res.data;
    } catch (e) {
      throw translateGoogleError(e, { target, account: await g.account(), timeoutMs: g.policy.timeoutMs });
    }
  }

  async findDocument(key: DocumentKey): Promise<PublishedFile | undefined> {
    const res = await this.call('drive.files.list', { kind: 'drive' }, (drive, o) =>
      drive.files.list({ q: documentQuery(key), fields: 'files(id,webViewLink,createdTime,parents)', orderBy: 'createdTime', pageSize: 10, ...LIST_OPTIONS }, o),
    );
    const file = res.files?.[0];
    return file?.id ? published(file, file.id, key) : undefined;
  }

  /** Moves the file to the bin (recoverable for 30 days); one already gone is fine. */
  async withdrawDocument(_key: DocumentKey, file: PublishedFile): Promise<void> {
    try {
      await this.call('drive.files.update', { kind: 'file', id: file.fileId, name: file.fileId }, (drive, o) =>
        drive.files.update({ fileId: file.fileId, supportsAllDrives: true, fields: 'id', requestBody: { trashed: true } }, o),
      );
    } catch (e) {
      if (googleErrorFacts((e as Error).cause)?.status !== 404) throw e;
    }
  }

  async putDocument(file: DocumentFile, existing?: PublishedFile): Promise<PublishedFile> {
    const appProperties = { ...documentProperties(file), hash: file.contentHash };
    if (existing) {
      try {
        const res = await this.call('drive.files.update', { kind: 'file', id: existing.fileId, name: file.fileName }, (drive, o) =>
          drive.files.update(
            {
              fileId: existing.fileId,
              supportsAllDrives: true,
              fields: 'id,webViewLink,parents',
              requestBody: { name: file.fileName, description: file.title, appProperties },
              // NOTE: a fresh stream per attempt; media.body must be a Readable or a string (a Buffer fails).
              media: { mimeType: file.mimeType, body: Readable.from([Buffer.from(file.bytes)]) },
            },
            o,
          ),
        );
        return published(res, existing.fileId, file, existing.link);
      } catch (e) {
        // The file was deleted (or is no longer ours): publish it again rather than fail every run.
        if (googleErrorFacts((e as Error).cause)?.status !== 404) throw e;
      }
    }
    const folder = file.draft ? await this.draftFolder(file.meetingId) : await this.meetingFolder(file.meetingId, file.edition);
    const res = await this.createWithReservedId({ kind: 'folder', id: folder }, 'id,webViewLink,parents', (id) => ({
      requestBody: { id, name: file.fileName, parents: [folder], mimeType: file.mimeType, description: file.title, appProperties },
      media: { mimeType: file.mimeType, body: Readable.from([Buffer.from(file.bytes)]) },
    }));
    if (!res.id) throw new Error(`Drive created ${file.fileName} but returned no id.`);
    return published(res, res.id, file);
  }

  // ---- previews --------------------------------------------------------------------------------

  /** `Kladder`, made once and shared with the secretariat only. */
  private draftsRoot(): Promise<string> {
    let p = this.roots.get('kladder');
    if (!p) {
      p = this.findOrCreateFolder({ role: 'kladder' }, DRAFTS_FOLDER_NAME, undefined, 'kladder');
      p.catch(() => this.roots.delete('kladder'));
      this.roots.set('kladder', p);
    }
    return p;
  }

  /** `Kladder/<Møde-id>`: one meeting's previews, both editions side by side (its link goes in Forhåndsvisning). */
  private draftFolder(meetingId: string): Promise<string> {
    const key = `kladder/${meetingId}`;
    let p = this.meetingFolders.get(key);
    if (!p) {
      p = (async () => this.findOrCreateFolder({ role: 'kladde-møde', meeting: meetingId }, meetingId, await this.draftsRoot(), 'kladder'))();
      p.catch(() => this.meetingFolders.delete(key));
      this.meetingFolders.set(key, p);
    }
    return p;
  }

  /**
   * The previews' folder: readable by the secretariat and the account itself, nobody else. Anyone
   * else found on it (a member added by hand, a link share) is removed: a preview holds closed items.
   */
  private async shareDrafts(folderId: string, props: Record<string, string>): Promise<void> {
    const target: GoogleTarget = { kind: 'folder', id: folderId };
    const secretariat = new Set((this.opts.secretariat ?? []).map((e) => e.trim().toLowerCase()).filter((e) => e !== ''));
    const wanted = `sekretariat:${membersFingerprint([...secretariat])}`;
    if (props.shared === wanted) return;
    const list = await this.call('drive.permissions.list', target, (drive, o) =>
      drive.permissions.list({ fileId: folderId, supportsAllDrives: true, fields: 'permissions(id,type,role,emailAddress)' }, o),
    );
    const current = list.permissions ?? [];
    for (const email of secretariat) {
      if (current.some((p) => p.type === 'user' && p.emailAddress?.toLowerCase() === email)) continue;
      await this.call('drive.permissions.create', target, (drive, o) =>
        drive.permissions.create({ fileId: folderId, supportsAllDrives: true, sendNotificationEmail: false, requestBody: { type: 'user', role: 'writer', emailAddress: email } }, o),
      );
    }
    for (const p of current) {
      if (p.role === 'owner' || !p.id) continue;
      if (p.type === 'user' && p.emailAddress && secretariat.has(p.emailAddress.toLowerCase())) continue;
      await this.call('drive.permissions.delete', target, (drive, o) => drive.permissions.delete({ fileId: folderId, permissionId: p.id!, supportsAllDrives: true }, o));
    }
    await this.call('drive.files.update', target, (drive, o) => drive.files.update({ fileId: folderId, supportsAllDrives: true, fields: 'id', requestBody: { appProperties: { shared: wanted } } }, o));
  }

  // ---- folders ---------------------------------------------------------------------------------

  /** The edition's parent: the configured folder, or one dagsorden made earlier, or a new one. */
  private root(edition: Edition): Promise<string> {
    const configured = this.opts.folders?.[edition];
    if (configured) return Promise.resolve(configured);
    let p = this.roots.get(edition);
    if (!p) {
      p = this.findOrCreateFolder({ role: 'root', edition }, ROOT_NAMES[edition], undefined, edition);
      p.catch(() => this.roots.delete(edition));
      this.roots.set(edition, p);
    }
    return p;
  }

  /** The meeting's folder of an edition, made and shared on first use: where its bilag copies go too. */
  editionFolder(meetingId: string, edition: Edition): Promise<string> {
    return this.meetingFolder(meetingId, edition);
  }

  private meetingFolder(meetingId: string, edition: Edition): Promise<string> {
    const key = `${edition}/${meetingId}`;
    let p = this.meetingFolders.get(key);
    if (!p) {
      p = (async () => {
        const parent = await this.root(edition);
        const id = await this.findOrCreateFolder({ role: 'meeting', meeting: meetingId, edition }, meetingId, parent, edition);
        return id;
      })();
      p.catch(() => this.meetingFolders.delete(key));
      this.meetingFolders.set(key, p);
    }
    return p;
  }

  /**
   * Creates a file or folder under an id reserved with files.generateIds, so that creating is safe to
   * retry. NOTE: a create whose answer was lost, or that timed out, may still land later; searching
   * for it right away can miss it and make a second. With the id fixed, the retry either finds the
   * file by id, or is refused with 409 because the first one landed: never two files.
   */
  private async createWithReservedId(
    target: GoogleTarget,
    fields: string,
    request: (id: string) => Pick<drive_v3.Params$Resource$Files$Create, 'requestBody' | 'media'>,
  ): Promise<drive_v3.Schema$File> {
    return this.createWithId(await this.reserveId(target), target, fields, request);
  }

  /**
   * Creates a file under an id from `reserveIds` (see createWithReservedId): a retry, a lost answer or
   * a 409 ends with the one file of that id. For a file whose address must be known before it exists
   * (a bilag copy the documents link to).
   */
  async createWithId(
    id: string,
    target: GoogleTarget,
    fields: string,
    request: (id: string) => Pick<drive_v3.Params$Resource$Files$Create, 'requestBody' | 'media'>,
  ): Promise<drive_v3.Schema$File> {
    const byId = async (drive: drive_v3.Drive, o: { timeout: number }) => drive.files.get({ fileId: id, fields, supportsAllDrives: true }, o);
    return this.call<drive_v3.Schema$File>(
      'drive.files.create',
      target,
      async (drive, o) => {
        try {
          return await drive.files.create({ supportsAllDrives: true, fields, ...request(id) }, o);
        } catch (e) {
          if (googleErrorFacts(e)?.status === 409) return byId(drive, o);
          throw e;
        }
      },
      async () => {
        try {
          return (await byId(await (await this.google()).drive(), { timeout: (await this.google()).policy.timeoutMs })).data;
        } catch (e) {
          if (googleErrorFacts(e)?.status === 404) return undefined;
          throw e;
        }
      },
    );
  }

  private async reserveId(target: GoogleTarget): Promise<string> {
    return (await this.reserveIds(1, target))[0]!;
  }

  /** `n` file ids for files to be created (files.generateIds, at least 20 at a time). */
  async reserveIds(n: number, target: GoogleTarget = { kind: 'drive' }): Promise<string[]> {
    if (this.reservedIds.length < n) {
      const res = await this.call('drive.files.generateIds', target, (drive, o) => drive.files.generateIds({ count: Math.min(1000, Math.max(20, n - this.reservedIds.length)), space: 'drive', type: 'files' }, o));
      this.reservedIds.push(...(res.ids ?? []));
    }
    if (this.reservedIds.length < n) throw new Error('Drive generated too few file ids.');
    return this.reservedIds.splice(0, n);
  }

  private async findOrCreateFolder(props: Record<string, string>, name: string, parent: string | undefined, edition: Edition | 'kladder'): Promise<string> {
    const q = [...Object.entries(props).map(([k, v]) => has(k, v)), `mimeType = '${FOLDER_MIME}'`, 'trashed = false', ...(parent ? [`'${parent}' in parents`] : [])].join(' and ');
    const setting = edition !== 'kladder' && this.opts.folders?.[edition] ? SETTING[edition] : undefined;
    const target: GoogleTarget = parent ? { kind: 'folder', id: parent, setting } : { kind: 'drive' };
    const find = async () => {
      const res = await this.call('drive.files.list', target, (drive, o) => drive.files.list({ q, fields: 'files(id,appProperties)', orderBy: 'createdTime', pageSize: 10, ...LIST_OPTIONS }, o));
      return res.files?.[0];
    };
    let folder = await find();
    if (!folder) {
      folder = await this.createWithReservedId(target, 'id,appProperties', (id) => ({
        requestBody: { id, name, mimeType: FOLDER_MIME, appProperties: props, ...(parent ? { parents: [parent] } : {}) },
      }));
    }
    const id = folder.id!;
    if (props.role === 'meeting' && edition !== 'kladder') await this.share(id, edition, folder.appProperties ?? {});
    if (props.role === 'kladder') await this.shareDrafts(id, folder.appProperties ?? {});
    return id;
  }

  /**
   * Members' folders: readable by exactly the members; public folders: by anyone with the link.
   * NOTE: done once per folder and again only when the member list changed (its fingerprint is kept
   * in the folder's appProperties, set after the sharing succeeded).
   */
  private async share(folderId: string, edition: Edition, props: Record<string, string>): Promise<void> {
    const target: GoogleTarget = { kind: 'folder', id: folderId };
    const wanted = edition === 'offentlig' ? 'anyone' : this.fingerprint;
    if (props.shared === wanted) return;
    if (edition === 'offentlig') {
      await this.call('drive.permissions.create', target, (drive, o) =>
        drive.permissions.create({ fileId: folderId, supportsAllDrives: true, requestBody: { type: 'anyone', role: 'reader', allowFileDiscovery: false } }, o),
      );
    } else {
      const list = await this.call('drive.permissions.list', target, (drive, o) =>
        drive.permissions.list({ fileId: folderId, supportsAllDrives: true, fields: 'permissions(id,type,role,emailAddress)' }, o),
      );
      const current = list.permissions ?? [];
      const members = new Set(this.opts.memberEmails.map((e) => e.trim().toLowerCase()));
      for (const email of members) {
        if (current.some((p) => p.type === 'user' && p.emailAddress?.toLowerCase() === email)) continue;
        await this.call('drive.permissions.create', target, (drive, o) =>
          drive.permissions.create({ fileId: folderId, supportsAllDrives: true, sendNotificationEmail: false, requestBody: { type: 'user', role: 'reader', emailAddress: email } }, o),
        );
      }
      // Former members lose access; owners and editors (the secretariat) are left alone.
      for (const p of current) {
        if (p.type === 'anyone' || (p.type === 'user' && p.role === 'reader' && p.emailAddress && !members.has(p.emailAddress.toLowerCase()))) {
          await this.call('drive.permissions.delete', target, (drive, o) => drive.permissions.delete({ fileId: folderId, permissionId: p.id!, supportsAllDrives: true }, o));
        }
      }
    }
    await this.call('drive.files.update', target, (drive, o) => drive.files.update({ fileId: folderId, supportsAllDrives: true, fields: 'id', requestBody: { appProperties: { shared: wanted } } }, o));
  }
}

/** A file as the runner records it; a preview also tells where its folder opens. */
function published(res: drive_v3.Schema$File, fallbackId: string, key: Pick<DocumentKey, 'draft'>, fallbackLink?: string): PublishedFile {
  const fileId = res.id ?? fallbackId;
  const parent = res.parents?.[0];
  return {
    fileId,
    link: res.webViewLink ?? fallbackLink ?? `https://drive.google.com/file/d/${fileId}/view`,
    ...(key.draft && parent ? { folderLink: folderLink(parent) } : {}),
  };
}

export function driveDocumentStore(opts: DriveStoreOptions): DriveDocumentStore {
  return new DriveDocumentStore(opts);
}
