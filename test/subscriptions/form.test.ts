// The sign-up form on the static site: on forum pages with its privacy note, posting to the endpoint
// relative to the page (so the site works under a sub-path), and left out where nothing answers it
// (a site in a Cloud Storage bucket).

import { describe, expect, it } from 'vitest';
import { loadTemplate } from '../../src/documents/template.js';
import { buildSite } from '../../src/portal/build.js';
import { selectPortalInput } from '../../src/portal/input.js';
import { validateWorkbook } from '../../src/validate/index.js';
import { baseline, rawTestWorkbook } from '../helpers/workbook.js';

async function forumPage(settings: { Nøgle: string; Værdi: string }[] = []): Promise<string> {
  const wb = baseline();
  wb.settings.push(...settings);
  const { model, problems } = validateWorkbook(rawTestWorkbook(wb));
  expect(problems).toEqual([]);
  const { input } = selectPortalInput({ model, log: [], problems, template: await loadTemplate() });
  return String(buildSite(input, '2022-03-01').get('fora/chefforum/index.html')!.body);
}

describe('the sign-up form', () => {
  it('is on the forum page, posts to the endpoint relative to the page, with the privacy note', async () => {
    const html = await forumPage([{ Nøgle: 'Hjemmeside-adresse', Værdi: 'https://kommune.example/politik/' }]);
    expect(html).toContain('<form class="subscribe-form" method="post" action="../../abonnement/tilmeld">');
    expect(html).toContain('<input type="hidden" name="kind" value="forum"><input type="hidden" name="target" value="Chefforum">');
    expect(html).toContain('<label for="abonnement-email">Din e-mailadresse</label>');
    expect(html).toContain('Vi gemmer kun din e-mailadresse, hvad du følger, og hvornår du bekræftede');
  });

  it('is left out when the site goes to a bucket, where nothing answers it', async () => {
    const html = await forumPage([{ Nøgle: 'Hjemmeside-bucket', Værdi: 'dagsordener-kommune' }]);
    expect(html).toContain('<h2 id="abonner">Abonnér</h2>');
    expect(html).not.toContain('subscribe-form');
  });
});
