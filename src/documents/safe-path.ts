// Every path the embedded default writes is made here, by one function that cannot leave its folder:
// a `Møde-id` like `../../X`, a separator or a 300-character name never reaches the file system as such.

import { createHash } from 'node:crypto';
import { join, resolve, sep } from 'node:path';

/** Bytes a file name may use; most file systems stop at 255. */
const MAX_NAME_BYTES = 200;

/**
 * One path segment that is safe on Linux, macOS and Windows: separators, control characters and
 * the characters Windows forbids become `_`, a leading dot is replaced, and an over-long name is cut
 * and given a short hash of the whole so two long names stay apart.
 */
export function safeSegment(name: string): string {
  let s = name
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_')
    .trim();
  if (s === '' || /^\.+$/.test(s)) s = `_${s}`;
  s = s.replace(/^\./, '_');
  if (Buffer.byteLength(s) > MAX_NAME_BYTES) {
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 6 ? s.slice(dot) : '';
    let stem = s.slice(0, s.length - ext.length);
    while (Buffer.byteLength(`${stem}-${hash}${ext}`) > MAX_NAME_BYTES) stem = stem.slice(0, -1);
    s = `${stem}-${hash}${ext}`;
  }
  return s;
}

/** `root/<segment>/<segment>…`, each segment made safe; throws if the result would leave `root` (it cannot). */
export function pathInside(root: string, ...segments: string[]): string {
  const base = resolve(root);
  const path = join(base, ...segments.map(safeSegment));
  // NOTE: a second guard, so a future change to safeSegment cannot silently open a way out.
  if (path !== base && !path.startsWith(base + sep)) throw new Error(`pathInside: ${path} is outside ${base}`);
  return path;
}
