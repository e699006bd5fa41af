// The embedded default's bilag copies: `<dir>/<Møde-id>/Bilag (offentlig)/Punkt 3 - Bilag 2 - kort.pdf`
// beside the documents, and the combined PDF `<dir>/<Møde-id>/Dagsorden … med bilag (offentlig).pdf`.
// The edition's bilag folder holds exactly what it should: a copy is written only when its bytes
// differ (so an unchanged bilag is never written again), and a copy no longer wanted is removed.

import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { COMBINED_MARK, type BilagStore } from '../publish/bilag-step.js';
import { bilagFolderName } from '../documents/bilag.js';
import { writeFileAtomically } from './documents.js';
import { pathInside } from '../documents/safe-path.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

async function writeIfChanged(path: string, bytes: Uint8Array): Promise<boolean> {
  const before = await readFile(path).catch(() => undefined);
  if (before && sha(before) === sha(bytes)) return false;
  await writeFileAtomically(path, bytes);
  return true;
}

export function localBilagStore(dir: string): BilagStore {
  return {
    // NOTE: the documents link a copy relative to themselves (the bilag folder travels with them).
    absoluteLinks: false,
    async syncCopies(meetingId, edition, copies) {
      const folder = pathInside(dir, meetingId, bilagFolderName(edition));
      let written = 0;
      if (copies.length) await mkdir(folder, { recursive: true });
      for (const c of copies) if (await writeIfChanged(pathInside(folder, c.name), c.bytes)) written++;
      const wanted = new Set(copies.map((c) => pathInside(folder, c.name)));
      for (const name of await readdir(folder).catch(() => [] as string[])) {
        const path = pathInside(folder, name);
        if (!wanted.has(path)) await rm(path, { force: true, recursive: true });
      }
      if (!copies.length) await rm(folder, { recursive: true, force: true });
      return { written };
    },
    async copyLinks(meetingId, edition, copies) {
      return new Map(copies.map((c) => [c.name, pathInside(dir, meetingId, bilagFolderName(edition), c.name)]));
    },
    async putCombined(meetingId, edition, fileName, bytes) {
      const folder = pathInside(dir, meetingId);
      await mkdir(folder, { recursive: true });
      const path = pathInside(folder, fileName);
      await writeIfChanged(path, bytes);
      // NOTE: the name carries the forum and date; the edition's combined file under an older name goes.
      const suffix = fileName.slice(fileName.lastIndexOf(COMBINED_MARK));
      for (const name of await readdir(folder)) if (name !== fileName && name.includes(COMBINED_MARK) && name.endsWith(suffix)) await rm(pathInside(folder, name), { force: true });
      return path;
    },
    async removeCombined(meetingId, edition, fileName) {
      await rm(pathInside(dir, meetingId, fileName), { force: true });
    },
    async combinedLink(meetingId, _edition, fileName) {
      return pathInside(dir, meetingId, fileName);
    },
    async readCombined(meetingId, _edition, fileName) {
      return readFile(pathInside(dir, meetingId, fileName)).then((b) => new Uint8Array(b), () => undefined);
    },
  };
}
