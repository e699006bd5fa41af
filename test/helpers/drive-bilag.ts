// Bilag as a secretary keeps them: files in her own Drive that dagsorden may only read, seeded into the stand-in.

import { DEFAULT_ACCOUNT, seedFile, type DriveFile, type DriveState } from '../standin/index.js';

const SECRETARY = 'sekretariat@example.org';

/**
 * Owned by the secretary, not made by dagsorden, so the tests can check it is never written to; shared
 * with the account dagsorden runs as (reader) unless `shared` is false, the commonest thing to go wrong.
 */
export function secretaryFile(drive: DriveState, name: string, mimeType: string, content: Uint8Array | string, extra: Partial<DriveFile> & { shared?: boolean } = {}): DriveFile {
  const { shared = true, ...rest } = extra;
  return seedFile(drive, {
    name,
    mimeType,
    content: Buffer.from(content),
    owner: SECRETARY,
    appCreated: false,
    permissions: [
      { kind: 'drive#permission', id: 'owner', type: 'user', role: 'owner', emailAddress: SECRETARY },
      ...(shared ? [{ kind: 'drive#permission' as const, id: 'p-dagsorden', type: 'user' as const, role: 'reader', emailAddress: DEFAULT_ACCOUNT }] : []),
    ],
    ...rest,
  });
}
