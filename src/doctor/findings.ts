// `dagsorden doctor`: what the probes found, turned into findings in Danish, each saying what to do.
// Pure: the probes (src/google/doctor-probe.ts and the command) gather the facts; this decides.

/** What the probes found. A part that could not be probed because an earlier one failed is absent. */
export interface ProbeResults {
  readonly credentials: { readonly ok: true; readonly source: string; readonly account?: string } | { readonly ok: false; readonly message: string };
  /** The scopes the access token carries, or why they could not be read. */
  readonly scopes?: { readonly granted: readonly string[] } | { readonly error: string };
  readonly neededScopes: readonly string[];
  /** The Sheet: undefined when none is configured. */
  readonly sheet?: { readonly ok: true; readonly id: string; readonly missingTabs: readonly string[]; readonly headerProblems: readonly string[]; readonly otherProblems: number } | { readonly ok: false; readonly id: string; readonly message: string };
  /** The Drive folders named in Indstillinger. */
  readonly folders?: readonly ({ readonly setting: string; readonly id: string; readonly ok: true; readonly name: string; readonly sharedWith: readonly string[] } | { readonly setting: string; readonly id: string; readonly ok: false; readonly status: number; readonly message: string })[];
  /** `Afsender` against the account's send-as addresses. */
  readonly sender?: { readonly address: string; readonly allowed: true } | { readonly address: string; readonly allowed: false; readonly status: number; readonly message: string };
  /** The site's bucket (Hjemmeside-bucket), when one is set. */
  readonly bucket?: { readonly name: string; readonly ok: true; readonly missing: readonly string[] } | { readonly name: string; readonly ok: false; readonly status: number; readonly message: string };
  readonly libreOffice: { readonly path: string } | undefined;
  /** The fonts the documents use, and whether fontconfig has each (or a metric-compatible one). */
  readonly fonts: readonly { readonly font: string; readonly found: boolean }[];
  /** The machine's clock against Google's (its clock minus Google's, in ms), or why it could not be compared. */
  readonly clock?: { readonly offsetMs: number } | { readonly error: string };
  /** The process's time zone and the workbook's Tidszone. */
  readonly timeZone: { readonly process: string; readonly workbook?: string };
}

export type FindingLevel = 'ok' | 'advarsel' | 'fejl';

export interface Finding {
  readonly level: FindingLevel;
  /** What was checked, e.g. `Adgang til Google`. */
  readonly topic: string;
  /** What was found and, unless all is well, what to do. */
  readonly text: string;
}

const SCOPE_NAMES: Record<string, string> = {
  'https://www.googleapis.com/auth/spreadsheets': 'Sheets (spreadsheets)',
  'https://www.googleapis.com/auth/drive.file': 'Drive (drive.file)',
  'https://www.googleapis.com/auth/drive.readonly': 'Drive-bilag (drive.readonly)',
  'https://www.googleapis.com/auth/gmail.compose': 'Gmail (gmail.compose)',
  'https://www.googleapis.com/auth/devstorage.read_write': 'Cloud Storage (devstorage.read_write)',
};

const ok = (topic: string, text: string): Finding => ({ level: 'ok', topic, text });
const warn = (topic: string, text: string): Finding => ({ level: 'advarsel', topic, text });
const fail = (topic: string, text: string): Finding => ({ level: 'fejl', topic, text });

