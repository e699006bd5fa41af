// The Cloud Storage JSON API (v1) as the public site uses it: objects.insert (media and multipart
// uploads, with the generation preconditions), objects.get (metadata or `alt=media`), objects.list
// (prefix, paging, `fields`) and objects.delete; buckets.testIamPermissions answers which of the
// asked permissions the account holds on a bucket (all but those a test denies). Every successful
// write is recorded in `writes`, so a test can tell an object written twice from one written once.

import { createHash } from 'node:crypto';
import { ApiError, applyFields, json, parseMultipart, type StandinReply, type StandinRequest } from './http.js';
import type { RouteMatch } from './routes.js';

export interface StoredObject {
  readonly bucket: string;
  readonly name: string;
  readonly generation: number;
  readonly metageneration: number;
  readonly contentType: string;
  readonly cacheControl?: string;
  readonly metadata?: Record<string, string>;
  readonly data: Buffer;
  readonly created: string;
}

export interface StorageState {
  /** Bucket name → object name → the live generation. A bucket must exist (`createBucket`) to be written. */
  readonly buckets: Map<string, Map<string, StoredObject>>;
  /** Every write that succeeded, in order (a write whose answer a fault swallowed included). */
  readonly writes: { bucket: string; name: string; generation: number }[];
  readonly deletes: { bucket: string; name: string }[];
  /** Generations rise across the whole stand-in, as Google's (time-based) generations do. */
  nextGeneration: number;
  /** Bucket name → the IAM permissions the account lacks there (e.g. a read-only role): refused with 403. */
  readonly denied: Map<string, Set<string>>;
}

export function newStorageState(): StorageState {
  return { buckets: new Map(), writes: [], deletes: [], nextGeneration: 1_700_000_000_000_000, denied: new Map() };
}

export function createBucket(state: StorageState, name: string): Map<string, StoredObject> {
  let b = state.buckets.get(name);
  if (!b) state.buckets.set(name, (b = new Map()));
  return b;
}

/** How many times each object name was written. */
export function writesPerObject(state: StorageState, bucket: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const w of state.writes) if (w.bucket === bucket) out.set(w.name, (out.get(w.name) ?? 0) + 1);
  return out;
}

