// The authenticated Gmail client for the mail transport (src/google/gmail.ts builds on it).

import type { gmail_v1 } from '@googleapis/gmail';
import { openGoogle, type OpenGoogleOptions } from './client.js';

/**
 * `@googleapis/gmail` signed in like every other Google client (client.ts), with the library's own
 * retry off: wrap calls in `withRetry` from retry.ts, and use its `recover` hook so a retried send
 * after a lost answer does not become a second e-mail.
 */
export async function gmailClient(env: NodeJS.ProcessEnv = process.env, opts: OpenGoogleOptions = {}): Promise<gmail_v1.Gmail> {
  return (await openGoogle(env, opts)).gmail();
}
