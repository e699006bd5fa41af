// Formats validation results for the terminal, in Danish.

import { DateTime } from 'luxon';
import { problemLocation, type Problem, type WorkbookModel } from '../model.js';

export function formatProblems(problems: readonly Problem[]): string {
  if (problems.length === 0) return 'Ingen problemer i regnearket.';
  const width = Math.max(...problems.map((p) => problemLocation(p).length));
  const head = problems.length === 1 ? 'Fandt 1 problem i regnearket:' : `Fandt ${problems.length} problemer i regnearket:`;
  return [head, ...problems.map((p) => `  ${problemLocation(p).padEnd(width)}  ${p.message}`)].join('\n');
}

export function formatSummary(model: WorkbookModel): string {
  const items = model.meetings.reduce((n, m) => n + m.items.length, 0);
  const lines = [`${model.meetings.length} møder, ${items} punkter, ${model.members.length} medlemmer.`];
  for (const m of model.meetings) {
    const day = DateTime.fromISO(m.date, { locale: 'da' }).toFormat('cccc dd-MM-yyyy');
    const closed = m.items.filter((i) => i.closed).length;
    lines.push(`  ${m.id.padEnd(16)} ${day} kl. ${m.start}  ${m.place}  ${m.status}  ${m.items.length} punkter${closed ? ` (${closed} lukket)` : ''}`);
  }
  return lines.join('\n');
}
