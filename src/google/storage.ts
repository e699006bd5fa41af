// The site in a Cloud Storage bucket (`Hjemmeside-bucket`), through the per-API client
// (@googleapis/storage) and the project's one retry policy. Each object carries its content's sha256
// in its metadata, so what is stored can be compared without downloading it.
//
// Exactly once: every write is conditional on the generation seen when listing (`ifGenerationMatch`,
// 0 = must not exist). A retried write whose first attempt landed but whose answer was lost then
// fails its precondition (412) instead of writing a second generation; the object is looked up, and
// when it already holds these bytes the write is done.

import { Readable } from 'node:stream';
import type { storage_v1 } from '@googleapis/storage';
import type { Google } from './client.js';
import { googleErrorFacts, RetriesExhausted, withRetry, type RetryPolicy } from './retry.js';
import { UserError } from '../errors.js';
import type { SiteFile } from '../portal/build.js';
import { MANIFEST_NAME, type SiteManifest, type SiteTarget } from '../portal/target.js';

export interface BucketTargetOptions {
  readonly google: Google | Promise<Google>;
  readonly bucket: string;
  readonly policy?: RetryPolicy;
}

const statusOf = (e: unknown) => googleErrorFacts(e)?.status;

/** Translates what the bucket answered into a Danish sentence that says what to do. */
function bucketError(e: unknown, bucket: string): unknown {
  if (e instanceof UserError) return e;
  const facts = e instanceof RetriesExhausted ? e.facts : googleErrorFacts(e);
  if (!facts) return e;
  const status = facts.status;
  if (status === 404) return new UserError('config', `Cloud Storage-bucketten "${bucket}" (Indstillinger → Hjemmeside-bucket) findes ikke. Opret den i Google Cloud Console, eller ret navnet.`);
  if (status === 401 || status === 403)
    return new UserError('config', `dagsorden må ikke skrive i Cloud Storage-bucketten "${bucket}". Giv kontoen, som kørslen bruger, rollen "Storage Object Admin" på bucketten.`);
  const err = new UserError(
    'service',
    `Cloud Storage svarede ikke som ventet (${status ? `HTTP ${status}` : (facts.code ?? 'intet svar')}) under opdateringen af hjemmesiden. Det, der allerede er lagt op, er i orden; næste kørsel fortsætter.`,
  );
  err.cause = e;
  return err;
}

export async function bucketTarget(opts: BucketTargetOptions): Promise<SiteTarget> {
  const google = await opts.google;
  const storage = await google.storage();
  const policy = opts.policy ?? google.policy;
  const bucket = opts.bucket;
  /** Name → generation, as last seen; 0 = absent. */
  const generations = new Map<string, string>();

  async function lookup(name: string): Promise<storage_v1.Schema$Object | undefined> {
    try {
      const res = await withRetry('storage.objects.get', (o) => storage.objects.get({ bucket, object: name, fields: 'name,generation,metadata' }, o), policy);
      return res.data;
    } catch (e) {
      if (statusOf(e) === 404) return undefined;
      throw bucketError(e, bucket);
    }
  }

  async function insert(name: string, body: Buffer, contentType: string, cacheControl: string, hash: string, generation: string): Promise<string> {
    const res = await withRetry(
      'storage.objects.insert',
      (o) =>
        storage.objects.insert(
          {
            bucket,
            name,
            ifGenerationMatch: generation,
            fields: 'name,generation',
            requestBody: { name, contentType, cacheControl, metadata: { sha256: hash } },
            // NOTE: a fresh stream for every attempt: a retried upload must send the bytes again.
            media: { mimeType: contentType, body: Readable.from([body]) },
          },
          o,
        ),
      policy,
    );
    return String(res.data.generation ?? '');
  }

  async function put(name: string, body: Buffer, contentType: string, cacheControl: string, hash: string): Promise<void> {
    let generation = generations.get(name) ?? '0';
    for (let round = 0; ; round++) {
      try {
        generations.set(name, await insert(name, body, contentType, cacheControl, hash, generation));
        return;
      } catch (e) {
        if (statusOf(e) !== 412 || round > 0) throw bucketError(e, bucket);
        // The precondition failed: either our own earlier attempt landed (its answer lost), or the
        // object changed since listing. Look: the same bytes mean done, anything else is replaced once.
        const now = await lookup(name);
        if (now?.metadata?.sha256 === hash) {
          generations.set(name, String(now.generation ?? ''));
          return;
        }
        generation = now ? String(now.generation ?? '0') : '0';
      }
    }
  }

  return {
    description: `Cloud Storage-bucketten ${bucket}`,
    async readManifest() {
      try {
        const res = await withRetry('storage.objects.get', (o) => storage.objects.get({ bucket, object: MANIFEST_NAME, alt: 'media' }, { ...o, responseType: 'text' }), policy);
        return JSON.parse(String(res.data)) as SiteManifest;
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        if (e instanceof SyntaxError) return undefined;
        throw bucketError(e, bucket);
      }
    },
    async list() {
      const out = new Map<string, string>();
      generations.clear();
      let pageToken: string | undefined;
      do {
        let res;
        try {
          res = await withRetry(
            'storage.objects.list',
            (o) => storage.objects.list({ bucket, fields: 'items(name,generation,metadata),nextPageToken', maxResults: 1000, ...(pageToken ? { pageToken } : {}) }, o),
            policy,
          );
        } catch (e) {
          throw bucketError(e, bucket);
        }
        for (const item of res.data.items ?? []) {
          if (!item.name) continue;
          generations.set(item.name, String(item.generation ?? '0'));
          if (item.name.split('/').some((p) => p.startsWith('.'))) continue;
          // NOTE: an object without our hash (put there by hand) never matches, so it is replaced.
          out.set(item.name, item.metadata?.sha256 ?? '');
        }
        pageToken = res.data.nextPageToken ?? undefined;
      } while (pageToken);
      return out;
    },
    async put(name: string, file: SiteFile, hash: string) {
      await put(name, Buffer.from(file.body), file.contentType, file.cacheControl, hash);
    },
    async remove(name: string) {
      try {
        await withRetry('storage.objects.delete', (o) => storage.objects.delete({ bucket, object: name }, o), policy);
      } catch (e) {
        // Gone already (an earlier attempt whose answer was lost): that is what was wanted.
        if (statusOf(e) !== 404) throw bucketError(e, bucket);
      }
      generations.delete(name);
    },
    async writeManifest(manifest: SiteManifest) {
      const body = Buffer.from(JSON.stringify(manifest) + '\n');
      // NOTE: the manifest is rewritten every time it changes; the last write wins, with no precondition.
      await withRetry(
        'storage.objects.insert',
        (o) =>
          storage.objects.insert(
            {
              bucket,
              name: MANIFEST_NAME,
              fields: 'name,generation',
              requestBody: { name: MANIFEST_NAME, contentType: 'application/json', cacheControl: 'no-store' },
              media: { mimeType: 'application/json', body: Readable.from([body]) },
            },
            o,
          ),
        policy,
      ).catch((e: unknown) => {
        throw bucketError(e, bucket);
      });
    },
  };
}
