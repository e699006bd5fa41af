// The one place every command's adapters are chosen and built: the workbook source, the document
// store, the state store, the mail transport and the public site's target, on Google or on the
// embedded default. The environment is read here (and by `openGoogle`, which the wiring calls once);
// the adapters in src/google/ and src/local/ are handed what they need and never read it.

import { existsSync } from 'node:fs';
import { DateTime } from 'luxon';
import { dirname, join, resolve } from 'node:path';
import { findSoffice } from '../documents/pdf.js';
import { localAttachmentSource } from '../local/bilag-source.js';
import { localBilagStore } from '../local/bilag-store.js';
import type { BilagStore } from '../publish/bilag-step.js';
import { readAttachmentFiles } from '../validate/bilag-files.js';
import type { DocumentStore, MailTransport, StateStore } from '../delivery/ports.js';
import type { AttachmentSource } from '../validate/bilag-rules.js';
import { smtpOptionsFromEnv, smtpTransport } from '../delivery/mail/smtp.js';
import { UserError } from '../errors.js';
import type { Google } from '../google/client.js';
import { localDocumentStore } from '../local/documents.js';
import { outboxTransport } from '../local/outbox.js';
import { localStateStore } from '../local/state.js';
import { subscriptionsPath } from '../local/subscriptions.js';
import type { Subscription } from '../portal/subscriptions/rules.js';
import type { SubscriptionStore } from '../portal/subscriptions/store.js';
import { xlsxSource } from '../local/xlsx.js';
import type { Problem, WorkbookModel } from '../model.js';
import { BUNDLED_WORKBOOK } from '../package-paths.js';
import { SUBSCRIBERS_TAB } from '../../sheets-schema/schema.js';
import type { SiteTarget } from '../portal/target.js';
import { folderTarget } from '../local/site-folder.js';
import { readAndValidate } from '../validate/index.js';
import type { RawWorkbook, WorkbookSource } from '../workbook/raw.js';

export interface SourceOptions {
  workbook?: string;
  sheet?: string;
}

export interface WiringOptions extends SourceOptions {
  /** `--out`: the embedded default's folder (documents, state, outbox, site). Default `out`. */
  readonly out?: string;
  /** `--site DIR`: the public site goes there instead of the bucket or `<out>/site`. */
  readonly site?: string;
  /** Whether the command sends mail (publish without --dry-run); otherwise no transport is set up. */
  readonly sends?: boolean;
  /** `--now`: the run's moment (local time in the workbook's zone); default the clock. */
  readonly now?: string;
}

/** What a command works with: the workbook as read once, and the adapters to carry a plan out. */
export interface Wiring {
  readonly source: WorkbookSource;
  readonly model: WorkbookModel;
  readonly problems: readonly Problem[];
  readonly raw: RawWorkbook;
  /** Whether the workbook is a Google Sheet (Drive, the Sheet's own tabs, Gmail). */
  readonly onGoogle: boolean;
  readonly documents: DocumentStore;
  readonly state: StateStore;
  readonly mail: MailTransport;
  /** Where the bilag files are read from: the workbook's folder, or Google Drive. */
  readonly bilag: AttachmentSource;
  /** Where the bilag copies and combined PDFs go: the output folder, or the meeting's Drive folders. */
  readonly bilagStore: BilagStore;
  /**
   * Where the public site goes; undefined when there is nowhere public (a Sheet without a bucket).
   * Asked only when the site is due, so a run whose site is held back never signs in for the bucket.
   */
  siteTarget(): Promise<SiteTarget | undefined>;
  /**
   * Citizens' e-mail subscriptions (issue 21), as `dagsorden serve` stores them: on the embedded
   * default the SQLite file under `<out>/.dagsorden/`; on Google the Sheet's tab Abonnenter, as the
   * workbook read already holds it (no call of its own).
   */
  readonly subscriptions?: { readonly description: string; readSubscriptions(): Promise<Subscription[]> };
  /** The store `dagsorden serve` keeps sign-ups in (the same place the job reads). */
  openSubscriptionStore(): Promise<SubscriptionStore & { close?(): void }>;
}

/** Under `--out`: PDFs made of office bilag, by checksum, so an unchanged bilag is not converted again. */
export const BILAG_PDF_CACHE = '.bilag-pdf';

/** Under `--out`, on Google: what was read of each Drive bilag, so a run with nothing to do reads no Drive file. */
export const DRIVE_BILAG_CACHE = '.drive-bilag.json';

