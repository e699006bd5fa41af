// The runner's last step, still under its lease: previews (made, updated or removed), the public
// site, then ONE write-back with the run's rows, the previews' rows, the links, `Forhåndsvisning`,
// `Næste`, the site's page addresses and the lease's release. A failure in previews or the site does
// not lose the run's results: they are written first, then the failure is raised.

import type { DateTime } from 'luxon';
import type { LogEntry, WriteBack } from '../delivery/ports.js';
import type { Problem, WorkbookModel } from '../model.js';
import { carryOutPreviews, fullWriteBack, planPreviewWork } from './preview.js';
import type { Services, SiteOutcome } from './services.js';
import type { NextSubscribers } from './next.js';

/** The Møder column that holds each meeting's public page (script-owned, declared in sheets-schema). */
export const SITE_PAGE_COLUMN = 'Hjemmeside';

export interface FinishInput {
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly now: DateTime;
  /** The log including what this run did. */
  readonly log: readonly LogEntry[];
  /** Citizens' subscriptions as the run read them, for Næste's count of who is told. */
  readonly subscribers?: NextSubscribers;
}

export interface FinishOptions {
  /** The lease row that releases the run's lease; written with the write-back, after the site. */
  readonly release?: LogEntry;
  /** Page addresses already known (a run with nothing to do asked the site without writing to it). */
  readonly pages?: ReadonlyMap<string, string> | undefined;
}

/** Adds each meeting's public page address to the write-back, so no other column is lost. */
export function withPages(update: WriteBack, pages: ReadonlyMap<string, string> | undefined): WriteBack {
  if (!pages?.size) return update;
  const meetings = new Map(update.meetings);
  for (const [id, address] of pages) meetings.set(id, { ...(meetings.get(id) ?? {}), [SITE_PAGE_COLUMN]: address });
  return { ...update, meetings };
}

export async function finishRun<O>(
  input: FinishInput,
  services: Pick<Services<O>, 'documents' | 'renderer' | 'state' | 'composer' | 'checkpoint' | 'site'>,
  pending: readonly LogEntry[],
  options: FinishOptions = {},
): Promise<{ previews: number; site?: SiteOutcome<O> }> {
  const { model, problems, now } = input;
  const formats = services.renderer.formats;
  const checkpoint = services.checkpoint ?? (() => {});
  const work = planPreviewWork({ model, problems, log: input.log, now, formats });
  const done: LogEntry[] = [];
  let failure: unknown;
  let site: SiteOutcome<O> | undefined;
  const writeBack = (log: readonly LogEntry[], pages: ReadonlyMap<string, string> | undefined): WriteBack =>
    withPages(fullWriteBack({ model, problems, log, now, formats, messageId: services.composer.messageId, ...(input.subscribers ? { subscribers: input.subscribers } : {}) }), pages);
  try {
    await carryOutPreviews(work, { model, log: input.log, now }, services, done);
    checkpoint('previews');
  } catch (e) {
    failure = e;
  }
  let rows = [...pending, ...done];
  const siteDue = failure === undefined && services.site !== undefined && (await services.site.enabled());
  if (siteDue && rows.length > 0) {
    // NOTE: what the run did is made durable before the site: a run killed while uploading the site
    // must not leave its documents unrecorded, or the next run would make them again (new bytes) and
    // upload them to the site again.
    await services.state.writeBack(writeBack([...input.log, ...done], options.pages), rows);
    rows = [];
    checkpoint('written');
  }
  if (failure === undefined && services.site) {
    try {
      // The site reads the log with this run's uploads, so it links the files just published (held
      // back, or with nowhere to go, it only says so).
      site = await services.site.publish([...input.log, ...done], checkpoint);
    } catch (e) {
      failure = e;
    }
  }
  await services.state.writeBack(writeBack([...input.log, ...done], site?.pages ?? options.pages), [...rows, ...(options.release ? [options.release] : [])]);
  if (failure !== undefined) throw failure;
  return { previews: done.length, ...(site ? { site } : {}) };
}
