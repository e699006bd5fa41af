// The mail templates are checked like the document templates: a municipality's own phrases.json that
// lacks a phrase this version needs is a Danish configuration error naming the key, not a crash mid-send.

import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { loadMailTemplate, MAIL_TEMPLATE_DIR } from '../../src/delivery/mail/mail-template.js';

it('the bundled mail templates load', async () => {
  const t = await loadMailTemplate();
  expect(t.phrases.subject.reinstated).toBe('Mødet holdes alligevel');
});

it('a phrase missing from a municipality’s own phrases.json is a Danish error naming it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-mail-templates-'));
  try {
    await cp(MAIL_TEMPLATE_DIR, dir, { recursive: true });
    const phrases = JSON.parse(await readFile(join(dir, 'phrases.json'), 'utf8')) as { intro: Record<string, string> };
    delete phrases.intro.withdrawn;
    await writeFile(join(dir, 'phrases.json'), JSON.stringify(phrases));
    await expect(loadMailTemplate(dir)).rejects.toThrow(/Skabelonfilen .*phrases\.json er ikke i orden:\n {2}intro\.withdrawn: mangler/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