export function doctorFindings(p: ProbeResults): Finding[] {
  const out: Finding[] = [];
  if (!p.credentials.ok) out.push(fail('Adgang til Google', p.credentials.message));
  else out.push(ok('Adgang til Google', `Fundet: ${p.credentials.source}${p.credentials.account ? ` (${p.credentials.account})` : ''}.`));

  if (p.scopes && 'error' in p.scopes) out.push(warn('Tilladelser (scopes)', `Kunne ikke læses (${p.scopes.error}). Kontrollér i Google Cloud Console, at kontoen har: ${p.neededScopes.map((s) => SCOPE_NAMES[s] ?? s).join(', ')}.`));
  else if (p.scopes) {
    const granted = p.scopes.granted;
    const missing = p.neededScopes.filter((s) => !granted.includes(s));
    out.push(
      missing.length
        ? fail('Tilladelser (scopes)', `Mangler: ${missing.map((s) => `${SCOPE_NAMES[s] ?? s} ${s}`).join(', ')}. Kør "dagsorden auth" igen og sæt flueben ved alle tilladelser, eller giv tjenestekontoen dem i Google Workspace Admin (Sikkerhed → API-kontroller → Domæneomfattende delegering).`)
        : ok('Tilladelser (scopes)', `Alle ${p.neededScopes.length} er givet.`),
    );
  }

  if (p.sheet && !p.sheet.ok) out.push(fail('Regnearket', `${p.sheet.id} kan ikke læses: ${p.sheet.message}`));
  else if (p.sheet) {
    if (p.sheet.missingTabs.length) out.push(fail('Regnearket', `Fanerne ${p.sheet.missingTabs.join(', ')} mangler i ${p.sheet.id}. Opret dem med de rigtige overskrifter (se README), eller lav et nyt ark med "dagsorden init-sheet".`));
    else if (p.sheet.headerProblems.length) out.push(fail('Regnearket', `Overskrifterne er ikke i orden: ${p.sheet.headerProblems.join(' ')}`));
    else out.push(ok('Regnearket', `${p.sheet.id} kan læses; faner og overskrifter er i orden.${p.sheet.otherProblems ? ` Der er ${p.sheet.otherProblems} andre problemer i arket: kør "dagsorden validate".` : ''}`));
  } else out.push(warn('Regnearket', 'Intet regneark er angivet. Sæt DAGSORDEN_SHEET til arkets id.'));

  for (const f of p.folders ?? []) {
    if (f.ok) out.push(ok(`Drive-mappe (${f.setting})`, `«${f.name}» kan nås; delt med ${f.sharedWith.length ? f.sharedWith.join(', ') : 'ingen'}.`));
    else
      out.push(
        fail(
          `Drive-mappe (${f.setting})`,
          f.status === 404
            ? `Mappen ${f.id} findes ikke eller kan ikke ses af kontoen. Med tilladelsen drive.file ser dagsorden kun mapper, den selv har oprettet: tøm «${f.setting}» i fanen Indstillinger, så opretter dagsorden mappen.`
            : `Mappen ${f.id} kan ikke nås (HTTP ${f.status}: ${f.message}).`,
        ),
      );
  }

  if (p.sender?.allowed) out.push(ok('Afsender', `${p.sender.address} må bruges som afsender.`));
  else if (p.sender)
    out.push(
      p.sender.status === 404
        ? fail('Afsender', `${p.sender.address} (Afsender i fanen Indstillinger) er ikke en "Send mail som"-adresse for kontoen. Tilføj den i Gmail → Indstillinger → Konti → Send mail som, eller ret Afsender.`)
        : warn('Afsender', `Kunne ikke kontrollere, om ${p.sender.address} må bruges som afsender (HTTP ${p.sender.status}: ${p.sender.message}). Kontrollér det i Gmail → Indstillinger → Konti → Send mail som.`),
    );

  if (p.bucket?.ok && p.bucket.missing.length === 0) out.push(ok('Hjemmeside-bucket', `${p.bucket.name} kan nås, og kontoen må lægge hjemmesiden dér.`));
  else if (p.bucket?.ok) out.push(fail('Hjemmeside-bucket', `${p.bucket.name} kan nås, men kontoen mangler ${p.bucket.missing.join(', ')} dér, så hjemmesiden kan ikke lægges op. Giv kontoen rollen Storage Object Admin på bucketten.`));
  else if (p.bucket) out.push(fail('Hjemmeside-bucket', `${p.bucket.name} kan ikke nås (HTTP ${p.bucket.status}: ${p.bucket.message}). Giv kontoen rollen Storage Object Admin på bucketten, eller ret «Hjemmeside-bucket».`));

  out.push(p.libreOffice ? ok('LibreOffice', `Fundet: ${p.libreOffice.path}.`) : fail('LibreOffice', 'Findes ikke, så der kan ikke laves PDF. Installér LibreOffice (fx "apt-get install libreoffice-writer"), eller sæt DAGSORDEN_SOFFICE til programmet soffice.'));
  for (const f of p.fonts) out.push(f.found ? ok('Skrifttype', `${f.font} (eller en med samme mål) er installeret.`) : warn('Skrifttype', `${f.font} er ikke installeret; PDF'en får en anden skrift og kan få andre sideskift. Installér fx "fonts-liberation".`));

  if (p.clock) out.push(clockFinding(p.clock));

  const tz = p.timeZone;
  if (tz.workbook && tz.workbook !== tz.process)
    out.push(ok('Tidszone', `Maskinen kører i ${tz.process}; arket bruger ${tz.workbook}. Det er i orden: dagsorden regner alle tider i arkets tidszone.`));
  else out.push(ok('Tidszone', `${tz.workbook ?? tz.process}.`));
  return out;
}

/** A minute either way is within what the Date header (whole seconds) and a scheduled run can tell. */
const CLOCK_TOLERANCE_MS = 60_000;
/**
 * Far off, Google may refuse a service account's signed sign-in ("Invalid JWT: … in a reasonable
 * timeframe"): five minutes is the margin commonly given; Google documents none.
 */
const CLOCK_LIMIT_MS = 5 * 60_000;

function clockFinding(clock: NonNullable<ProbeResults['clock']>): Finding {
  const fix = 'Sæt maskinens ur til at følge tid fra nettet (NTP, fx systemd-timesyncd eller chrony).';
  if ('error' in clock) return warn('Ur', `Kunne ikke sammenlignes med Googles (${clock.error}). ${fix}`);
  const off = Math.abs(clock.offsetMs);
  if (off <= CLOCK_TOLERANCE_MS) return ok('Ur', 'Maskinens ur går rigtigt (inden for et minut af Googles).');
  const amount = off < 120_000 ? `${Math.round(off / 1000)} sekunder` : `${Math.round(off / 60_000)} minutter`;
  const text = `Maskinens ur går ${amount} ${clock.offsetMs > 0 ? 'for stærkt' : 'for langsomt'} i forhold til Googles, så udsendelser går tilsvarende ${clock.offsetMs > 0 ? 'for tidligt' : 'for sent'}. ${fix}`;
  return off > CLOCK_LIMIT_MS ? fail('Ur', `${text} Så langt fra kan Google også afvise login'et.`) : warn('Ur', text);
}

/** Exit 0 when nothing is wrong (warnings allowed), 1 otherwise. */
export function doctorExitCode(findings: readonly Finding[]): number {
  return findings.some((f) => f.level === 'fejl') ? 1 : 0;
}

const MARK: Record<FindingLevel, string> = { ok: 'OK', advarsel: 'ADVARSEL', fejl: 'FEJL' };

export function formatFindings(findings: readonly Finding[]): string {
  const lines = findings.map((f) => `${MARK[f.level].padEnd(8)}  ${f.topic}: ${f.text}`);
  const errors = findings.filter((f) => f.level === 'fejl').length;
  lines.push('', errors ? `${errors} ${errors === 1 ? 'fejl' : 'fejl'} skal rettes, før den planlagte kørsel virker.` : 'Alt er klar til den planlagte kørsel.');
  return lines.join('\n');
}
