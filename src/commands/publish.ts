// `dagsorden publish`: the scheduled job. Takes the adapters from the wiring (wiring.ts), hands them
// to the runner (the public site is one of its steps); `--dry-run` prints the plan in Danish and does nothing.

import { DateTime } from 'luxon';
import { findSoffice, LIBREOFFICE_HINT } from '../documents/pdf.js';
import { loadTemplate } from '../documents/template.js';
import { loadMailTemplate } from '../delivery/mail/mail-template.js';
import { EXIT_CODES, UserError } from '../errors.js';
import { formatProblems } from '../report/problems.js';
import { createComposer } from '../publish/composer.js';
import { describeAction } from '../publish/plan.js';
import { createReporter } from '../publish/progress.js';
import { documentRenderer } from '../documents/render.js';
import { runPublish as carryOutPlan } from '../publish/run.js';
import { bilagPublisher } from '../publish/bilag-step.js';
import type { PublishOptions } from './options.js';
import { wire } from './wiring.js';

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

/** The daily sending limit stopped the sending: how many wait, and from when they can go (the workbook's time zone). */
export function describeHeldBack(held: { readonly messages: number; readonly retryAt?: Date }, zone: string): string {
  const when = held.retryAt ? ` efter ${DateTime.fromJSDate(held.retryAt).setZone(zone).setLocale('da').toFormat("d. MMMM yyyy 'kl.' HH:mm")}` : ' senere';
  return `Kontoens daglige grænse for afsendte e-mails er nået. ${held.messages} ${held.messages === 1 ? 'e-mail venter' : 'e-mails venter'} og sendes ved den første kørsel${when}. Intet går tabt, og intet sendes to gange.`;
}

function parseNow(iso: string | undefined, zone: string): DateTime {
  if (!iso) return DateTime.now().setZone(zone);
  const t = DateTime.fromISO(iso, { zone });
  if (!t.isValid) throw new UserError('usage', `--now "${iso}" er ikke et tidspunkt. Skriv fx 2022-03-17T12:00 eller 2022-03-17T12:00+01:00.`);
  return t;
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
  const { model, problems, documents, state, mail, siteTarget, bilag, bilagStore, subscriptions } = await wire({ ...opts, sends: !opts.dryRun }, env);
  const now = parseNow(opts.now, model.settings.timeZone);
  const template = await loadTemplate(env.DAGSORDEN_TEMPLATES || undefined);
  const soffice = findSoffice(env);
  if (!soffice) io.err(LIBREOFFICE_HINT);
  const report = createReporter(io.out, io.isTTY);
  if (problems.length) io.err(formatProblems(problems));

  // One step counter for the whole run, previews and site included, so DAGSORDEN_CRASH_AT reaches every step.
  const checkpoint = crashHook(env.DAGSORDEN_CRASH_AT);
  const renderer = documentRenderer(template, soffice);
  const composer = createComposer(model.settings, await loadMailTemplate(env.DAGSORDEN_MAIL_TEMPLATES || undefined));
  // The public site, from the public edition and the run's log (src/portal/), under the run's lease.
  const { portalSiteStep, describeSiteResult } = await import('../publish/site-step.js');
  const site = opts.dryRun ? undefined : portalSiteStep({ model, problems, template, now, target: siteTarget });
  const result = await carryOutPlan(
    { model, problems, now, dryRun: opts.dryRun },
    {
      documents,
      state,
      mail,
      renderer,
      composer,
      progress: report,
      site,
      ...(checkpoint ? { checkpoint } : {}),
      ...(bilag && bilagStore ? { bilag: bilagPublisher(bilag, bilagStore, template) } : {}),
      ...(subscriptions ? { subscribers: { ...subscriptions, template } } : {}),
    },
  );
  if (result.heldBack) io.out(describeHeldBack(result.heldBack, model.settings.timeZone));
  if (!opts.dryRun && !result.busy) io.out(describeSiteResult(result.site, io.isTTY));
  if (opts.dryRun) {
    // Citizens' notices (issue 21): what this plan publishes counted as published now.
    const { describeSubscriberNotices } = await import('../publish/notify-subscribers.js');
    const publishes = result.plan.actions.flatMap((a) => (a.kind === 'publish' && !a.refresh ? [a] : []));
    const notices = subscriptions ? await describeSubscriberNotices({ model, problems, now, log: await state.readLog(), publishes, formats: renderer.formats }, { ...subscriptions, template }) : [];
    io.out(result.plan.actions.length || notices.length ? 'Plan (--dry-run: intet er gjort):' : 'Plan (--dry-run): intet at gøre.');
    for (const a of result.plan.actions) io.out(`  - ${describeAction(a)}`);
    for (const line of notices) io.out(`  - ${line}`);
  }
  return problems.length ? EXIT_CODES.problems : EXIT_CODES.ok;
}
