// The fail-closed guards on their own: the nesting count that runs before any Markdown parser, the
// link scan, and the identity of ids and addresses. Ordinary cells must pass; hostile ones must not.

import { describe, expect, it } from 'vitest';
import { hasControlCharacter, hasHiddenDifference, identityKey, MAX_NESTING, nestingDepth, unsafeLink } from '../../src/validate/guard.js';
import { parseRichText } from '../../src/validate/richtext.js';

const nestedList = (levels: number) => Array.from({ length: levels }, (_, i) => `${'  '.repeat(i)}- niveau ${i + 1}`).join('\n');

describe('nestingDepth', () => {
  it.each([
    ['plain text', 'Chefforum drøfter budgetproces 2023.', 0],
    ['a flat list', '- a\n- b\n- c', 1],
    ['a numbered list', '1. at budgettet drøftes.\n2) at tidsplanen godkendes.', 1],
    ['bold and italics, closed', 'Det er **vigtigt** og *hastende*, se _bilag_.', 1],
    ['a multiplication is no emphasis', 'Der er 5 * 3 pladser, og 2*4 stole.', 1],
    ['a pipe table', '| Opgave | Tid |\n| --- | --- |\n| **Møder** | 2 t |', 1],
    ['a quoted list', '> - citeret punkt\n> - og et til', 2],
    ['a thematic break', 'Tekst\n\n- - -\n\nMere tekst', 2],
    ['a list nested three deep by indentation', nestedList(3), 3],
  ])('%s: %d', (_, text, depth) => {
    expect(nestingDepth(text)).toBe(depth);
  });

  it.each([
    ['quotes', '> '.repeat(25) + 'x'],
    ['list markers on one line', '- '.repeat(25) + 'x'],
    ['numbered markers on one line', '1. '.repeat(25) + 'x'],
    ['a list nested by indentation', nestedList(25)],
    ['emphasis openers', '*a '.repeat(25) + 'x' + ' a*'.repeat(25)],
    ['brackets', '['.repeat(25) + 'x' + ']'.repeat(25)],
  ])('refuses %s beyond the limit', (_, text) => {
    expect(nestingDepth(text)).toBeGreaterThan(MAX_NESTING);
  });

  it('unclosed emphasis does not carry over a blank line', () => {
    const paragraphs = Array.from({ length: 40 }, (_, i) => `*punkt ${i}`).join('\n\n');
    expect(nestingDepth(paragraphs)).toBe(1);
  });

  it('stops counting once past the limit (a 100,000-deep cell is one short pass)', () => {
    expect(nestingDepth('> '.repeat(100_000))).toBe(MAX_NESTING + 1);
  });

  it('what it accepts at the limit, the Markdown parser builds without overflowing', () => {
    const quotes = '> '.repeat(MAX_NESTING) + 'x';
    expect(nestingDepth(quotes)).toBe(MAX_NESTING);
    let depth = 0;
    let node: { children?: unknown[] } = parseRichText(quotes).tree;
    while (node.children?.length) {
      node = node.children[0] as { children?: unknown[] };
      depth++;
    }
    expect(depth).toBe(MAX_NESTING + 2); // the quotes, then a paragraph and its text
  });
});

describe('unsafeLink', () => {
  it.each([
    ['https link', 'Se [planen](https://example.org/plan.pdf).', undefined],
    ['http link', 'Se [planen](http://example.org/plan.pdf).', undefined],
    ['mailto link', 'Skriv til [sekretariatet](mailto:cf@example.org).', undefined],
    ['bare e-mail autolink', 'Skriv til <cf@example.org>.', undefined],
    ['an html tag', 'Tekst med <span style="a:b">html</span>.', undefined],
    ['javascript', '[klik](javascript:alert(1))', 'javascript:alert(1'],
    ['file autolink', '<file:///etc/passwd>', 'file:///etc/passwd'],
    ['data image', '![x](data:image/png;base64,AAAA)', 'data:image/png;base64,AAAA'],
    ['relative path', '[bilag](bilag/plan.pdf)', 'bilag/plan.pdf'],
    ['a reference definition', '[bilag][1]\n\n[1]: file:///srv/x.pdf', 'file:///srv/x.pdf'],
    ['upper-case scheme still safe', '[a](HTTPS://EXAMPLE.ORG)', undefined],
  ])('%s', (_, text, found) => {
    expect(unsafeLink(text)).toBe(found);
  });
});

describe('identity of ids and addresses', () => {
  it.each([
    ['case', 'CF-2022-03-24', 'cf-2022-03-24'],
    ['white space', 'CF-2022-03-24', ' CF-2022-03-24 '],
    ['a zero-width space', 'CF-2022-03-24', 'CF-2022\u200b-03-24'],
    ['a soft hyphen', 'Chefforum', 'Chef\u00adforum'],
    ['normalisation (å composed or not)', 'Bestyrelsesmøde-Åbent', 'Bestyrelsesmøde-A\u030abent'],
    ['full-width letters', 'CF1', 'ＣＦ１'],
  ])('%s does not make two ids different', (_, a, b) => {
    expect(identityKey(a)).toBe(identityKey(b));
    expect(a === b).toBe(false);
  });

  it('different ids stay different', () => {
    expect(identityKey('CF-2022-03-24')).not.toBe(identityKey('CF-2022-03-25'));
  });

  it('finds hidden differences and control characters', () => {
    expect(hasHiddenDifference('Chef\u200bforum')).toBe(true);
    expect(hasHiddenDifference('Chefforum')).toBe(false);
    expect(hasHiddenDifference('Chef forum')).toBe(false);
    expect(hasControlCharacter('CF\nATTENDEE:x')).toBe(true);
    expect(hasControlCharacter('CF\u2028x')).toBe(true);
    expect(hasControlCharacter('Mødelokale 1')).toBe(false);
  });
});
