// Drive v3 for the stand-in: files.create (metadata, media and multipart upload), files.update (in
// place, a new revision), files.get/list (with `q` on appProperties, parents, trashed), files.export
// (Google Docs, Sheets and Slides), permissions, revisions and about. Models the `drive.file` scope
// (files the app did not create are invisible), the `drive.readonly` scope beside it (then a file the
// account may open, by its owner's sharing, can be read, listed and exported, but never changed: 403
// `appNotAuthorizedToFile`), and shared drives (invisible without supportsAllDrives /
// includeItemsFromAllDrives).

import { createHash } from 'node:crypto';
import { ApiError, applyFields, json, parseJsonBody, parseMultipart, type StandinReply, type StandinRequest } from './http.js';
import type { RouteMatch } from './routes.js';

export const FOLDER_MIME = 'application/vnd.google-apps.folder';

export interface DrivePermission {
  readonly kind: 'drive#permission';
  readonly id: string;
  readonly type: 'user' | 'group' | 'domain' | 'anyone';
  role: string;
  readonly emailAddress?: string;
  readonly domain?: string;
  readonly allowFileDiscovery?: boolean;
}

export interface DriveRevision {
  readonly id: string;
  readonly mimeType: string;
  readonly modifiedTime: string;
  readonly size: string;
}

export interface DriveFile {
  readonly id: string;
  name: string;
  mimeType: string;
  parents: string[];
  appProperties: Record<string, string>;
  properties: Record<string, string>;
  description?: string;
  content: Buffer;
  revisions: DriveRevision[];
  permissions: DrivePermission[];
  trashed: boolean;
  readonly createdTime: string;
  modifiedTime: string;
  readonly owner: string;
  /** Set for an item in a shared drive. */
  readonly driveId?: string;
  /** False for a file the app did not create: invisible under the `drive.file` scope. */
  readonly appCreated: boolean;
  /**
   * A Google Docs, Sheets or Slides file (`application/vnd.google-apps.*`): what files.export gives,
   * by export type. A type not listed answers 400, like a conversion Drive does not offer.
   */
  exports?: Record<string, Buffer>;
  /** The owner has turned off download, print and copy for readers (capabilities.canDownload false). */
  downloadDisabled?: boolean;
}

export interface DriveState {
  readonly files: Map<string, DriveFile>;
  counter: number;
  /** Ids handed out by files.generateIds and not yet used. */
  readonly reserved: Set<string>;
}

export function newDriveState(): DriveState {
  return { files: new Map(), counter: 0, reserved: new Set() };
}

function newId(state: DriveState): string {
  state.counter += 1;
  return `1Drv${String(state.counter).padStart(5, '0')}StandIn${'q'.repeat(16)}`;
}

export function webViewLink(f: Pick<DriveFile, 'id' | 'mimeType'>): string {
  return f.mimeType === FOLDER_MIME ? `https://drive.google.com/drive/folders/${f.id}` : `https://drive.google.com/file/d/${f.id}/view?usp=drivesdk`;
}

/** Adds a file or folder directly to the state (e.g. a folder the secretary made by hand: appCreated false). */
export function seedFile(state: DriveState, f: Partial<DriveFile> & { name: string }): DriveFile {
  const now = new Date().toISOString();
  const file: DriveFile = {
    id: f.id ?? newId(state),
    name: f.name,
    mimeType: f.mimeType ?? FOLDER_MIME,
    parents: f.parents ?? ['root'],
    appProperties: f.appProperties ?? {},
    properties: f.properties ?? {},
    description: f.description,
    content: f.content ?? Buffer.alloc(0),
    revisions: f.revisions ?? [],
    permissions: f.permissions ?? [],
    trashed: f.trashed ?? false,
    createdTime: f.createdTime ?? now,
    modifiedTime: f.modifiedTime ?? now,
    owner: f.owner ?? 'sekretariat@example.org',
    driveId: f.driveId,
    appCreated: f.appCreated ?? false,
    ...(f.exports ? { exports: f.exports } : {}),
    ...(f.downloadDisabled ? { downloadDisabled: true } : {}),
  };
  state.files.set(file.id, file);
  return file;
}

