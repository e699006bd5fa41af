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

/**
 * Google's time, from the Date header of a read-only call (the account's Gmail profile, which every
 * scope the job asks for Gmail allows), to set beside the machine's clock. Milliseconds since 1970.
 */
export async function probeGoogleTime(google: Google): Promise<{ time: number } | { error: string }> {
  try {
    const gmail = await google.gmail();
    const res = await gmail.users.getProfile({ userId: 'me', fields: 'emailAddress' }, { timeout: google.policy.timeoutMs });
    const headers = res.headers as unknown as { get?: (name: string) => string | null } & Record<string, string | undefined>;
    const date = typeof headers.get === 'function' ? headers.get('date') : headers.date;
    const time = date ? Date.parse(date) : NaN;
    return Number.isFinite(time) ? { time } : { error: 'Google sendte ingen tid' };
  } catch (e) {
    return { error: failure(e).message };
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

/** What the site's upload needs on its bucket: list and read (compare), create (put), delete (remove). */
export const BUCKET_PERMISSIONS = ['storage.objects.list', 'storage.objects.get', 'storage.objects.create', 'storage.objects.delete'] as const;

/**
 * Whether the site's bucket can be reached, and which of the permissions the site's upload needs the
 * account lacks there: asked of Cloud Storage (buckets.testIamPermissions), so nothing is written.
 */
export async function probeBucket(google: Google, bucket: string): Promise<{ ok: true; missing: readonly string[] } | { ok: false; status: number; message: string }> {
  try {
    const storage = await google.storage();
    const res = await storage.buckets.testIamPermissions({ bucket, permissions: [...BUCKET_PERMISSIONS] }, { timeout: google.policy.timeoutMs });
    const held = new Set(res.data.permissions ?? []);
    return { ok: true, missing: BUCKET_PERMISSIONS.filter((p) => !held.has(p)) };
  } catch (e) {
    return { ok: false, ...failure(e) };
  }
}
