// The README's column reference is generated from sheets-schema/: this fails when it drifts.

import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { withColumnReference } from '../../scripts/column-reference.js';

it('README column reference matches sheets-schema/ (run `npm run docs` to update)', async () => {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  expect(readme).toBe(withColumnReference(readme));
});
