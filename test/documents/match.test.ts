// The in-order line matcher the PDF tests rely on: it must not be fooled into passing.

import { describe, expect, it } from 'vitest';
import { matchInOrder, normaliseReferenceLine, pdfStream } from './helpers.js';

const stream = (...pages: string[][]) => pdfStream(pages, (l) => /^Side \d+ af \d+$/.test(l));

describe('matchInOrder', () => {
  it('finds lines across wrapped PDF lines and pages, skipping the running footer', () => {
    const s = stream(['Punkt 1: CF - En lang', 'titel', 'Side 1 af 2'], ['Anledning', 'Tekst der fortsætter', 'over linjer.']);
    expect(matchInOrder(['Punkt 1: CF - En lang titel', 'Anledning', 'Tekst der fortsætter over linjer.'], s).count).toBe(3);
  });

  it('counts only lines in order, and the largest such set', () => {
    const s = stream(['A', 'B', 'C', 'D']);
    const r = matchInOrder(['B', 'A', 'C', 'D', 'X'], s);
    expect(r.count).toBe(3);
    expect(r.matched.slice(2)).toEqual([true, true, false]); // B or A, not both
  });

  it('a fixed phrase must be a whole line, not part of one', () => {
    const s = stream(['Bemærk Indstilling i teksten', 'Mere tekst']);
    expect(matchInOrder(['Indstilling'], s, () => true).count).toBe(0);
    expect(matchInOrder(['Indstilling'], s).count).toBe(1);
    expect(matchInOrder(['Indstilling'], stream(['Tekst', 'Indstilling', 'Mere']), () => true).count).toBe(1);
  });

  it('normalises the reference as the brief says', () => {
    expect(normaliseReferenceLine('# **Punkt 1: CF - Godkendelse**')).toBe('Punkt 1: CF - Godkendelse');
    expect(normaliseReferenceLine('Sak 3: CF - Skabelon for målplaner')).toBe('Punkt 3: CF - Skabelon for målplaner');
    expect(normaliseReferenceLine('Vedlegg')).toBe('Bilag');
    expect(normaliseReferenceLine('CF - Evt.....\t10')).toBe('CF - Evt 10');
    expect(normaliseReferenceLine('**Mødedato** Torsdag d. 04. marts 2021 kl. 09:00')).toBe('Mødedato Torsdag d. 04. marts 2021 kl. 09:00');
  });
});
