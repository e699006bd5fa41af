// OAuth 2.0 for the stand-in: a consent page that answers at once with a redirect carrying a code
// (the "browser"), and the token endpoint (code exchange, refresh). Like Google, a refresh token is
// issued only for `access_type=offline`, and on a repeated sign-in only when `prompt=consent`.

import { randomBytes } from 'node:crypto';
import { ApiError, json, type StandinRequest } from './http.js';
import type { RouteMatch } from './routes.js';

interface PendingCode {
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scope: string;
  readonly refreshToken?: string;
}

export interface OAuthState {
  /** Client id → secret; empty accepts any client. */
  readonly clients: Map<string, string>;
  readonly codes: Map<string, PendingCode>;
  /** Refresh token → client id and scope. */
  readonly refreshTokens: Map<string, { clientId: string; scope: string }>;
  /** Clients the user has consented to before (a second sign-in without prompt=consent gets no refresh token). */
  readonly consented: Set<string>;
  /** Every consent request as received, for assertions (`access_type`, `prompt`, `scope`, ...). */
  readonly authRequests: URLSearchParams[];
  /** Access tokens issued, with the account they stand for. */
  readonly issued: Map<string, string>;
  /** The scopes `/tokeninfo` reports for any access token (what the consent or the admin granted). */
  grantedScopes: string[];
}

/** What a token carries when a test says nothing else: the scopes dagsorden asks for. */
export const ALL_SCOPES = [
  'https://www.googleapis.com/auth/spreadsheets',
  'https://www.googleapis.com/auth/drive.file',
  'https://www.googleapis.com/auth/drive.readonly',
  'https://www.googleapis.com/auth/gmail.compose',
  'https://www.googleapis.com/auth/devstorage.read_write',
];

export function newOAuthState(): OAuthState {
  return { clients: new Map(), codes: new Map(), refreshTokens: new Map(), consented: new Set(), authRequests: [], issued: new Map(), grantedScopes: [...ALL_SCOPES] };
}

const token = (prefix: string) => `${prefix}${randomBytes(12).toString('base64url')}`;

function formOf(req: StandinRequest): URLSearchParams {
  return new URLSearchParams(req.body.toString('utf8'));
}

function clientOf(req: StandinRequest, form: URLSearchParams, state: OAuthState): string {
  let id = form.get('client_id') ?? '';
  let secret = form.get('client_secret') ?? '';
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic) [id = '', secret = ''] = Buffer.from(basic[1]!, 'base64').toString('utf8').split(':');
  if (state.clients.size && state.clients.get(id) !== secret) throw new ApiError(401, 'Unauthorized', 'invalid_client');
  return id;
}

export function matchOAuth(req: StandinRequest, state: OAuthState, tokens: Map<string, string>): RouteMatch | undefined {
  const path = '/' + req.segments.join('/');
  const account = 'dagsorden@example.org';
  if (req.method === 'GET' && path === '/o/oauth2/v2/auth') {
    return {
      name: 'oauth.authorize',
      family: 'oauth',
      authenticated: false,
      handle() {
        const q = req.query;
        state.authRequests.push(new URLSearchParams(q));
        const clientId = q.get('client_id') ?? '';
        const redirectUri = q.get('redirect_uri') ?? '';
        if (!redirectUri) throw new ApiError(400, 'Missing required parameter: redirect_uri', 'invalid_request');
        const offline = q.get('access_type') === 'offline';
        const consent = (q.get('prompt') ?? '').split(' ').includes('consent');
        const first = !state.consented.has(clientId);
        state.consented.add(clientId);
        const refreshToken = offline && (first || consent) ? token('1//rt-') : undefined;
        const code = token('4/code-');
        state.codes.set(code, { clientId, redirectUri, scope: q.get('scope') ?? '', refreshToken });
        const to = new URL(redirectUri);
        to.searchParams.set('code', code);
        to.searchParams.set('scope', q.get('scope') ?? '');
        if (q.get('state')) to.searchParams.set('state', q.get('state')!);
        return { status: 302, headers: { location: to.toString() }, body: '' };
      },
    };
  }
  // Google's token information endpoint (oauth2.googleapis.com/tokeninfo): the scopes an access
  // token carries. google-auth-library asks with POST and the token as a bearer header.
  if ((req.method === 'POST' || req.method === 'GET') && path === '/tokeninfo') {
    return {
      name: 'oauth.tokeninfo',
      family: 'oauth',
      authenticated: false,
      handle() {
        const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ?? req.query.get('access_token');
        if (!bearer) throw new ApiError(400, 'Invalid Value', 'invalid_request');
        const email = state.issued.get(bearer) ?? (tokens.size ? tokens.get(bearer) : account);
        if (!email) throw new ApiError(400, 'Invalid Value', 'invalid_token');
        return json({ azp: 'standin-client', aud: 'standin-client', sub: '100000000000000000000', scope: state.grantedScopes.join(' '), exp: String(Math.floor(Date.now() / 1000) + 3599), expires_in: 3599, email, email_verified: 'true', access_type: 'offline' });
      },
    };
  }
  if (req.method === 'POST' && path === '/token') {
    return {
      name: 'oauth.token',
      family: 'oauth',
      authenticated: false,
      handle() {
        const form = formOf(req);
        const clientId = clientOf(req, form, state);
        const grant = form.get('grant_type');
        const issue = (scope: string, refreshToken?: string) => {
          const access = token('ya29.standin-');
          state.issued.set(access, account);
          if (tokens.size) tokens.set(access, account);
          return json({ access_token: access, expires_in: 3599, scope, token_type: 'Bearer', ...(refreshToken ? { refresh_token: refreshToken } : {}) });
        };
        if (grant === 'authorization_code') {
          const pending = state.codes.get(form.get('code') ?? '');
          if (!pending || pending.clientId !== clientId || pending.redirectUri !== form.get('redirect_uri')) throw new ApiError(400, 'Bad Request', 'invalid_grant');
          state.codes.delete(form.get('code')!);
          if (pending.refreshToken) state.refreshTokens.set(pending.refreshToken, { clientId, scope: pending.scope });
          return issue(pending.scope, pending.refreshToken);
        }
        if (grant === 'refresh_token') {
          const known = state.refreshTokens.get(form.get('refresh_token') ?? '');
          if (!known || known.clientId !== clientId) throw new ApiError(400, 'Token has been expired or revoked.', 'invalid_grant');
          return issue(known.scope);
        }
        throw new ApiError(400, `Invalid grant_type: ${grant ?? ''}`, 'unsupported_grant_type');
      },
    };
  }
  return undefined;
}
