// `dagsorden doctor`: the preflight for IT. Asks Google and the machine, without sending or
// publishing anything, whether a scheduled `dagsorden publish` would work, and prints each finding
// in Danish with what to do (src/doctor/findings.ts decides; this file only gathers the facts).

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { INPUT_TABS } from '../../sheets-schema/schema.js';
import { doctorExitCode, doctorFindings, formatFindings, type ProbeResults } from '../doctor/findings.js';
import { findSoffice } from '../documents/pdf.js';
import { loadTemplate } from '../documents/template.js';
import { UserError } from '../errors.js';
import type { Google } from '../google/client.js';
import type { Settings } from '../model.js';

export interface DoctorOptions {
  readonly sheet?: string;
}

export interface DoctorIo {
  readonly out: (s: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** A session to use instead of signing in from the environment (tests). */
  readonly google?: Google;
  /** The machine's clock, in ms since 1970 (tests); by default `Date.now`. */
  readonly clock?: () => number;
  /** `fc-match`'s answer for a font family (tests); by default fontconfig is asked. */
  readonly matchFont?: (family: string) => Promise<string | undefined>;
}

/** Fonts LibreOffice puts in place of the Office fonts, with the same metrics (so the same line breaks). */
const SAME_METRICS: Record<string, string> = { Arial: 'Liberation Sans', 'Times New Roman': 'Liberation Serif', 'Courier New': 'Liberation Mono', Calibri: 'Carlito', Cambria: 'Caladea' };

async function fcMatch(family: string): Promise<string | undefined> {
  try {
    const { stdout } = await promisify(execFile)('fc-match', ['-f', '%{family}', family]);
    return stdout.split(',')[0]?.trim();
  } catch {
    return undefined;
  }
}

const defaultIo: DoctorIo = { out: (s) => process.stdout.write(s + '\n'), env: process.env };

export async function runDoctor(opts: DoctorOptions, io: DoctorIo = defaultIo): Promise<number> {
  const { GOOGLE_SCOPES, openGoogle } = await import('../google/client.js');
  const probes = await import('../google/doctor-probe.js');
  const env = io.env;

  let google: Google | undefined = io.google;
  let credentials: ProbeResults['credentials'];
  try {
    google ??= await openGoogle(env);
    credentials = { ok: true, source: google.auth.source, ...(google.auth.account ? { account: google.auth.account } : {}) };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    credentials = { ok: false, message: e.message };
  }

  const sheetId = opts.sheet ?? env.DAGSORDEN_SHEET;
  let settings: Settings | undefined;
  let results: Omit<ProbeResults, 'libreOffice' | 'fonts' | 'timeZone'> = { credentials, neededScopes: GOOGLE_SCOPES };
  if (google) {
    results = { ...results, scopes: await probes.probeScopes(google) };
    // NOTE: the machine's time is taken when Google's answer is in: its Date header is the time Google
    // answered, a moment (and at most a second of rounding) before.
    const googleTime = await probes.probeGoogleTime(google);
    results = { ...results, clock: 'error' in googleTime ? googleTime : { offsetMs: (io.clock ?? Date.now)() - googleTime.time } };
    if (sheetId) {
      const { googleSheetSource } = await import('../google/sheets-read.js');
      const { readAndValidate } = await import('../validate/index.js');
      try {
        const { raw, model, problems } = await readAndValidate(googleSheetSource(sheetId, google));
        settings = model.settings;
        const missingTabs = INPUT_TABS.map((t) => t.name).filter((name) => !raw.grids.has(name));
        const headerProblems = problems.filter((p) => p.scope.kind === 'workbook').map((p) => `${p.tab}${p.cell ? `!${p.cell}` : ''}: ${p.message}`);
        results = { ...results, sheet: { ok: true, id: sheetId, missingTabs, headerProblems, otherProblems: problems.length - headerProblems.length } };
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        results = { ...results, sheet: { ok: false, id: sheetId, message: e.message } };
      }
    }
    if (settings) {
      const folders: NonNullable<ProbeResults['folders']>[number][] = [];
      for (const [setting, id] of [
        ['Drive-mappe medlemmer', settings.driveFolderMembers],
        ['Drive-mappe offentlig', settings.driveFolderPublic],
      ] as const) {
        if (id) folders.push({ setting, id, ...(await probes.probeFolder(google, id)) });
      }
      results = { ...results, folders };
      if (settings.sender) {
        const { senderOf } = await import('../delivery/mail/compose.js');
        let address: string | undefined;
        try {
          address = senderOf(settings).email;
        } catch {
          address = undefined; // validate reports a malformed Afsender already
        }
        if (address) results = { ...results, sender: { address, ...(await probes.probeSendAs(google, address)) } };
      }
      if (settings.siteBucket) results = { ...results, bucket: { name: settings.siteBucket, ...(await probes.probeBucket(google, settings.siteBucket)) } };
    }
  }

  const soffice = findSoffice(env);
  const template = await loadTemplate(env.DAGSORDEN_TEMPLATES || undefined);
  const match = io.matchFont ?? fcMatch;
  const font = template.organisation.font;
  const matched = await match(font);
  const fonts = [{ font, found: matched !== undefined && (matched === font || matched === SAME_METRICS[font]) }];
  const processZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const findings = doctorFindings({
    ...results,
    libreOffice: soffice ? { path: soffice } : undefined,
    fonts,
    timeZone: { process: processZone, ...(settings?.timeZone ? { workbook: settings.timeZone } : {}) },
  });
  io.out(formatFindings(findings));
  return doctorExitCode(findings);
}
