// Where the package's own files are, whether run from src/ (tests) or dist/src/ (the built CLI).

import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = resolve(dir, '..');
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const PACKAGE_ROOT = findRoot();
export const BUNDLED_WORKBOOK = join(PACKAGE_ROOT, 'examples', 'chefforum.xlsx');
export const TEMPLATES_DIR = join(PACKAGE_ROOT, 'templates');