/** DAGSORDEN_DRIVE_BILAG_MINUTES: how long a reading of a Drive bilag is trusted (a whole number of minutes). */
function recheckMinutes(env: NodeJS.ProcessEnv): number | undefined {
  const v = env.DAGSORDEN_DRIVE_BILAG_MINUTES?.trim();
  if (!v) return undefined;
  if (!/^\d+$/.test(v)) throw new UserError('config', `DAGSORDEN_DRIVE_BILAG_MINUTES="${v}" er ikke et antal minutter. Skriv fx 60, eller 0 for at læse Drive-bilagene ved hver kørsel.`);
  return Number(v);
}

/** `--sheet` / `--workbook`, else DAGSORDEN_SHEET / DAGSORDEN_WORKBOOK, else the bundled example. */
function chooseSource(opts: SourceOptions, env: NodeJS.ProcessEnv): { sheet: string } | { workbook: string } {
  if (opts.sheet && opts.workbook) throw new UserError('usage', 'Angiv enten --workbook eller --sheet, ikke begge.');
  // NOTE: an empty variable (`DAGSORDEN_SHEET=` in a crontab) counts as unset.
  const sheet = opts.sheet || (opts.workbook ? undefined : env.DAGSORDEN_SHEET?.trim() || undefined);
  if (sheet) return { sheet };
  return { workbook: opts.workbook || env.DAGSORDEN_WORKBOOK?.trim() || BUNDLED_WORKBOOK };
}

type MailChoice = 'outbox' | 'smtp' | 'gmail';

function mailChoice(env: NodeJS.ProcessEnv, onGoogle: boolean): MailChoice {
  const v = (env.DAGSORDEN_MAIL ?? (onGoogle ? 'gmail' : 'outbox')).toLowerCase();
  if (v === 'outbox' || v === 'smtp' || v === 'gmail') return v;
  throw new UserError('config', `DAGSORDEN_MAIL="${env.DAGSORDEN_MAIL}" kendes ikke. Skriv outbox, smtp eller gmail.`);
}

/** For commands that send nothing (validate, render, --dry-run): a send would be a bug. */
const NO_MAIL: MailTransport = {
  description: 'ingen (der sendes intet)',
  send: async () => {
    throw new Error('This command sends no mail.');
  },
};

