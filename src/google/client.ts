// Builds the authenticated Google clients in one place: which credentials (a static token, a service
// account, or the token saved by `dagsorden auth`), the scopes, the stand-in redirect and the one
// retry policy. The Google libraries are imported lazily so `--help` and the .xlsx path never load them.

import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { drive_v3 } from '@googleapis/drive';
import type { gmail_v1 } from '@googleapis/gmail';
import type { sheets_v4 } from '@googleapis/sheets';
import type { storage_v1 } from '@googleapis/storage';
import type { AuthClient } from 'google-auth-library';
import { UserError } from '../errors.js';
import { retryPolicyFromEnv, withRetry, type RetryPolicy } from './retry.js';

/** Every scope the project may ask for, by what it is for. */
export const SCOPES = {
  /** Read the workbook, write back links, the log and the problem list; create the Sheet. */
  sheets: 'https://www.googleapis.com/auth/spreadsheets',
  /** Only files and folders dagsorden itself created: the only files it may change. */
  driveFile: 'https://www.googleapis.com/auth/drive.file',
  /**
   * Read (never change) the Drive files the account may open: the bilag the secretary names by a Drive
   * link or a smart chip. Read-only, so dagsorden cannot change a secretary's file or its sharing.
   */
  driveReadonly: 'https://www.googleapis.com/auth/drive.readonly',
  /** Send e-mail; cannot read the mailbox. */
  gmailSend: 'https://www.googleapis.com/auth/gmail.send',
  /** Drafts (create, read, send, delete) and sending: for a two-phase, exactly-once send. Restricted scope. */
  gmailCompose: 'https://www.googleapis.com/auth/gmail.compose',
  /** Objects in Cloud Storage: the public site's bucket (Hjemmeside-bucket). Not the buckets' settings. */
  storage: 'https://www.googleapis.com/auth/devstorage.read_write',
} as const;

/**
 * The scopes `dagsorden auth` asks for and a service account is given: the smallest set that works.
 * NOTE: this is the ONE list. gmail.compose rather than gmail.send, because the Gmail transport
 * (src/google/gmail.ts) sends through a draft to send exactly once; compose includes sending
 * and, unlike a read scope, cannot read the mailbox's received mail.
 */
export const GOOGLE_SCOPES: readonly string[] = [SCOPES.sheets, SCOPES.driveFile, SCOPES.driveReadonly, SCOPES.gmailCompose, SCOPES.storage];

/** Where `dagsorden auth` saves the token and scheduled runs read it: outside the repository. */
export function defaultTokenPath(env: NodeJS.ProcessEnv): string {
  if (env.DAGSORDEN_GOOGLE_TOKEN) return env.DAGSORDEN_GOOGLE_TOKEN;
  const config = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(config, 'dagsorden', 'token.json');
}

/** The `authorized_user` JSON `dagsorden auth` writes (Google's format, plus the account for messages). */
export interface SavedToken {
  readonly type: 'authorized_user';
  readonly client_id: string;
  readonly client_secret: string;
  readonly refresh_token: string;
  /** The signed-in account's e-mail, when known. Not part of Google's format; ignored by the library. */
  readonly account?: string;
}

export interface GoogleAuth {
  readonly client: AuthClient;
  /** The account's e-mail when known from the credentials (service account, saved token). */
  readonly account?: string;
  /** Danish: where the credentials came from, for messages. */
  readonly source: string;
}

interface ServiceAccountKey {
  readonly type: 'service_account';
  readonly client_email: string;
  readonly private_key: string;
}

async function readJson(path: string, what: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError('config', code === 'ENOENT' ? `${what} ${path} findes ikke.` : `${what} ${path} kunne ikke læses (${(e as Error).message}).`);
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new UserError('config', `${what} ${path} er ikke gyldig JSON. Hent filen igen.`);
  }
}

/**
 * The credentials, in this order: DAGSORDEN_GOOGLE_ACCESS_TOKEN (a static bearer token, for the
 * stand-in and one-off runs), GOOGLE_APPLICATION_CREDENTIALS (a service account, with
 * DAGSORDEN_GOOGLE_SUBJECT for domain-wide delegation), the token saved by `dagsorden auth`.
 */
