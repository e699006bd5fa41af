// `dagsorden publish`: the scheduled job. Builds the real adapters in one place, then hands them to
// the runner; `--dry-run` prints the plan in Danish and does nothing.

import { join, resolve } from 'node:path';
import { DateTime } from 'luxon';
import type { DocumentStore, MailTransport, StateStore } from '../delivery/ports.js';
import { findSoffice, LIBREOFFICE_HINT } from '../documents/pdf.js';
import { loadTemplate } from '../documents/template.js';
import { loadMailTemplate } from '../delivery/mail/template.js';
import { EXIT_CODES, UserError } from '../errors.js';
import { formatProblems } from '../report/problems.js';
import { createComposer } from '../publish/compose.js';
import { describeAction } from '../publish/plan.js';
import { createReporter } from '../publish/progress.js';
import { documentRenderer } from '../documents/render.js';
import { runPublish as carryOutPlan } from '../publish/run.js';
import { readAndValidate } from '../validate/index.js';
import type { PublishOptions } from './options.js';
import { openSource } from './source.js';
import type { GoogleSheetSource } from '../google/sheets-read.js';
import type { Google } from '../google/client.js';

export interface PublishIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly isTTY: boolean;
}

const defaultIo: PublishIo = {
  out: (s) => process.stdout.write(s + '\n'),
  err: (s) => process.stderr.write(s + '\n'),
  env: process.env,
  isTTY: Boolean(process.stdout.isTTY),
};

function parseNow(iso: string | undefined, zone: string): DateTime {
  if (!iso) return DateTime.now().setZone(zone);
  const t = DateTime.fromISO(iso, { zone });
  if (!t.isValid) throw new UserError('usage', `--now "${iso}" er ikke et tidspunkt. Skriv fx 2022-03-17T12:00 eller 2022-03-17T12:00+01:00.`);
  return t;
}

type MailChoice = 'outbox' | 'smtp' | 'gmail';

function mailChoice(env: NodeJS.ProcessEnv, google: boolean): MailChoice {
  const v = (env.DAGSORDEN_MAIL ?? (google ? 'gmail' : 'outbox')).toLowerCase();
  if (v === 'outbox' || v === 'smtp' || v === 'gmail') return v;
  throw new UserError('config', `DAGSORDEN_MAIL="${env.DAGSORDEN_MAIL}" kendes ikke. Skriv outbox, smtp eller gmail.`);
}

async function mailTransport(choice: MailChoice, outDir: string, env: NodeJS.ProcessEnv, sender?: string, session?: Promise<Google>): Promise<MailTransport> {
  if (choice === 'smtp') {
    const { smtpTransport, smtpOptionsFromEnv } = await import('../delivery/mail/smtp.js');
    return smtpTransport(smtpOptionsFromEnv(env));
  }
  if (choice === 'gmail') {
    const { gmailClient } = await import('../google/gmail-client.js');
    const { retryPolicyFromEnv } = await import('../google/retry.js');
    const { gmailTransport } = await import('../google/gmail.js');
    return gmailTransport(session ? await (await session).gmail() : await gmailClient(env), { policy: retryPolicyFromEnv(env), ...(sender ? { account: sender } : {}) });
  }
  const { outboxTransport } = await import('../local/outbox.js');
  return outboxTransport(join(outDir, 'outbox'));
}

/**
 * `DAGSORDEN_CRASH_AT=N` kills the process outright (SIGKILL, no clean-up) at the run's N-th step, so
 * anyone can see for themselves that the next run continues where this one died.
 */
function crashHook(at: string | undefined): ((label: string) => void) | undefined {
  if (!at) return undefined;
  const n = Number(at);
  let step = 0;
  return () => {
    if (step++ === n) process.kill(process.pid, 'SIGKILL');
  };
}

export async function runPublish(opts: PublishOptions, io: PublishIo = defaultIo): Promise<number> {
  const env = io.env;
  const source = await openSource(opts, env);
  const google = source.kind === 'google';
  const { model, problems, raw } = await readAndValidate(source);
  const now = parseNow(opts.now, model.settings.timeZone);
  const outDir = resolve(opts.out);
  const template = await loadTemplate(env.DAGSORDEN_TEMPLATES || undefined);
  const soffice = findSoffice(env);
  if (!soffice) io.err(LIBREOFFICE_HINT);
  const report = createReporter(io.out, io.isTTY);
  if (problems.length) io.err(formatProblems(problems));

  let documents: DocumentStore;
  let state: StateStore;
  let session: Promise<Google> | undefined;
  if (google) {
    const { driveDocumentStore } = await import('../google/drive.js');
    const { sheetsStateStore } = await import('../google/sheets-state.js');
    // One sign-in per run: the reader's session serves Drive, the write-back and Gmail.
    session = (source as GoogleSheetSource).session();
    const { driveFolderMembers, driveFolderPublic } = model.settings;
    documents = driveDocumentStore({
      google: session,
      env,
      folders: { ...(driveFolderMembers ? { medlemmer: driveFolderMembers } : {}), ...(driveFolderPublic ? { offentlig: driveFolderPublic } : {}) },
      memberEmails: model.members.filter((m) => m.active && m.seesClosed).map((m) => m.email),
      // The previews' Kladder folder: the secretariat only.
      secretariat: model.settings.secretaryEmail ? [model.settings.secretaryEmail] : [],
    });
    state = sheetsStateStore({ raw, google: session, env });
  } else {
    const { localDocumentStore } = await import('../local/documents.js');
    const { localStateStore } = await import('../local/state.js');
    documents = localDocumentStore(outDir);
    state = localStateStore(outDir);
  }
  // One step counter for the run and the site after it, so DAGSORDEN_CRASH_AT reaches into both.
  const checkpoint = crashHook(env.DAGSORDEN_CRASH_AT);
  const mail = opts.dryRun ? undefined : await mailTransport(mailChoice(env, google), outDir, env, model.settings.sender, session);
  const renderer = documentRenderer(template, soffice);
  const composer = createComposer(model.settings, await loadMailTemplate(env.DAGSORDEN_MAIL_TEMPLATES || undefined));
  const result = await carryOutPlan(
    { model, problems, now, dryRun: opts.dryRun },
    {
      documents,
      state,
      mail: mail ?? { description: 'ingen (--dry-run)', send: async () => {} },
      renderer,
      composer,
      progress: report,
      checkpoint,
    },
  );
  if (!opts.dryRun) {
    // The public site, from the public edition and the log the run just wrote (src/portal/).
    const { publishPortal, describeSiteResult } = await import('../portal/run.js');
    const { fullWriteBack } = await import('../publish/preview.js');
    const site = await publishPortal({
      model,
      problems,
      state,
      template,
      now,
      outDir,
      env,
      ...(opts.site ? { siteDir: resolve(opts.site) } : {}),
      ...(session ? { google: session } : {}),
      // NOTE: the whole write-back (Næste and previews included): the local store replaces status.json whole.
      writeBack: (log) => fullWriteBack({ model, problems, log, now, formats: renderer.formats, messageId: composer.messageId }),
      ...(checkpoint ? { checkpoint } : {}),
    });
    io.out(describeSiteResult(site, io.isTTY));
  }
  if (opts.dryRun) {
    io.out(result.plan.actions.length ? 'Plan (--dry-run: intet er gjort):' : 'Plan (--dry-run): intet at gøre.');
    for (const a of result.plan.actions) io.out(`  - ${describeAction(a)}`);
  }
  return problems.length ? EXIT_CODES.problems : EXIT_CODES.ok;
}
