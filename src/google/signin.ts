// The one-time Google sign-in: a loopback OAuth flow (PKCE) that always ends with a refresh token, and
// the token saved as Google's `authorized_user` JSON, readable only by the user (0600).
// NOTE: not @google-cloud/local-auth: version 3.0.1 asks for offline access without `prompt=consent`,
// so Google returns a refresh token only the first time a user consents; a second `dagsorden auth`
// (new machine, revoked token) would save a token without one and scheduled runs would fail later.
// It also bundles an older google-auth-library. google-auth-library's OAuth2Client with
// `access_type=offline` + `prompt=consent` gets a refresh token every time.

import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { UserError } from '../errors.js';
import { GOOGLE_SCOPES, redirectAdapter, type SavedToken } from './client.js';

interface ClientSecrets {
  readonly clientId: string;
  readonly clientSecret: string;
}

/** Reads the OAuth client JSON downloaded from Google Cloud Console (a Desktop app client). */
export async function readClientSecrets(path: string): Promise<ClientSecrets> {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(
      'config',
      code === 'ENOENT'
        ? `OAuth-klientfilen ${path} findes ikke. Hent den i Google Cloud Console (APIs & Services → Credentials → Create credentials → OAuth client ID → Desktop app → Download JSON), og angiv den med --client.`
        : `OAuth-klientfilen ${path} kunne ikke læses som JSON. Hent den igen i Google Cloud Console.`,
    );
  }
  if (json.type === 'service_account') {
    throw new UserError('config', `${path} er en tjenestekontos nøgle, ikke en OAuth-klient. En tjenestekonto skal ikke logge ind: sæt GOOGLE_APPLICATION_CREDENTIALS=${path} i stedet.`);
  }
  const c = (json.installed ?? json.web) as { client_id?: string; client_secret?: string } | undefined;
  if (!c?.client_id || !c.client_secret) {
    throw new UserError('config', `${path} er ikke en OAuth-klient (der mangler "installed" med client_id og client_secret). Opret en klient af typen Desktop app, og hent dens JSON.`);
  }
  return { clientId: c.client_id, clientSecret: c.client_secret };
}

export interface SignInOptions {
  readonly clientFile: string;
  readonly tokenFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Shows the consent page (opens the browser); tests follow the redirect themselves. */
  readonly openBrowser: (url: string) => Promise<void> | void;
  /** Told the address to open, in case the browser does not open by itself. */
  readonly say: (line: string) => void;
  /** How long to wait for the browser (default 5 minutes). */
  readonly timeoutMs?: number;
}

export interface SignInResult {
  readonly tokenFile: string;
  readonly account?: string;
}

const PAGE = (title: string, text: string) =>
  `<!doctype html><html lang="da"><meta charset="utf-8"><title>${title}</title><body style="font-family:sans-serif;max-width:36em;margin:4em auto"><h1>${title}</h1><p>${text}</p></body></html>`;

/** Waits for Google's redirect to the loopback address and returns the code. */
function waitForCode(server: Server, state: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new UserError('usage', `Login blev ikke gennemført inden for ${Math.round(timeoutMs / 60_000)} minutter. Kør "dagsorden auth" igen.`)), timeoutMs);
    server.on('request', (req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const code = url.searchParams.get('code');
      const error = url.searchParams.get('error');
      if (!code && !error) {
        res.writeHead(404).end();
        return;
      }
      const ok = !error && url.searchParams.get('state') === state;
      res.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
      res.end(ok ? PAGE('Du er logget ind', 'dagsorden har fået adgang. Du kan lukke dette vindue og vende tilbage til terminalen.') : PAGE('Login mislykkedes', 'Gå tilbage til terminalen for at se hvorfor.'));
      clearTimeout(timer);
      if (error) reject(new UserError('usage', error === 'access_denied' ? 'Du afviste adgangen i browseren. Kør "dagsorden auth" igen, og vælg Tillad.' : `Google afviste login: ${error}. Kør "dagsorden auth" igen.`));
      else if (!ok) reject(new UserError('usage', 'Svaret fra browseren hørte ikke til dette login (state passer ikke). Kør "dagsorden auth" igen.'));
      else resolve(code!);
    });
  });
}

/** Writes the file so only the user can read it, atomically (a half-written token is never left). */
export async function saveToken(path: string, token: SavedToken): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(path, JSON.stringify(token, null, 2) + '\n', { mode: 0o600 });
}

export async function signIn(opts: SignInOptions): Promise<SignInResult> {
  const secrets = await readClientSecrets(opts.clientFile);
  const { OAuth2Client, CodeChallengeMethod } = await import('google-auth-library');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const root = opts.env.DAGSORDEN_GOOGLE_ROOT_URL?.replace(/\/+$/, '');
    const client = new OAuth2Client({
      clientId: secrets.clientId,
      clientSecret: secrets.clientSecret,
      redirectUri,
      ...(root ? { endpoints: { oauth2AuthBaseUrl: `${root}/o/oauth2/v2/auth`, oauth2TokenUrl: `${root}/token` } } : {}),
    });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const state = randomBytes(16).toString('hex');
    const url = client.generateAuthUrl({
      access_type: 'offline',
      // NOTE: forces the consent screen, so Google issues a refresh token on every sign-in.
      prompt: 'consent',
      scope: [...GOOGLE_SCOPES],
      state,
      code_challenge_method: CodeChallengeMethod.S256,
      code_challenge: codeChallenge,
    });
    const code = waitForCode(server, state, opts.timeoutMs ?? 5 * 60_000);
    // Observed here, awaited below: a refusal may arrive while the browser is still being opened.
    code.catch(() => undefined);
    opts.say('Åbn denne adresse i browseren, hvis den ikke åbner af sig selv, og log ind med den Google-konto, der skal udsende:');
    opts.say(`  ${url}`);
    try {
      await opts.openBrowser(url);
    } catch {
      // The address was printed; the user opens it by hand.
    }
    const { tokens } = await client.getToken({ code: await code, codeVerifier, redirect_uri: redirectUri });
    if (!tokens.refresh_token) {
      throw new UserError('service', 'Google sendte ingen refresh token. Fjern dagsordens adgang under https://myaccount.google.com/permissions, og kør "dagsorden auth" igen.');
    }
    client.setCredentials(tokens);
    const account = await accountOf(client, root);
    await saveToken(opts.tokenFile, { type: 'authorized_user', client_id: secrets.clientId, client_secret: secrets.clientSecret, refresh_token: tokens.refresh_token, ...(account ? { account } : {}) });
    return { tokenFile: opts.tokenFile, account };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The signed-in account's e-mail (Drive about.get, allowed with drive.file), for later messages. */
async function accountOf(client: InstanceType<typeof import('google-auth-library').OAuth2Client>, root: string | undefined): Promise<string | undefined> {
  try {
    const { drive_v3 } = await import('@googleapis/drive');
    const drive = new drive_v3.Drive({ auth: client, retry: false, timeout: 15_000, ...(root ? { adapter: redirectAdapter(root) } : {}) } as unknown as ConstructorParameters<typeof drive_v3.Drive>[0]);
    const res = await drive.about.get({ fields: 'user(emailAddress)' });
    return res.data.user?.emailAddress ?? undefined;
  } catch {
    return undefined;
  }
}