export async function googleAuth(env: NodeJS.ProcessEnv): Promise<GoogleAuth> {
  const { OAuth2Client, JWT, UserRefreshClient } = await import('google-auth-library');
  const root = env.DAGSORDEN_GOOGLE_ROOT_URL?.replace(/\/+$/, '');
  const endpoints = root ? { oauth2TokenUrl: `${root}/token` } : undefined;
  if (env.DAGSORDEN_GOOGLE_ACCESS_TOKEN) {
    // NOTE: with an access token and no refresh token the client sends it as is and never refreshes.
    const client = new OAuth2Client();
    client.setCredentials({ access_token: env.DAGSORDEN_GOOGLE_ACCESS_TOKEN });
    return { client, account: env.DAGSORDEN_GOOGLE_ACCOUNT || undefined, source: 'DAGSORDEN_GOOGLE_ACCESS_TOKEN' };
  }
  if (env.GOOGLE_APPLICATION_CREDENTIALS) {
    const path = env.GOOGLE_APPLICATION_CREDENTIALS;
    const key = await readJson(path, 'Nøglefilen i GOOGLE_APPLICATION_CREDENTIALS');
    if (key.type === 'service_account') {
      const sa = key as unknown as ServiceAccountKey;
      const subject = env.DAGSORDEN_GOOGLE_SUBJECT || undefined;
      const client = new JWT({ email: sa.client_email, key: sa.private_key, scopes: [...GOOGLE_SCOPES], subject });
      return { client, account: subject ?? sa.client_email, source: `tjenestekontoen i ${path}` };
    }
    if (key.type === 'authorized_user') {
      const client = new UserRefreshClient({ clientId: String(key.client_id), clientSecret: String(key.client_secret), refreshToken: String(key.refresh_token), ...(endpoints ? { endpoints } : {}) });
      return { client, account: typeof key.account === 'string' ? key.account : undefined, source: path };
    }
    throw new UserError('config', `Nøglefilen ${path} (GOOGLE_APPLICATION_CREDENTIALS) er hverken en tjenestekonto (service_account) eller et gemt login (authorized_user). Hent nøglen til tjenestekontoen i Google Cloud Console (IAM → Tjenestekonti → Nøgler → JSON).`);
  }
  const tokenPath = defaultTokenPath(env);
  let saved: Record<string, unknown>;
  try {
    saved = await readJson(tokenPath, 'Login-filen');
  } catch (e) {
    if (e instanceof UserError && /findes ikke/.test(e.message))
      throw new UserError('config', `Der er ingen Google-login: ${tokenPath} findes ikke. Kør "dagsorden auth" én gang for at logge ind, eller sæt GOOGLE_APPLICATION_CREDENTIALS til en tjenestekontos nøglefil.`);
    throw e;
  }
  if (saved.type !== 'authorized_user' || typeof saved.refresh_token !== 'string' || !saved.refresh_token) {
    throw new UserError('config', `Login-filen ${tokenPath} mangler en refresh token. Kør "dagsorden auth" igen.`);
  }
  const client = new OAuth2Client({ clientId: String(saved.client_id), clientSecret: String(saved.client_secret), ...(endpoints ? { endpoints } : {}) });
  client.setCredentials({ refresh_token: saved.refresh_token });
  return { client, account: typeof saved.account === 'string' ? saved.account : undefined, source: tokenPath };
}

interface PreparedRequest {
  url: URL | string;
}
type DefaultAdapter = (options: PreparedRequest) => Promise<unknown>;

/**
 * Sends every request to `root` instead of Google, keeping path and query. NOTE: a client-level
 * `rootUrl` does not move media uploads (the upload URL is built apart from it), so this is done
 * at the transport instead, where uploads pass too.
 */
export function redirectAdapter(root: string) {
  const base = root.replace(/\/+$/, '');
  return (options: PreparedRequest, defaultAdapter: DefaultAdapter) => {
    const u = new URL(String(options.url));
    return defaultAdapter({ ...options, url: new URL(`${base}${u.pathname}${u.search}`) });
  };
}

/**
 * One authenticated session: the clients, the retry policy, and who is signed in. Every adapter in
 * this folder is given a session; only `openGoogle` (called by the wiring) reads the environment.
 */
export class Google {
  private sheetsClient?: Promise<sheets_v4.Sheets>;
  private driveClient?: Promise<drive_v3.Drive>;
  private gmailClient?: Promise<gmail_v1.Gmail>;
  private storageClient?: Promise<storage_v1.Storage>;
  private accountLookup?: Promise<string | undefined>;

  constructor(
    readonly auth: GoogleAuth,
    readonly policy: RetryPolicy,
    /** Where requests go instead of Google (the local stand-in); undefined for Google itself. */
    readonly rootUrl?: string,
  ) {}

  /** Options every generated client is built with. */
  private clientOptions<T>(): T {
    return {
      auth: this.auth.client,
      // NOTE: one retry policy (retry.ts): the library's own retry is off.
      retry: false,
      ...(this.rootUrl ? { adapter: redirectAdapter(this.rootUrl) } : {}),
    } as T;
  }

  sheets(): Promise<sheets_v4.Sheets> {
    return (this.sheetsClient ??= import('@googleapis/sheets').then(({ sheets_v4 }) => new sheets_v4.Sheets(this.clientOptions())));
  }

  drive(): Promise<drive_v3.Drive> {
    return (this.driveClient ??= import('@googleapis/drive').then(({ drive_v3 }) => new drive_v3.Drive(this.clientOptions())));
  }

  gmail(): Promise<gmail_v1.Gmail> {
    return (this.gmailClient ??= import('@googleapis/gmail').then(({ gmail_v1 }) => new gmail_v1.Gmail(this.clientOptions())));
  }

  storage(): Promise<storage_v1.Storage> {
    return (this.storageClient ??= import('@googleapis/storage').then(({ storage_v1 }) => new storage_v1.Storage(this.clientOptions())));
  }

  /**
   * The signed-in account's e-mail, for messages such as "share the sheet with X". Known from the
   * credentials, or asked from Drive (`about.get`, allowed with drive.file) only when a message needs it.
   */
  account(): Promise<string | undefined> {
    if (this.auth.account) return Promise.resolve(this.auth.account);
    return (this.accountLookup ??= (async () => {
      try {
        const drive = await this.drive();
        const res = await withRetry('drive.about.get', (o) => drive.about.get({ fields: 'user(emailAddress)' }, o), { ...this.policy, attempts: 1, timeoutMs: Math.min(this.policy.timeoutMs, 10_000) });
        return res.data.user?.emailAddress ?? undefined;
      } catch {
        return undefined;
      }
    })());
  }
}

export interface OpenGoogleOptions {
  /** Replaces the retry policy (tests pass a fake sleep). */
  readonly policy?: RetryPolicy;
  /** Replaces the credentials (tests). */
  readonly auth?: GoogleAuth;
}

/** Signs in from the environment (see googleAuth): the one place a Google session is opened. */
export async function openGoogle(env: NodeJS.ProcessEnv, opts: OpenGoogleOptions = {}): Promise<Google> {
  return new Google(opts.auth ?? (await googleAuth(env)), opts.policy ?? retryPolicyFromEnv(env), env.DAGSORDEN_GOOGLE_ROOT_URL || undefined);
}
