// The public site as a step of the scheduled job, run under the run's lease: from the log (with what
// the run just published), build the site from the public edition, bring the target (folder or bucket)
// in line, and give each meeting's page address for its row. The runner asks it first, read only,
// whether anything is to be written (`probe`), so a run with nothing to do takes no lease.

import { readFile } from 'node:fs/promises';
import type { DateTime } from 'luxon';
import type { LogEntry } from '../delivery/ports.js';
import type { Template } from '../documents/template.js';
import { heldBackBy, type Problem, type WorkbookModel } from '../model.js';
import type { SiteProbe, SiteStep } from './services.js';
import { absolute, fileOf, paths } from '../portal/addresses.js';
import { selectPortalInput, type PortalDocument, type PortalInput } from '../portal/input.js';
import { currentSite, publishSite, type SitePublishResult } from '../portal/site-sync.js';
import type { SiteTarget } from '../portal/target.js';

export { SITE_PAGE_COLUMN } from './finish.js';

export interface PortalRunOptions {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly template: Template;
  readonly now: DateTime;
  /**
   * Where the site goes (the wiring chooses: `--site DIR`, the bucket, or `<out>/site`); undefined
   * when there is nowhere public. Asked only when the site is not held back.
   */
  readonly target: () => Promise<SiteTarget | undefined>;
}

export interface PortalRunResult extends SitePublishResult {
  readonly target: string;
}

/** Documents published to a local folder are copied into the site; Drive links are linked to. */
export async function withLocalBytes(input: PortalInput): Promise<PortalInput> {
  const meetings = await Promise.all(
    input.meetings.map(async (m) => {
      const documents = await Promise.all(
        m.documents.map(async (d): Promise<PortalDocument | undefined> => {
          if (!d.href || /^https?:\/\//i.test(d.href)) return d;
          const bytes = await readFile(d.href).catch(() => undefined);
          // A local file gone since it was published is simply not linked.
          return bytes ? { kind: d.kind, format: d.format, bytes } : undefined;
        }),
      );
      const bilag = await Promise.all((m.bilag ?? []).map(async (b) => ({ ...b, ...(b.path ? { bytes: await readFile(b.path).catch(() => undefined) } : {}) })));
      return { ...m, documents: documents.filter((d): d is PortalDocument => d !== undefined), bilag };
    }),
  );
  return { ...input, meetings };
}

/** Said when problems in the workbook's structure or settings hold the whole site back. */
export const SITE_HELD_BACK = 'Hjemmesiden er ikke opdateret: fejl i regnearkets faner, kolonner eller Indstillinger holder den tilbage. Ret fejlene (se Validering), så opdateres den ved næste kørsel.';

/** Said once per run when a Google deployment has no bucket for the site. */
export const NO_SITE_TARGET = 'Hjemmesiden er ikke opdateret: Indstillinger → Hjemmeside-bucket er tom. Skriv navnet på en Cloud Storage-bucket dér, eller brug --site MAPPE.';

/**
 * NOTE: fail closed. A broken tab or column can make meetings vanish from the model, and a broken
 * setting can change every address: either would rewrite or remove pages that are right. The site
 * stays as it is until the workbook is fixed.
 */
export function siteHeldBack(problems: readonly Problem[]): boolean {
  return heldBackBy(problems).site;
}

export type PortalOutcome = PortalRunResult | 'held back' | undefined;

/** The site step the runner carries out under its lease. */
export function portalSiteStep(opts: PortalRunOptions): SiteStep<PortalOutcome> {
  let target: Promise<SiteTarget | undefined> | undefined;
  const targetOnce = (): Promise<SiteTarget | undefined> => (target ??= opts.target());
  const none = (outcome: PortalOutcome): SiteProbe<PortalOutcome> => ({ due: false, pages: new Map(), outcome });

  const prepare = async (log: readonly LogEntry[], to: SiteTarget) => {
    const { input: selected, heldBack } = selectPortalInput({ model: opts.model, log, problems: opts.problems, template: opts.template });
    const input = await withLocalBytes(selected);
    return { input, today: opts.now.setZone(input.timeZone).toISODate()!, target: to, heldBack: heldBack.map((m) => m.id) };
  };
  // Each meeting with a page (a held-back meeting's kept page too) gets its address in its row.
  const pagesOf = (input: PortalInput, result: SitePublishResult): Map<string, string> => {
    const pages = new Map<string, string>();
    for (const m of opts.model.meetings) if (result.files.has(fileOf(paths.meeting(m.id)))) pages.set(m.id, absolute(input.siteAddress, paths.meeting(m.id)));
    return pages;
  };

  return {
    async enabled() {
      return !siteHeldBack(opts.problems) && (await targetOnce()) !== undefined;
    },
    async probe(log) {
      if (siteHeldBack(opts.problems)) return none('held back');
      const to = await targetOnce();
      if (!to) return none(undefined);
      const prepared = await prepare(log, to);
      const current = await currentSite(prepared);
      if (!current) return { due: true, pages: new Map(), outcome: undefined };
      return { due: false, pages: pagesOf(prepared.input, current), outcome: { ...current, target: to.description } };
    },
    async publish(log, checkpoint) {
      if (siteHeldBack(opts.problems)) return none('held back');
      const to = await targetOnce();
      if (!to) return none(undefined);
      const prepared = await prepare(log, to);
      const result = await publishSite({ ...prepared, checkpoint });
      return { pages: pagesOf(prepared.input, result), outcome: { ...result, target: to.description } };
    },
  };
}

/** One line for the run's output: Danish on a terminal, a JSON object for logs. */
export function describeSiteResult(r: PortalRunResult | 'held back' | undefined, human: boolean, clock: () => Date = () => new Date()): string {
  if (r === undefined || r === 'held back') {
    const message = r ? SITE_HELD_BACK : NO_SITE_TARGET;
    return human ? message : JSON.stringify({ time: clock().toISOString(), severity: r ? 'WARNING' : 'NOTICE', event: 'site', message });
  }
  const message = r.unchanged
    ? `Hjemmesiden er uændret (${r.target}).`
    : `Hjemmesiden er opdateret i ${r.target}: ${r.written.length} ${r.written.length === 1 ? 'fil' : 'filer'} skrevet, ${r.removed.length} fjernet, ${r.total} i alt.`;
  return human ? message : JSON.stringify({ time: clock().toISOString(), severity: 'INFO', event: 'site', written: r.written.length, removed: r.removed.length, total: r.total, unchanged: r.unchanged, message });
}
