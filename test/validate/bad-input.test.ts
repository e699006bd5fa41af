// Table-driven bad input: each case is its own small workbook, and asserts the exact cell and Danish
// message. Read in memory; the cases marked `throughXlsx` also through a real .xlsx file.

import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ITEMS_TAB } from '../../sheets-schema/schema.js';
import { cases, failClosedCases, item, meeting, type Case } from '../helpers/bad-cases.js';
import { problemLocation, type Validated } from '../../src/model.js';
import { readAndValidate, validateWorkbook } from '../../src/validate/index.js';
import { wallClock } from '../../src/local/xlsx-write.js';
import { xlsxSource } from '../../src/local/xlsx.js';
import { baseline, rawTestWorkbook, time, writeTestWorkbook, type TestWorkbook } from '../helpers/workbook.js';

/** The workbook as validation sees it, built in memory. */
const validated = (wb: TestWorkbook): Validated => validateWorkbook(rawTestWorkbook(wb));
/** The same workbook written to an .xlsx file and read back. */
const validatedThroughXlsx = async (wb: TestWorkbook): Promise<Validated> => readAndValidate(xlsxSource(await writeTestWorkbook(wb)));

function problemsOf(wb: TestWorkbook): [string, string][] {
  return validated(wb).problems.map((p) => [problemLocation(p), p.message]);
}

function expectCase(validated: Validated, { expected, scopes, model, modelValue }: Case): void {
  expect(validated.problems.map((p) => [problemLocation(p), p.message])).toEqual(expected);
  if (scopes) expect(validated.problems.map((p) => p.scope.kind)).toEqual(scopes);
  if (model) expect(model(validated.model)).toBe(modelValue);
}