/** Who may open the file: its own permissions plus those of every folder above it. */
export function effectivePermissions(state: DriveState, id: string): DrivePermission[] {
  const out: DrivePermission[] = [];
  const seen = new Set<string>();
  const walk = (fid: string) => {
    if (seen.has(fid)) return;
    seen.add(fid);
    const f = state.files.get(fid);
    if (!f) return;
    out.push(...f.permissions);
    f.parents.forEach(walk);
  };
  walk(id);
  return out;
}

export const GOOGLE_APPS = 'application/vnd.google-apps.';

/** Whether the file has content of its own (not a folder, shortcut or Google Docs file): size and checksums. */
const hasBlob = (f: DriveFile): boolean => !f.mimeType.startsWith(GOOGLE_APPS);

/** Replaces a file's content as its owner would (Drive → Manage versions): one more revision, a new modifiedTime. */
export function replaceContent(f: DriveFile, content: Buffer, modifiedTime = new Date(Date.parse(f.modifiedTime) + 60_000).toISOString()): void {
  f.content = content;
  f.modifiedTime = modifiedTime;
  f.revisions.push({ id: `0B${f.id.slice(4, 10)}rev${f.revisions.length + 1}`, mimeType: f.mimeType, modifiedTime, size: String(content.length) });
}

function capabilities(f: DriveFile, writable: boolean): Record<string, boolean> {
  const folder = f.mimeType === FOLDER_MIME;
  return {
    canEdit: writable,
    canModifyContent: writable,
    canRename: writable,
    canDelete: writable,
    canTrash: writable,
    canShare: writable,
    canComment: writable,
    canCopy: !folder && !(f.downloadDisabled && !writable),
    canDownload: !folder && !(f.downloadDisabled && !writable),
    canAddChildren: folder && writable,
    canListChildren: folder,
    canReadRevisions: writable,
  };
}

function resource(f: DriveFile, writable = true): Record<string, unknown> {
  const head = f.revisions[f.revisions.length - 1];
  return {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: [...f.parents],
    appProperties: { ...f.appProperties },
    properties: { ...f.properties },
    ...(f.description !== undefined ? { description: f.description } : {}),
    trashed: f.trashed,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    webViewLink: webViewLink(f),
    ...(hasBlob(f)
      ? {
          webContentLink: `https://drive.google.com/uc?id=${f.id}&export=download`,
          size: String(f.content.length),
          headRevisionId: head?.id,
          md5Checksum: createHash('md5').update(f.content).digest('hex'),
          sha1Checksum: createHash('sha1').update(f.content).digest('hex'),
          sha256Checksum: createHash('sha256').update(f.content).digest('hex'),
        }
      : {}),
    ...(f.mimeType.startsWith(GOOGLE_APPS) && f.mimeType !== FOLDER_MIME && f.exports ? { exportLinks: Object.fromEntries(Object.keys(f.exports).map((t) => [t, `https://docs.google.com/feeds/download/documents/export/Export?id=${f.id}&exportFormat=${encodeURIComponent(t)}`])) } : {}),
    capabilities: capabilities(f, writable),
    version: String(1 + f.revisions.length),
    ...(f.driveId ? { driveId: f.driveId } : { permissions: f.permissions.map((p) => ({ ...p })), owners: [{ kind: 'drive#user', emailAddress: f.owner, me: false }] }),
  };
}

function defaultFields(body: Record<string, unknown>): Record<string, unknown> {
  return { kind: body.kind, id: body.id, name: body.name, mimeType: body.mimeType };
}

function reply(body: Record<string, unknown>, fields: string | null): StandinReply {
  return json(fields ? applyFields(body, fields) : defaultFields(body));
}

function notFound(id: string): ApiError {
  return new ApiError(404, `File not found: ${id}.`, 'notFound', { location: 'fileId', locationType: 'parameter' });
}

