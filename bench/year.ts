// A generated year of meetings (25 meetings × 12 items) with realistic case texts, for benchmarks.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PACKAGE_ROOT } from '../src/package-paths.js';
import { wallClock, writeWorkbookFile, type WritableCell } from '../src/local/xlsx-write.js';

type Row = Record<string, WritableCell>;

/** Item rows of the bundled example, used as realistic texts. */
async function sampleItems(): Promise<Record<string, unknown>[]> {
  const dir = join(PACKAGE_ROOT, 'examples', 'chefforum');
  const out: Record<string, unknown>[] = [];
  for (const f of ['CF-2022-03-24.yaml', 'CF-2022-11-09.yaml', 'CF-2021-03-04.yaml']) {
    const doc = parse(await readFile(join(dir, f), 'utf8')) as { punkter: Record<string, unknown>[] };
    out.push(...doc.punkter.filter((p) => p.Beslutning));
  }
  return out;
}

export async function generateYear(meetingCount = 25, itemsPerMeeting = 12): Promise<{ Møder: Row[]; Punkter: Row[]; Medlemmer: Row[]; Indstillinger: Row[] }> {
  const samples = await sampleItems();
  const meetings: Row[] = [];
  const items: Row[] = [];
  const start = wallClock('2026-01-08').getTime();
  for (let m = 0; m < meetingCount; m++) {
    const date = new Date(start + m * 14 * 86_400_000).toISOString().slice(0, 10);
    const id = `CF-${date}`;
    meetings.push({ 'Møde-id': id, Forum: 'Chefforum', Dato: wallClock(date), Start: wallClock('1899-12-30', '09:00'), Slut: wallClock('1899-12-30', '13:00'), Mødested: 'Mødelokale 1', Status: m % 2 ? 'Referat klar' : 'Dagsorden klar' });
    for (let i = 0; i < itemsPerMeeting; i++) {
      const s = samples[(m * itemsPerMeeting + i) % samples.length]!;
      const from = 9 * 60 + i * 20;
      const slot = `${Math.floor(from / 60)}.${String(from % 60).padStart(2, '0')}-${Math.floor((from + 20) / 60)}.${String((from + 20) % 60).padStart(2, '0')}`;
      items.push({
        'Møde-id': id,
        Nr: i + 1,
        Præfiks: 'CF',
        Titel: String(s.Titel),
        Tidsrum: slot,
        'Sagsnr.': String(s['Sagsnr.']),
        Lukket: i === 5 ? 'Ja' : 'Nej',
        Anledning: (s.Anledning as string) ?? null,
        Sagsfremstilling: (s.Sagsfremstilling as string) ?? null,
        Indstiller: (s.Indstiller as string) ?? null,
        Indstilling: (s.Indstilling as string) ?? null,
        Historik: (s.Historik as string) ?? null,
        Beslutning: (s.Beslutning as string) ?? null,
        Bilag: (s.Bilag as string) ?? null,
      });
    }
  }
  const members: Row[] = Array.from({ length: 12 }, (_, i) => ({ Navn: `Medlem ${i + 1}`, 'E-mail': `medlem${i + 1}@example.org`, 'Ser lukkede punkter': i % 2 ? 'Ja' : 'Nej' }));
  return { Møder: meetings, Punkter: items, Medlemmer: members, Indstillinger: [{ Nøgle: 'Afsender', Værdi: 'Sekretariatet <chefforum@example.org>' }] };
}

export async function writeYearWorkbook(path: string): Promise<void> {
  await writeWorkbookFile(path, { tabs: await generateYear() });
}