describe('bad input: one workbook per case, exact cell and Danish message', () => {
  it('has at least 30 cases', () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it('the baseline has no problems', () => {
    expect(problemsOf(baseline())).toEqual([]);
  });

  it.each(cases)('$name', (c) => {
    const wb = baseline();
    c.change(wb);
    expectCase(validated(wb), c);
  });
});

describe('bad input through a real .xlsx file', () => {
  const throughXlsx = cases.filter((c) => c.throughXlsx);

  it('covers date and time cells, merges, formulas without a value, error cells and line breaks', () => {
    expect(throughXlsx.length).toBeGreaterThanOrEqual(5);
  });

  it('the baseline has no problems', async () => {
    expect((await validatedThroughXlsx(baseline())).problems).toEqual([]);
  });

  it.each(throughXlsx)('$name', async (c) => {
    const wb = baseline();
    c.change(wb);
    expectCase(await validatedThroughXlsx(wb), c);
  });
});

describe('fail closed (issue 9)', () => {
  it('has at least 30 new cases', () => expect(failClosedCases.length).toBeGreaterThanOrEqual(30));

  it('every message says what to do', () => {
    for (const c of cases) for (const [, message] of c.expected) expect(message).toMatch(/(^|[\s:(])(ret|skriv|tilføj|slet|giv|vælg|opret|ophæv|kort|brug|nummerér|gør|mente du|omdøb)\s/i);
  });

  it('a 10,000-deep cell is refused at its cell without reaching the Markdown parser', () => {
    const wb = baseline();
    item(wb, 2).Sagsfremstilling = '> '.repeat(10_000) + 'x';
    const { problems, model } = validated(wb);
    expect(problems.map((p) => problemLocation(p))).toEqual(['Punkter!J3']);
    // The item is left out, so no document builder ever parses the cell.
    expect(model.meetings[0]!.items.map((i) => i.number)).toEqual([1]);
  });

  it('unsafe links are plain text in the model tree, safe ones stay links', async () => {
    const { parseRichText } = await import('../../src/validate/richtext.js');
    const tree = parseRichText('[a](https://example.org) [b](javascript:alert(1)) <file:///etc/passwd> [c][ref] ![d](data:x) [e](mailto:a@example.org)\n\n[ref]: ./lokal.pdf').tree;
    const found: { type: string; url?: string; value?: string }[] = [];
    const walk = (n: { type: string; url?: string; value?: string; children?: unknown[] }): void => {
      found.push(n);
      for (const c of (n.children ?? []) as (typeof n)[]) walk(c);
    };
    walk(tree);
    expect(found.filter((n) => ['link', 'image', 'linkReference', 'imageReference', 'definition'].includes(n.type)).map((n) => n.url)).toEqual(['https://example.org', 'mailto:a@example.org']);
    const text = found.filter((n) => n.type === 'text').map((n) => n.value).join('');
    expect(text).toContain('b');
    expect(text).toContain('file:///etc/passwd');
  });
});

describe('many problems at once', () => {
  it('reports every problem in one run, sorted by tab and cell', () => {
    const wb = baseline();
    for (const c of [cases[0]!, cases[3]!, cases[17]!, cases[30]!, cases[8]!, cases[24]!]) c.change(wb);
    const got = problemsOf(wb);
    expect(got.map(([loc]) => loc)).toEqual(['Møder!C2', 'Møder!G2', 'Punkter!F2', 'Punkter!E3', 'Punkter!G3', 'Medlemmer!C3']);
  });

  it('holds back only the meeting a problem belongs to', () => {
    const wb = baseline();
    wb.meetings.push({ 'Møde-id': 'CF-2022-04-07', Forum: 'Chefforum', Dato: wallClock('2022-04-07'), Start: time('09:00'), Mødested: 'Teams', Status: 'Planlagt' });
    wb.items.push({ 'Møde-id': 'CF-2022-04-07', Nr: 1, Titel: 'Eventuelt', 'Sagsnr.': 'forkert' });
    const { model, problems } = validated(wb);
    expect(problems.map((p) => p.scope)).toEqual([{ kind: 'meeting', meetingId: 'CF-2022-04-07' }]);
    expect(model.meetings.map((m) => m.id)).toEqual(['CF-2022-03-24', 'CF-2022-04-07']);
  });
});

describe('what is accepted', () => {
  it.each([
    ['date cell', wallClock('2022-03-24')],
    ['serial number', 44644],
    ['24-03-2022', '24-03-2022'],
    ['24.03.2022', '24.03.2022'],
    ['2022-03-24', '2022-03-24'],
  ])('dates as %s', (_, value) => {
    const wb = baseline();
    meeting(wb).Dato = value;
    const { model, problems } = validated(wb);
    expect(problems).toEqual([]);
    expect(model.meetings[0]!.date).toBe('2022-03-24');
  });

  it.each([
    ['time cell', time('09:00')],
    ['serial fraction', 0.375],
    ['9.00', '9.00'],
    ['09:00', '09:00'],
    ['9:00', '9:00'],
  ])('times as %s', (_, value) => {
    const wb = baseline();
    meeting(wb).Start = value;
    const { model, problems } = validated(wb);
    expect(problems).toEqual([]);
    expect(model.meetings[0]!.start).toBe('09:00');
  });

  it.each([['Ja', true], ['x', true], [true, true], ['TRUE', true], ['Nej', false], [false, false], ['FALSE', false], [null, false]])('Lukket %s', (value, closed) => {
    const wb = baseline();
    item(wb, 2).Lukket = value;
    const { model, problems } = validated(wb);
    expect(problems).toEqual([]);
    expect(model.meetings[0]!.items[1]!.closed).toBe(closed);
  });

  it('skips empty rows, ignores extra columns and finds reordered columns by header', () => {
    const wb = baseline();
    wb.items.splice(1, 0, {});
    wb.items[0]!['Min egen note'] = 'ignoreres';
    const reordered = [...ITEMS_TAB.columns.map((c) => c.header)].reverse();
    wb.headers = { Punkter: [...reordered, 'Min egen note'] };
    const { model, problems } = validated(wb);
    expect(problems).toEqual([]);
    expect(model.meetings[0]!.items.map((i) => [i.number, i.title, i.row])).toEqual([
      [1, 'Godkendelse af dagsorden', 2],
      [2, 'Budgetproces 2023', 4],
    ]);
  });

  it('parses rich text into a Markdown tree, and recommendations into points', () => {
    const wb = baseline();
    item(wb, 2).Sagsfremstilling = '### Baggrund\n\nFørste linje\nanden linje\n\n- punkt a\n- punkt b\n\n| Opgave | Tid brugt |\n| --- | --- |\n| Møder | 2 t |';
    item(wb, 2).Indstiller = 'Kommunaldirektøren';
    item(wb, 2).Indstilling = '1. at budgettet drøftes.\n2) at tidsplanen godkendes.\nat der følges op.';
    const { model } = validated(wb);
    const it2 = model.meetings[0]!.items[1]!;
    expect(it2.presentation!.tree.children.map((n) => n.type)).toEqual(['heading', 'paragraph', 'list', 'table']);
    expect(it2.recommendation).toEqual(['at budgettet drøftes.', 'at tidsplanen godkendes.', 'at der følges op.']);
  });
});

describe('reading never writes', () => {
  it('leaves the workbook file byte for byte as it was', async () => {
    const wb = baseline();
    cases[0]!.change(wb);
    const path = await writeTestWorkbook(wb);
    const before = { hash: createHash('sha256').update(await readFile(path)).digest('hex'), mtime: (await stat(path)).mtimeMs };
    await readAndValidate(xlsxSource(path));
    const after = { hash: createHash('sha256').update(await readFile(path)).digest('hex'), mtime: (await stat(path)).mtimeMs };
    expect(after).toEqual(before);
  });
});