/** The scopes that let an app read files it did not create (Drive API scopes). */
const READ_SCOPES = ['https://www.googleapis.com/auth/drive.readonly', 'https://www.googleapis.com/auth/drive'];

/** What the request may do with files: the account, and whether its token reaches beyond the app's own files. */
export interface DriveAccess {
  readonly account: string;
  readonly readsAll: boolean;
}

/** Whether the account may open the file by its owner's sharing: its own, or shared with it, its domain or anyone (also through a folder above). */
export function accountCanRead(state: DriveState, f: DriveFile, account: string): boolean {
  if (f.owner === account) return true;
  const domain = account.split('@')[1];
  return effectivePermissions(state, f.id).some((p) => p.type === 'anyone' || (p.type === 'domain' && p.domain === domain) || ((p.type === 'user' || p.type === 'group') && p.emailAddress === account));
}

function visible(state: DriveState, f: DriveFile | undefined, q: URLSearchParams, access: DriveAccess | undefined, write: boolean): f is DriveFile {
  if (!f) return false;
  if (f.driveId && q.get('supportsAllDrives') !== 'true') return false;
  if (f.appCreated) return true;
  if (write) return false;
  return !!access?.readsAll && accountCanRead(state, f, access.account);
}

/**
 * A file the request may read, or Drive's 404. With `write`, one it may also change: a file the app
 * did not create but can read (drive.readonly) is refused with 403, as Drive does.
 */
function getFile(state: DriveState, id: string, q: URLSearchParams, access?: DriveAccess, write = true): DriveFile {
  const f = state.files.get(id);
  if (visible(state, f, q, access, false) && write && !f.appCreated) {
    throw new ApiError(403, `The user has not granted the app ${APP_ID} write access to the file ${id}.`, 'appNotAuthorizedToFile', { location: 'fileId', locationType: 'parameter' });
  }
  if (!visible(state, f, q, access, write)) throw notFound(id);
  return f;
}

/** The stand-in's OAuth client number, as Drive names it in its refusals. */
const APP_ID = '123456789012';

function checkProperties(props: unknown, which: string): Record<string, string> {
  if (props === undefined || props === null) return {};
  if (typeof props !== 'object') throw new ApiError(400, `Invalid ${which}.`, 'invalid');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props as Record<string, unknown>)) {
    if (v === null) continue;
    const value = String(v);
    if (Buffer.byteLength(k) + Buffer.byteLength(value) > 124) throw new ApiError(400, `The limit of 124 bytes for a property's key and value has been exceeded (${k}).`, 'invalidProperty');
    out[k] = value;
  }
  return out;
}

interface Upload {
  readonly metadata: Record<string, unknown>;
  readonly media?: { readonly body: Buffer; readonly mimeType: string };
}

function readUpload(req: StandinRequest, upload: boolean): Upload {
  if (!upload) return { metadata: parseJsonBody(req) };
  const type = String(req.headers['content-type'] ?? 'application/octet-stream');
  const kind = req.query.get('uploadType');
  if (kind === 'multipart') {
    if (!type.startsWith('multipart/related')) throw new ApiError(400, 'Bad content type. Please use multipart/related.', 'badContent');
    const [meta, media] = parseMultipart(type, req.body);
    if (!meta || !media) throw new ApiError(400, 'Multipart upload must have a metadata part and a media part.', 'badContent');
    return { metadata: JSON.parse(meta.body.toString('utf8') || '{}') as Record<string, unknown>, media: { body: media.body, mimeType: media.headers['content-type'] ?? 'application/octet-stream' } };
  }
  if (kind === 'media') return { metadata: {}, media: { body: req.body, mimeType: type } };
  throw new ApiError(400, `Invalid value for uploadType: ${kind ?? ''}`, 'invalidParameter');
}

// ---- q -----------------------------------------------------------------------------------------

type Pred = (f: DriveFile) => boolean;

function invalidQuery(): ApiError {
  return new ApiError(400, 'Invalid Value', 'invalid', { location: 'q', locationType: 'parameter' });
}

