// The public site as a step of the scheduled job: after the run has published and sent, read the log,
// build the site from the public edition, bring the target (folder or bucket) in line, and write each
// meeting's page address back to its row. Called from `dagsorden publish` only; its own I/O lives here.

import { readFile } from 'node:fs/promises';
import type { DateTime } from 'luxon';
import type { StateStore, WriteBack } from '../delivery/ports.js';
import type { Template } from '../documents/template.js';
import { heldBackBy, type Problem, type WorkbookModel } from '../model.js';
import { absolute, fileOf, paths } from './addresses.js';
import { selectPortalInput, type PortalDocument, type PortalInput } from './input.js';
import { publishSite, type SitePublishResult } from './site-sync.js';
import type { SiteTarget } from './target.js';

/** The Møder column that holds each meeting's public page (script-owned, declared in sheets-schema). */
export const SITE_PAGE_COLUMN = 'Hjemmeside';

export interface PortalRunOptions {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly state: StateStore;
  readonly template: Template;
  readonly now: DateTime;
  /**
   * Where the site goes (the wiring chooses: `--site DIR`, the bucket, or `<out>/site`); undefined
   * when there is nowhere public. Asked only when the site is not held back.
   */
  readonly target: () => Promise<SiteTarget | undefined>;
  /** The write-back the run made: the page addresses are added to it, so no column is lost. */
  readonly writeBack: (log: Awaited<ReturnType<StateStore['readLog']>>) => WriteBack;
  readonly checkpoint?: (label: string) => void;
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

export async function publishPortal(opts: PortalRunOptions): Promise<PortalRunResult | 'held back' | undefined> {
  if (siteHeldBack(opts.problems)) return 'held back';
  const target = await opts.target();
  if (!target) return undefined;
  const log = await opts.state.readLog();
  const { input: selected, heldBack } = selectPortalInput({ model: opts.model, log, problems: opts.problems, template: opts.template });
  const input = await withLocalBytes(selected);
  const result = await publishSite({
    input,
    today: opts.now.setZone(input.timeZone).toISODate()!,
    target,
    heldBack: heldBack.map((m) => m.id),
    ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}),
  });
  // Each meeting with a page (a held-back meeting's kept page too) gets its address in its row,
  // merged into the run's own write-back so no other column is lost.
  const base = opts.writeBack(log);
  const meetings = new Map(base.meetings);
  for (const m of opts.model.meetings) {
    if (!result.files.has(fileOf(paths.meeting(m.id)))) continue;
    meetings.set(m.id, { ...(meetings.get(m.id) ?? {}), [SITE_PAGE_COLUMN]: absolute(input.siteAddress, paths.meeting(m.id)) });
  }
  await opts.state.writeBack({ meetings, problems: base.problems });
  return { ...result, target: target.description };
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