/** Reads the workbook once and builds every adapter for it. */
export async function wire(opts: WiringOptions, env: NodeJS.ProcessEnv): Promise<Wiring> {
  const chosen = chooseSource(opts, env);
  const outDir = resolve(opts.out ?? 'out');
  let session: Promise<Google> | undefined;
  const google = (): Promise<Google> => (session ??= import('../google/client.js').then(({ openGoogle }) => openGoogle(env)));

  let source: WorkbookSource;
  if ('sheet' in chosen) {
    const { googleSheetSource } = await import('../google/sheets-read.js');
    source = googleSheetSource(chosen.sheet, google());
  } else {
    source = xlsxSource(chosen.workbook);
  }
  const onGoogle = 'sheet' in chosen;
  const read = await readAndValidate(source);
  // Bilag files beside the workbook (`Bilag | bilag/kort.pdf`); office files made PDF once per content,
  // kept under --out only by a run that publishes (validate and --dry-run write nothing).
  // On a Sheet: Drive files (links and smart chips), read once and then trusted for a while (the
  // cache under --out), so a run with nothing to do costs the one Sheet read.
  const soffice = findSoffice(env);
  let bilag: AttachmentSource;
  if ('sheet' in chosen) {
    const { driveAttachmentSource } = await import('../google/drive-attachments.js');
    const minutes = recheckMinutes(env);
    bilag = driveAttachmentSource({
      google: google(),
      spreadsheetId: (source as { spreadsheetId?: string }).spreadsheetId ?? chosen.sheet,
      cacheFile: join(outDir, DRIVE_BILAG_CACHE),
      pdfCacheDir: join(outDir, BILAG_PDF_CACHE),
      save: Boolean(opts.sends),
      ...(soffice ? { soffice } : {}),
      ...(minutes !== undefined ? { recheckMinutes: minutes } : {}),
    });
  } else {
    bilag = localAttachmentSource({ dir: dirname(resolve(chosen.workbook)), ...(soffice ? { soffice } : {}), ...(opts.sends ? { cacheDir: join(outDir, BILAG_PDF_CACHE) } : {}) });
  }
  const zone = read.model.settings.timeZone;
  const today = (opts.now ? DateTime.fromISO(opts.now, { zone }) : DateTime.now().setZone(zone)).toISODate() ?? undefined;
  const { model, problems: workbookProblems } = await readAttachmentFiles(read, read.raw, bilag, today ? { today } : {});
  const raw = read.raw;
  // Google mode: the subscribers as the one read returned them; a row that cannot be trusted is
  // left out and reported in Validering with its cell (scope `subscribers`: it holds back no one else).
  const onSheet = 'sheet' in chosen ? (await import('../google/subscribers.js')).parseSubscriberRows(raw.grids.get(SUBSCRIBERS_TAB.name)) : undefined;
  const problems = onSheet ? [...workbookProblems, ...onSheet.problems] : workbookProblems;

  let documents: DocumentStore;
  let state: StateStore;
  let bilagStore: BilagStore;
  if (onGoogle) {
    const { driveDocumentStore } = await import('../google/drive.js');
    const { driveCopyStore } = await import('../google/drive-copies.js');
    const { sheetsStateStore } = await import('../google/sheets-state.js');
    const { driveFolderMembers, driveFolderPublic, secretaryEmail } = model.settings;
    const drive = driveDocumentStore({
      google: google(),
      folders: { ...(driveFolderMembers ? { medlemmer: driveFolderMembers } : {}), ...(driveFolderPublic ? { offentlig: driveFolderPublic } : {}) },
      memberEmails: model.members.filter((m) => m.active && m.seesClosed).map((m) => m.email),
      // The previews' Kladder folder: the secretariat only.
      secretariat: secretaryEmail ? [secretaryEmail] : [],
    });
    documents = drive;
    // Bilag copies: in the meeting's edition folders, beside the documents, with the folders' sharing.
    bilagStore = driveCopyStore(drive);
    state = sheetsStateStore({ raw, google: google() });
  } else {
    documents = localDocumentStore(outDir);
    bilagStore = localBilagStore(outDir);
    state = localStateStore(outDir);
  }

  let mail = NO_MAIL;
  if (opts.sends) {
    const choice = mailChoice(env, onGoogle);
    if (choice === 'smtp') mail = smtpTransport(smtpOptionsFromEnv(env));
    else if (choice === 'outbox') mail = outboxTransport(join(outDir, 'outbox'));
    else {
      const { gmailTransport } = await import('../google/gmail.js');
      const g = await google();
      mail = gmailTransport(await g.gmail(), { policy: g.policy, ...(model.settings.sender ? { account: model.settings.sender } : {}) });
    }
  }

  // `--site DIR`, else the bucket in Hjemmeside-bucket, else (on the embedded default) `<out>/site`.
  const bucket = model.settings.siteBucket;
  const siteTarget = async (): Promise<SiteTarget | undefined> => {
    if (opts.site) return folderTarget(resolve(opts.site));
    if (bucket) {
      const { bucketTarget } = await import('../google/storage.js');
      return bucketTarget({ google: google(), bucket });
    }
    return onGoogle ? undefined : folderTarget(join(outDir, 'site'));
  };

  const subscriptionsFile = subscriptionsPath(outDir);
  const spreadsheetId = 'sheet' in chosen ? raw.sheet?.spreadsheetId : undefined;
  const subscriptions = onSheet
    ? { description: `fanen ${SUBSCRIBERS_TAB.name} i ${source.description}`, readSubscriptions: async (): Promise<Subscription[]> => onSheet.subscriptions }
    : {
        description: `abonnementsdatabasen ${subscriptionsFile}`,
        // NOTE: sql.js (WebAssembly) is loaded only when someone has signed up.
        readSubscriptions: async (): Promise<Subscription[]> => (existsSync(subscriptionsFile) ? (await import('../local/subscriptions.js')).readSubscriptions(subscriptionsFile) : []),
      };
  const openSubscriptionStore = async (): Promise<SubscriptionStore & { close?(): void }> => {
    if (spreadsheetId) {
      const { googleSubscriptionStore } = await import('../google/subscribers.js');
      return googleSubscriptionStore({ spreadsheetId, google: google() });
    }
    const { sqliteSubscriptionStore } = await import('../local/subscriptions.js');
    return sqliteSubscriptionStore(subscriptionsFile);
  };

  return { source, model, problems, raw, onGoogle, documents, state, mail, bilag, bilagStore, siteTarget, subscriptions, openSubscriptionStore };
}