/** The Drive query language, as far as the project uses it (and, or, not, parentheses, has {...}). */
export function parseQuery(q: string): Pred {
  const tokens: string[] = [];
  const re = /\s*('(?:[^'\\]|\\.)*'|!=|<=|>=|[=<>(){}]|[A-Za-z_][A-Za-z0-9_.]*)/y;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < q.length) {
    re.lastIndex = pos;
    m = re.exec(q);
    if (!m) {
      if (q.slice(pos).trim() === '') break;
      throw invalidQuery();
    }
    tokens.push(m[1]!);
    pos = re.lastIndex;
  }
  let i = 0;
  const peek = () => tokens[i];
  const next = () => {
    const t = tokens[i++];
    if (t === undefined) throw invalidQuery();
    return t;
  };
  const expect = (t: string) => {
    if (next().toLowerCase() !== t) throw invalidQuery();
  };
  const str = (t: string) => {
    if (!t.startsWith("'")) throw invalidQuery();
    return t.slice(1, -1).replace(/\\(.)/g, '$1');
  };
  const value = (t: string): string | boolean => (t === 'true' ? true : t === 'false' ? false : str(t));

  const orExpr = (): Pred => {
    let left = andExpr();
    while (peek()?.toLowerCase() === 'or') {
      next();
      const l = left;
      const r = andExpr();
      left = (f) => l(f) || r(f);
    }
    return left;
  };
  const andExpr = (): Pred => {
    let left = unary();
    while (peek()?.toLowerCase() === 'and') {
      next();
      const l = left;
      const r = unary();
      left = (f) => l(f) && r(f);
    }
    return left;
  };
  const unary = (): Pred => {
    if (peek()?.toLowerCase() === 'not') {
      next();
      const p = unary();
      return (f) => !p(f);
    }
    if (peek() === '(') {
      next();
      const p = orExpr();
      expect(')');
      return p;
    }
    return clause();
  };
  const clause = (): Pred => {
    const first = next();
    if (first.startsWith("'")) {
      // 'x' in parents
      const v = str(first);
      expect('in');
      const coll = next();
      if (coll === 'parents') return (f) => f.parents.includes(v);
      if (coll === 'owners') return (f) => f.owner === v;
      if (coll === 'readers' || coll === 'writers') return (f) => f.permissions.some((p) => p.emailAddress === v);
      throw invalidQuery();
    }
    const field = first;
    if (field === 'appProperties' || field === 'properties') {
      expect('has');
      expect('{');
      expect('key');
      expect('=');
      const key = str(next());
      expect('and');
      expect('value');
      expect('=');
      const val = str(next());
      expect('}');
      return (f) => (field === 'appProperties' ? f.appProperties : f.properties)[key] === val;
    }
    const op = next().toLowerCase();
    const v = value(next());
    const get = (f: DriveFile): unknown => {
      switch (field) {
        case 'name':
          return f.name;
        case 'mimeType':
          return f.mimeType;
        case 'trashed':
          return f.trashed;
        case 'modifiedTime':
          return f.modifiedTime;
        case 'createdTime':
          return f.createdTime;
        default:
          throw invalidQuery();
      }
    };
    get(seedLikeProbe);
    if (op === '=') return (f) => get(f) === v;
    if (op === '!=') return (f) => get(f) !== v;
    if (op === 'contains') return (f) => String(get(f)).includes(String(v));
    if (op === '>') return (f) => String(get(f)) > String(v);
    if (op === '<') return (f) => String(get(f)) < String(v);
    throw invalidQuery();
  };
  const pred = orExpr();
  if (i !== tokens.length) throw invalidQuery();
  return pred;
}

const seedLikeProbe: DriveFile = {
  id: '',
  name: '',
  mimeType: '',
  parents: [],
  appProperties: {},
  properties: {},
  content: Buffer.alloc(0),
  revisions: [],
  permissions: [],
  trashed: false,
  createdTime: '',
  modifiedTime: '',
  owner: '',
  appCreated: true,
};

// ---- routes ------------------------------------------------------------------------------------