function resource(o: StoredObject, root: string): Record<string, unknown> {
  const enc = encodeURIComponent(o.name);
  return {
    kind: 'storage#object',
    id: `${o.bucket}/${o.name}/${o.generation}`,
    selfLink: `${root}/storage/v1/b/${o.bucket}/o/${enc}`,
    mediaLink: `${root}/download/storage/v1/b/${o.bucket}/o/${enc}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket: o.bucket,
    generation: String(o.generation),
    metageneration: String(o.metageneration),
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.data.length),
    md5Hash: createHash('md5').update(o.data).digest('base64'),
    ...(o.cacheControl ? { cacheControl: o.cacheControl } : {}),
    ...(o.metadata ? { metadata: o.metadata } : {}),
    etag: Buffer.from(String(o.generation)).toString('base64'),
    timeCreated: o.created,
    updated: o.created,
  };
}

/** Refuses as Cloud Storage does when the account's role on the bucket lacks `permission`. */
function mustHave(state: StorageState, bucket: string, permission: string): void {
  if (state.denied.get(bucket)?.has(permission)) throw new ApiError(403, `dagsorden@example.iam.gserviceaccount.com does not have ${permission} access to the Google Cloud Storage bucket.`, 'forbidden');
}

function bucketOf(state: StorageState, name: string): Map<string, StoredObject> {
  const b = state.buckets.get(name);
  if (!b) throw new ApiError(404, 'The specified bucket does not exist.', 'notFound');
  return b;
}

function objectOf(bucket: Map<string, StoredObject>, name: string): StoredObject {
  const o = bucket.get(name);
  if (!o) throw new ApiError(404, `No such object: ${name}`, 'notFound');
  return o;
}

/** `ifGenerationMatch`: 0 means "must not exist"; any other number must be the live generation. */
function checkPrecondition(q: URLSearchParams, current: StoredObject | undefined): void {
  const want = q.get('ifGenerationMatch');
  if (want === null) return;
  const live = current ? String(current.generation) : '0';
  if (want !== live) throw new ApiError(412, 'At least one of the pre-conditions you specified did not hold.', 'conditionNotMet', { location: 'If-Match', locationType: 'header' });
}

export function matchStorage(req: StandinRequest, state: StorageState, root: () => string): RouteMatch | undefined {
  const s = req.segments;
  const upload = s[0] === 'upload';
  const download = s[0] === 'download';
  const p = upload || download ? s.slice(1) : s;
  if (!upload && !download && p[0] === 'storage' && p[1] === 'v1' && p[2] === 'b' && p[4] === 'iam' && p[5] === 'testPermissions' && p.length === 6 && req.method === 'GET') {
    const bucketName = p[3]!;
    return {
      name: 'storage.buckets.testIamPermissions',
      family: 'storage',
      handle: () => {
        bucketOf(state, bucketName);
        const held = req.query.getAll('permissions').filter((x) => !state.denied.get(bucketName)?.has(x));
        return json({ kind: 'storage#testIamPermissionsResponse', ...(held.length ? { permissions: held } : {}) });
      },
    };
  }
  if (p[0] !== 'storage' || p[1] !== 'v1' || p[2] !== 'b' || p[4] !== 'o' || p.length > 6) return undefined;
  const bucketName = p[3]!;
  const objectName = p[5];
  const q = req.query;
  const m = req.method;
  const r = (name: string, handle: () => StandinReply): RouteMatch => ({ name: `storage.${name}`, family: 'storage', handle });

  if (objectName === undefined && m === 'POST' && upload)
    return r('objects.insert', () => {
      const bucket = bucketOf(state, bucketName);
      mustHave(state, bucketName, 'storage.objects.create');
      const type = String(req.headers['content-type'] ?? 'application/octet-stream');
      let metadata: Record<string, unknown> = {};
      let media: { body: Buffer; mimeType: string };
      const kind = q.get('uploadType');
      if (kind === 'multipart') {
        const [meta, part] = parseMultipart(type, req.body);
        if (!meta || !part) throw new ApiError(400, 'Multipart upload must have a metadata part and a media part.', 'badContent');
        metadata = JSON.parse(meta.body.toString('utf8') || '{}') as Record<string, unknown>;
        media = { body: part.body, mimeType: part.headers['content-type'] ?? 'application/octet-stream' };
      } else if (kind === 'media') {
        media = { body: req.body, mimeType: type };
      } else throw new ApiError(400, `Invalid upload type: ${kind ?? ''}`, 'invalidParameter');
      const name = (metadata.name as string | undefined) ?? q.get('name');
      if (!name) throw new ApiError(400, 'Required', 'required', { location: 'name', locationType: 'parameter' });
      checkPrecondition(q, bucket.get(name));
      const o: StoredObject = {
        bucket: bucketName,
        name,
        generation: state.nextGeneration++,
        metageneration: 1,
        contentType: (metadata.contentType as string | undefined) ?? media.mimeType,
        ...(metadata.cacheControl ? { cacheControl: String(metadata.cacheControl) } : {}),
        ...(metadata.metadata ? { metadata: metadata.metadata as Record<string, string> } : {}),
        data: media.body,
        created: new Date().toISOString(),
      };
      bucket.set(name, o);
      state.writes.push({ bucket: bucketName, name, generation: o.generation });
      return json(applyFields(resource(o, root()), q.get('fields')));
    });

  if (objectName === undefined && m === 'GET' && !upload)
    return r('objects.list', () => {
      const bucket = bucketOf(state, bucketName);
      const prefix = q.get('prefix') ?? '';
      const all = [...bucket.values()].filter((o) => o.name.startsWith(prefix)).sort((a, b) => (a.name < b.name ? -1 : 1));
      const size = Math.min(Number(q.get('maxResults') ?? 1000), 1000);
      const start = Number(q.get('pageToken') ?? 0);
      const page = all.slice(start, start + size);
      const body: Record<string, unknown> = { kind: 'storage#objects', ...(page.length ? { items: page.map((o) => resource(o, root())) } : {}) };
      if (start + size < all.length) body.nextPageToken = String(start + size);
      return json(applyFields(body, q.get('fields')));
    });

  if (objectName !== undefined && m === 'GET')
    return r(q.get('alt') === 'media' || download ? 'objects.get.media' : 'objects.get', () => {
      const o = objectOf(bucketOf(state, bucketName), objectName);
      if (q.get('alt') === 'media' || download) return { status: 200, body: o.data, headers: { 'content-type': o.contentType } };
      return json(applyFields(resource(o, root()), q.get('fields')));
    });

  if (objectName !== undefined && m === 'DELETE')
    return r('objects.delete', () => {
      const bucket = bucketOf(state, bucketName);
      mustHave(state, bucketName, 'storage.objects.delete');
      const o = objectOf(bucket, objectName);
      checkPrecondition(q, o);
      bucket.delete(objectName);
      state.deletes.push({ bucket: bucketName, name: objectName });
      return { status: 204 };
    });

  return undefined;
}
