// A version is published in all the formats the run makes, or not at all, and no public file is left
// behind a newer version: an item closed after the public agenda went out, on a run without
// LibreOffice, must not stay readable in the old public PDF (issue 9).

import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { loadMailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { Meeting, WorkbookModel } from '../../src/model.js';
import { createComposer } from '../../src/publish/composer.js';
import { runPublish, type Renderer } from '../../src/publish/run.js';
import { parseRichText } from '../../src/validate/richtext.js';
import { driveLikeStore, instantRenderer, recordingTransport } from '../helpers/fakes.js';
import { testItem } from '../helpers/items.js';
import { memoryState } from '../helpers/memory-state.js';

const settings: WorkbookModel['settings'] = { organisation: 'Albertslund Kommune', timeZone: 'Europe/Copenhagen', daysBefore: 7, sendTime: '12:00', sender: 'Sekretariatet <sekr@example.org>', extra: {} };
const meeting = (closed: boolean): Meeting => ({
  id: 'CF-2022-03-31', forum: 'Chefforum', date: '2022-03-31', start: '09:00', place: 'Mødelokale 1', status: 'Dagsorden klar', row: 2,
  items: [testItem('CF-2022-03-31', 1, { title: 'Personalesag', closed, presentation: parseRichText('Fortroligt') })],
});
const model = (closed: boolean): WorkbookModel => ({ meetings: [meeting(closed)], members: [{ name: 'Bo', email: 'bo@example.org', fora: ['Chefforum'], seesClosed: false, active: true, row: 2 }], settings });
const docxOnly = (): Renderer => {
  const full = instantRenderer();
  return { formats: ['docx'], renderAll: async (r, s) => (await full.renderAll(r, s)).map((x) => ({ ...x, files: new Map([['docx', x.files.get('docx')!]]) })) };
};

it('the old public PDF is withdrawn when the new version can be made as .docx only', async () => {
  const template = await loadMailTemplate();
  const store = driveLikeStore();
  const state = memoryState();
  const services = (renderer: Renderer) => ({ documents: store, mail: recordingTransport(true), state, renderer, composer: createComposer(settings, template), retryDelay: async () => {} });
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Copenhagen' });

  await runPublish({ model: model(false), problems: [], now: at('2022-03-25T12:00') }, services(instantRenderer()));
  const publicPdf = () => [...store.files.values()].filter((f) => f.key.endsWith('|offentlig|pdf'));
  expect(publicPdf()).toHaveLength(1);

  // The item is closed afterwards, and LibreOffice is missing on this run.
  await runPublish({ model: model(true), problems: [], now: at('2022-03-26T12:00') }, services(docxOnly()));
  expect(publicPdf()).toHaveLength(0);
  const withdrawn = state.log.filter((e) => e.status === 'fjernet');
  expect(withdrawn.map((e) => `${e.edition} ${e.format} v${e.version}`).sort()).toEqual(['medlemmer pdf v2', 'offentlig pdf v2']);
  // The new version is complete in the formats this run makes: a later run does not redo it.
  const again = await runPublish({ model: model(true), problems: [], now: at('2022-03-26T12:30') }, services(docxOnly()));
  expect(again.plan.actions).toEqual([]);
});
