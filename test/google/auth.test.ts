// `dagsorden auth` without a browser: the stand-in's consent page redirects at once to the loopback
// server, the code is exchanged at the stand-in's token endpoint. The token file is 0600, holds a
// refresh token (also on a second sign-in), and a scheduled run signs in with it.

import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAuth } from '../../src/commands/auth.js';
import { GOOGLE_SCOPES, openGoogle } from '../../src/google/client.js';
import { UserError } from '../../src/errors.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { googleSheetSource } from '../../src/google/sheets-read.js';
import { loadXlsx, startStandin, type Standin } from '../standin/index.js';
import { fakeClock } from './helpers.js';

let standin: Standin;
let dir: string;
let clientFile: string;

beforeAll(async () => {
  standin = await startStandin();
  dir = await mkdtemp(join(tmpdir(), 'dagsorden-auth-'));
  clientFile = join(dir, 'credentials.json');
  await writeFile(clientFile, JSON.stringify({ installed: { client_id: 'cid.apps.googleusercontent.com', client_secret: 'hemmelig', redirect_uris: ['http://localhost'] } }));
});
afterAll(async () => {
  await standin.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => standin.reset());

/** The "browser": follows the consent page's redirect to the loopback server. */
const browser = async (url: string) => {
  const res = await fetch(url);
  await res.text();
};

async function auth(tokenFile: string): Promise<string[]> {
  const lines: string[] = [];
  const code = await runAuth({ client: clientFile, token: tokenFile }, { out: (s) => lines.push(s), env: { DAGSORDEN_GOOGLE_ROOT_URL: standin.url }, openBrowser: browser });
  expect(code).toBe(0);
  return lines;
}

describe('dagsorden auth', () => {
  it('saves an authorized_user token with a refresh token, readable only by the user', async () => {
    const tokenFile = join(dir, 'cfg', 'dagsorden', 'token.json');
    const lines = await auth(tokenFile);
    const st = await stat(tokenFile);
    expect(st.mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'cfg', 'dagsorden'))).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(await readFile(tokenFile, 'utf8'));
    expect(saved).toEqual({ type: 'authorized_user', client_id: 'cid.apps.googleusercontent.com', client_secret: 'hemmelig', refresh_token: expect.stringMatching(/^1\/\/rt-/), account: 'dagsorden@example.org' });
    const asked = standin.state.oauth.authRequests[0]!;
    expect(asked.get('access_type')).toBe('offline');
    expect(asked.get('prompt')).toBe('consent');
    expect(asked.get('scope')!.split(' ')).toEqual([...GOOGLE_SCOPES]);
    expect(asked.get('code_challenge_method')).toBe('S256');
    expect(asked.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines.at(-2)).toBe(`Logget ind som dagsorden@example.org. Nøglen er gemt i ${tokenFile} (kun læsbar for dig).`);
  });

  it('a second sign-in also ends with a (new) refresh token', async () => {
    const tokenFile = join(dir, 'again', 'token.json');
    await auth(tokenFile);
    const first = JSON.parse(await readFile(tokenFile, 'utf8')).refresh_token;
    await auth(tokenFile);
    const second = JSON.parse(await readFile(tokenFile, 'utf8')).refresh_token;
    expect(second).toMatch(/^1\/\/rt-/);
    expect(second).not.toBe(first);
    expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
  });

  it('the stand-in models the trap: without prompt=consent a second sign-in gets no refresh token', async () => {
    const client = new OAuth2Client({ clientId: 'other', clientSecret: 'x', redirectUri: 'http://127.0.0.1:9', endpoints: { oauth2AuthBaseUrl: `${standin.url}/o/oauth2/v2/auth`, oauth2TokenUrl: `${standin.url}/token` } });
    const code = async () => {
      const res = await fetch(client.generateAuthUrl({ access_type: 'offline', scope: [...GOOGLE_SCOPES] }), { redirect: 'manual' });
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    expect((await client.getToken(await code())).tokens.refresh_token).toBeTruthy();
    expect((await client.getToken(await code())).tokens.refresh_token).toBeUndefined();
  });

  it('a scheduled run signs in with the saved token (refreshing it at the token endpoint) and reads the Sheet', async () => {
    const tokenFile = join(dir, 'run', 'token.json');
    await auth(tokenFile);
    await loadXlsx(standin, BUNDLED_WORKBOOK, { id: 'sheet-auth-000001' });
    standin.calls.clear();
    const google = await openGoogle({ DAGSORDEN_GOOGLE_ROOT_URL: standin.url, DAGSORDEN_GOOGLE_TOKEN: tokenFile }, { policy: fakeClock().policy });
    expect(google.auth.account).toBe('dagsorden@example.org');
    const raw = await googleSheetSource('sheet-auth-000001', google).readWorkbook(['Møder']);
    expect(raw.grids.get('Møder')!.rows.length).toBeGreaterThan(1);
    expect(standin.calls.byRoute()).toMatchObject({ 'oauth.token': 1 });
    const refresh = standin.calls.list.find((c) => c.route === 'oauth.token')!;
    expect(new URLSearchParams(refresh.body.toString()).get('grant_type')).toBe('refresh_token');
  });

  it('refuses a service-account key as the OAuth client, saying what to do instead', async () => {
    const key = join(dir, 'sa.json');
    await writeFile(key, JSON.stringify({ type: 'service_account', client_email: 'x@p.iam.gserviceaccount.com', private_key: 'k' }));
    const err = await runAuth({ client: key, token: join(dir, 'x.json') }, { out: () => undefined, env: {}, openBrowser: browser }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toBe(`${key} er en tjenestekontos nøgle, ikke en OAuth-klient. En tjenestekonto skal ikke logge ind: sæt GOOGLE_APPLICATION_CREDENTIALS=${key} i stedet.`);
  });

  it('a refusal in the browser ends in a Danish sentence', async () => {
    const refuse = async (url: string) => {
      const redirect = new URL(url).searchParams.get('redirect_uri')!;
      await (await fetch(`${redirect}/?error=access_denied`)).text();
    };
    const err = await runAuth({ client: clientFile, token: join(dir, 'no.json') }, { out: () => undefined, env: { DAGSORDEN_GOOGLE_ROOT_URL: standin.url }, openBrowser: refuse }).catch((e: unknown) => e);
    expect((err as UserError).message).toBe('Du afviste adgangen i browseren. Kør "dagsorden auth" igen, og vælg Tillad.');
  });
});
