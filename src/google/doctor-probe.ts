// The Google half of `dagsorden doctor`: read-only questions to Google, each answered with a fact
// (never an exception), for src/doctor/findings.ts to judge. Nothing here writes, sends or publishes.

import type { Google } from './client.js';

/** The HTTP status and Google's message of a failed call (0 when there was no answer). */
function failure(e: unknown): { status: number; message: string } {
  const err = e as { status?: number; code?: number | string; message?: string };
  const status = typeof err.status === 'number' ? err.status : typeof err.code === 'number' ? err.code : 0;
  return { status, message: String(err.message ?? e) };
}

/** The scopes the session's access token carries, from Google's tokeninfo endpoint. */
export async function probeScopes(google: Google): Promise<{ granted: readonly string[] } | { error: string }> {
  try {
    const { token } = await google.auth.client.getAccessToken();
    if (!token) return { error: 'ingen adgangsnøgle' };
    const { OAuth2Client } = await import('google-auth-library');
    const tokenInfoUrl = google.rootUrl ? `${google.rootUrl.replace(/\/+$/, '')}/tokeninfo` : undefined;
    const info = await new OAuth2Client(tokenInfoUrl ? { endpoints: { tokenInfoUrl } } : {}).getTokenInfo(token);
    return { granted: info.scopes };
  } catch (e) {
    return { error: failure(e).message };
  }
}

/** A Drive folder by id: its name and who it is shared with (own and inherited permissions). */
export async function probeFolder(google: Google, id: string): Promise<{ ok: true; name: string; sharedWith: string[] } | { ok: false; status: number; message: string }> {
  try {
    const drive = await google.drive();
    const file = await drive.files.get({ fileId: id, supportsAllDrives: true, fields: 'id,name' }, { timeout: google.policy.timeoutMs });
    const perms = await drive.permissions.list({ fileId: id, supportsAllDrives: true, fields: 'permissions(type,role,emailAddress,domain)' }, { timeout: google.policy.timeoutMs });
    const sharedWith = (perms.data.permissions ?? []).map((p) => (p.type === 'anyone' ? 'alle med linket' : `${p.emailAddress ?? p.domain ?? p.type} (${p.role ?? ''})`));
    return { ok: true, name: file.data.name ?? id, sharedWith };
  } catch (e) {
    return { ok: false, ...failure(e) };
  }
}

/** Whether the account may send as `address` (Gmail's send-as list; the account's own address always). */
export async function probeSendAs(google: Google, address: string): Promise<{ allowed: true } | { allowed: false; status: number; message: string }> {
  try {
    const gmail = await google.gmail();
    const res = await gmail.users.settings.sendAs.get({ userId: 'me', sendAsEmail: address }, { timeout: google.policy.timeoutMs });
    if (res.data.verificationStatus && res.data.verificationStatus !== 'accepted') return { allowed: false, status: 200, message: `adressen er ikke bekræftet (${res.data.verificationStatus})` };
    return { allowed: true };
  } catch (e) {
    return { allowed: false, ...failure(e) };
  }
}

/** Whether the site's bucket can be reached (a one-object listing: reads, writes nothing). */
export async function probeBucket(google: Google, bucket: string): Promise<{ ok: true } | { ok: false; status: number; message: string }> {
  try {
    const storage = await google.storage();
    await storage.objects.list({ bucket, maxResults: 1, fields: 'items(name)' }, { timeout: google.policy.timeoutMs });
    return { ok: true };
  } catch (e) {
    return { ok: false, ...failure(e) };
  }
}
