// A refused address is recorded for that recipient and does not stop the others.

import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { expect, it } from 'vitest';
import { localStateStore } from '../../src/local/state.js';
import { RecipientRejected } from '../../src/delivery/mail/recipient-rejected.js';
import { loadMailTemplate } from '../../src/delivery/mail/mail-template.js';
import type { MailTransport, OutgoingMail } from '../../src/delivery/ports.js';
import { BUNDLED_WORKBOOK } from '../../src/package-paths.js';
import { createComposer } from '../../src/publish/composer.js';
import { runPublish } from '../../src/publish/run.js';
import { readAndValidate } from '../../src/validate/index.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { driveLikeStore, instantRenderer } from '../helpers/fakes.js';

it('one refused address: the others are sent, the refusal is in the log, and the run finishes', async () => {
  const { model, problems } = await readAndValidate(xlsxSource(BUNDLED_WORKBOOK));
  const refused = 'mads.froelund@example.org';
  const delivered: OutgoingMail[] = [];
  const mail: MailTransport = {
    description: 'refuses one address',
    async send(m) {
      if (m.to === refused) throw new RecipientRejected(refused, 550, '5.1.1 User unknown', true);
      delivered.push(m);
    },
  };
  const dir = await mkdtemp(join(tmpdir(), 'dagsorden-refused-'));
  const state = localStateStore(dir);
  const result = await runPublish(
    { model, problems, now: DateTime.fromISO('2022-03-18T12:00', { zone: 'Europe/Copenhagen' }) },
    { documents: driveLikeStore(), mail, state, renderer: instantRenderer(), composer: createComposer(model.settings, await loadMailTemplate()) },
  );
  // 9 recipients × (invitation + the 2021 minutes); Mads refused for both.
  expect(delivered).toHaveLength(16);
  expect(result.failed.map((f) => f.action.kind === 'send' && f.action.recipient)).toEqual([refused, refused]);
  const failedRows = (await state.readLog()).filter((e) => e.status === 'fejlet');
  expect(failedRows.map((e) => [e.recipient, e.detail])).toEqual([
    [refused, 'Modtageren mads.froelund@example.org blev afvist af mailserveren (550): 5.1.1 User unknown'],
    [refused, 'Modtageren mads.froelund@example.org blev afvist af mailserveren (550): 5.1.1 User unknown'],
  ]);
});