function addRevision(f: DriveFile, mimeType: string, body: Buffer): void {
  const now = new Date().toISOString();
  f.content = body;
  f.modifiedTime = now;
  f.revisions.push({ id: `0B${f.id.slice(4, 10)}rev${f.revisions.length + 1}`, mimeType, modifiedTime: now, size: String(body.length) });
}

function permissionId(type: string, email?: string): string {
  if (type === 'anyone') return 'anyoneWithLink';
  let h = 0;
  for (const ch of email ?? type) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return String(10_000_000_000_000_000 + h);
}

export function matchDrive(req: StandinRequest, state: DriveState, grantedScopes: () => readonly string[] = () => []): RouteMatch | undefined {
  const s = req.segments;
  const upload = s[0] === 'upload';
  const p = upload ? s.slice(1) : s;
  if (p[0] !== 'drive' || p[1] !== 'v3') return undefined;
  const q = req.query;
  const m = req.method;
  const r = (name: string, handle: () => StandinReply): RouteMatch => ({ name: `drive.${name}`, family: 'drive', handle });
  const [, , collection, fileId, sub, subId] = p;
  const access: DriveAccess = { account: req.account, readsAll: grantedScopes().some((sc) => READ_SCOPES.includes(sc)) };
  /** A file this request may read (not change). */
  const readable = (id: string): DriveFile => getFile(state, id, q, access, false);
  /** A file this request may change. */
  const writable = (id: string): DriveFile => getFile(state, id, q, access, true);

  if (collection === 'about' && m === 'GET')
    return r('about.get', () => {
      if (!q.get('fields')) throw new ApiError(400, "The 'fields' parameter is required for this method.", 'required', { location: 'fields', locationType: 'parameter' });
      return json(applyFields({ kind: 'drive#about', user: { kind: 'drive#user', displayName: req.account.split('@')[0], emailAddress: req.account, me: true } }, q.get('fields')));
    });

  if (collection !== 'files') return undefined;

  if (fileId === 'generateIds' && sub === undefined && m === 'GET')
    return r('files.generateIds', () => {
      const count = Math.min(Number(q.get('count') ?? 10), 1000);
      const ids = Array.from({ length: count }, () => newId(state));
      for (const id of ids) state.reserved.add(id);
      return json({ kind: 'drive#generatedIds', space: q.get('space') ?? 'drive', ids });
    });

  if (fileId === undefined && m === 'POST')
    return r('files.create', () => {
      const { metadata, media } = readUpload(req, upload);
      // A client-chosen id must come from generateIds; a second create with it is refused, which makes
      // a retried create safe. NOTE: Google documents the generateIds/create pairing; the exact reason
      // string of the refusal is not documented, so clients should key on the 409 status alone.
      const wanted = metadata.id as string | undefined;
      if (wanted !== undefined) {
        if (state.files.has(wanted)) throw new ApiError(409, 'A file already exists with the provided ID.', 'duplicate');
        if (!state.reserved.has(wanted)) throw new ApiError(400, 'The provided file ID is not usable.', 'fileIdNotUsable');
        state.reserved.delete(wanted);
      }
      const parents = (metadata.parents as string[] | undefined) ?? ['root'];
      let driveId: string | undefined;
      for (const parent of parents) {
        if (parent === 'root') continue;
        const folder = writable(parent);
        if (folder.mimeType !== FOLDER_MIME) throw new ApiError(400, 'The specified parent is not a folder.', 'invalidParent');
        driveId = folder.driveId;
      }
      const mimeType = (metadata.mimeType as string | undefined) ?? media?.mimeType ?? 'application/octet-stream';
      const f = seedFile(state, {
        ...(wanted ? { id: wanted } : {}),
        name: (metadata.name as string | undefined) ?? 'Untitled',
        mimeType,
        parents,
        appProperties: checkProperties(metadata.appProperties, 'appProperties'),
        properties: checkProperties(metadata.properties, 'properties'),
        description: metadata.description as string | undefined,
        owner: req.account,
        driveId,
        appCreated: true,
      });
      if (mimeType !== FOLDER_MIME) addRevision(f, mimeType, media?.body ?? Buffer.alloc(0));
      return reply(resource(f), q.get('fields'));
    });

  if (fileId === undefined && m === 'GET')
    return r('files.list', () => {
      const pred = q.get('q') ? parseQuery(q.get('q')!) : () => true;
      const allDrives = q.get('includeItemsFromAllDrives') === 'true';
      if (allDrives && q.get('supportsAllDrives') !== 'true') throw new ApiError(403, 'The includeItemsFromAllDrives parameter can only be set to true when supportsAllDrives is true.', 'teamDrivesParameterNotSupported');
      const found = [...state.files.values()].filter((f) => (f.appCreated || (access.readsAll && accountCanRead(state, f, access.account))) && (!f.driveId || allDrives) && pred(f));
      const size = Math.min(Number(q.get('pageSize') ?? 100), 1000);
      const start = Number(q.get('pageToken') ?? 0);
      const page = found.slice(start, start + size);
      const body: Record<string, unknown> = { kind: 'drive#fileList', incompleteSearch: false, files: page.map((f) => resource(f, f.appCreated)) };
      if (start + size < found.length) body.nextPageToken = String(start + size);
      const fields = q.get('fields');
      return json(fields ? applyFields(body, fields) : { ...body, files: page.map((f) => defaultFields(resource(f, f.appCreated))) });
    });

  if (fileId === undefined) return undefined;

  if (sub === undefined && m === 'GET')
    return r('files.get', () => {
      const f = readable(fileId);
      if (q.get('alt') === 'media') {
        if (!hasBlob(f)) throw new ApiError(403, 'Only files with binary content can be downloaded. Use Export with Docs Editors files.', 'fileNotDownloadable', { location: 'alt', locationType: 'parameter' });
        if (f.downloadDisabled && !f.appCreated) throw new ApiError(403, 'The user does not have sufficient permissions for this file.', 'cannotDownloadFile');
        return { status: 200, body: f.content, headers: { 'content-type': f.mimeType } };
      }
      return reply(resource(f, f.appCreated), q.get('fields'));
    });

  if (sub === 'export' && subId === undefined && m === 'GET')
    return r('files.export', () => {
      const f = readable(fileId);
      if (!f.mimeType.startsWith(GOOGLE_APPS) || f.mimeType === FOLDER_MIME) throw new ApiError(403, 'Export only supports Docs Editors files.', 'fileNotExportable');
      if (f.downloadDisabled && !f.appCreated) throw new ApiError(403, 'The user does not have sufficient permissions for this file.', 'cannotExportFile');
      const type = q.get('mimeType') ?? '';
      const bytes = f.exports?.[type];
      if (!bytes) throw new ApiError(400, 'The requested conversion is not supported.', 'badRequest', { location: 'mimeType', locationType: 'parameter' });
      // Drive: "The exported content is limited to 10MB."
      if (bytes.length > 10 * 1024 * 1024) throw new ApiError(403, 'This file is too large to be exported.', 'exportSizeLimitExceeded');
      return { status: 200, body: bytes, headers: { 'content-type': type } };
    });

  if (sub === undefined && m === 'PATCH')
    return r('files.update', () => {
      const f = writable(fileId);
      const { metadata, media } = readUpload(req, upload);
      if (metadata.name !== undefined) f.name = String(metadata.name);
      if (metadata.description !== undefined) f.description = String(metadata.description);
      if (metadata.mimeType !== undefined) f.mimeType = String(metadata.mimeType);
      if (metadata.parents !== undefined) throw new ApiError(403, 'The parents field is not directly writable in update requests. Use the addParents and removeParents parameters instead.', 'fieldNotWritable');
      if (metadata.trashed !== undefined) f.trashed = Boolean(metadata.trashed);
      for (const key of ['appProperties', 'properties'] as const) {
        const incoming = metadata[key] as Record<string, unknown> | undefined;
        if (!incoming) continue;
        for (const [k, v] of Object.entries(incoming)) if (v === null) delete f[key][k];
        Object.assign(f[key], checkProperties(incoming, key));
      }
      const add = q.get('addParents');
      const remove = q.get('removeParents');
      if (add) for (const id of add.split(',')) if (!f.parents.includes(id)) f.parents.push(writable(id).id);
      if (remove) f.parents = f.parents.filter((id) => !remove.split(',').includes(id));
      if (media) addRevision(f, media.mimeType === 'application/octet-stream' ? f.mimeType : media.mimeType, media.body);
      else f.modifiedTime = new Date().toISOString();
      return reply(resource(f), q.get('fields'));
    });

  if (sub === undefined && m === 'DELETE')
    return r('files.delete', () => {
      writable(fileId);
      state.files.delete(fileId);
      return { status: 204 };
    });

  if (sub === 'permissions') {
    if (subId === undefined && m === 'POST')
      return r('permissions.create', () => {
        const f = writable(fileId);
        const body = parseJsonBody(req) as { type?: string; role?: string; emailAddress?: string; domain?: string; allowFileDiscovery?: boolean };
        const roles = ['reader', 'commenter', 'writer', 'fileOrganizer', 'organizer', 'owner'];
        if (!body.role || !roles.includes(body.role)) throw new ApiError(400, 'The permission role field is required.', 'required', { location: 'permission.role', locationType: 'other' });
        if (!body.type || !['user', 'group', 'domain', 'anyone'].includes(body.type)) throw new ApiError(400, 'The permission type field is required.', 'required', { location: 'permission.type', locationType: 'other' });
        if ((body.type === 'user' || body.type === 'group') && !body.emailAddress) throw new ApiError(400, 'The permission emailAddress field is required.', 'required', { location: 'permission.emailAddress', locationType: 'other' });
        if (!/^[^@\s]+@[^@\s]+$/.test(body.emailAddress ?? 'x@y')) throw new ApiError(400, `Bad Request. User message: "Invalid email or User ID ${body.emailAddress}"`, 'invalidSharingRequest');
        const id = permissionId(body.type, body.emailAddress);
        const existing = f.permissions.find((x) => x.id === id);
        if (existing) {
          existing.role = body.role;
          return reply({ ...existing }, q.get('fields'));
        }
        const perm: DrivePermission = {
          kind: 'drive#permission',
          id,
          type: body.type as DrivePermission['type'],
          role: body.role,
          ...(body.emailAddress ? { emailAddress: body.emailAddress } : {}),
          ...(body.domain ? { domain: body.domain } : {}),
          ...(body.type === 'anyone' || body.type === 'domain' ? { allowFileDiscovery: body.allowFileDiscovery ?? false } : {}),
        };
        f.permissions.push(perm);
        return json(q.get('fields') ? applyFields({ ...perm }, q.get('fields')) : { kind: perm.kind, id: perm.id, type: perm.type, role: perm.role });
      });
    if (subId === undefined && m === 'GET')
      return r('permissions.list', () => {
        const f = readable(fileId);
        const body = { kind: 'drive#permissionList', permissions: f.permissions.map((x) => ({ ...x })) };
        return json(q.get('fields') ? applyFields(body, q.get('fields')) : body);
      });
    if (subId !== undefined && m === 'DELETE')
      return r('permissions.delete', () => {
        const f = writable(fileId);
        const at = f.permissions.findIndex((x) => x.id === subId);
        if (at < 0) throw new ApiError(404, `Permission not found: ${subId}.`, 'notFound', { location: 'permissionId', locationType: 'parameter' });
        f.permissions.splice(at, 1);
        return { status: 204 };
      });
  }

  if (sub === 'revisions' && subId === undefined && m === 'GET')
    return r('revisions.list', () => {
      const f = writable(fileId);
      const body = { kind: 'drive#revisionList', revisions: f.revisions.map((x) => ({ kind: 'drive#revision', ...x })) };
      return json(q.get('fields') ? applyFields(body, q.get('fields')) : body);
    });

  return undefined;
}
