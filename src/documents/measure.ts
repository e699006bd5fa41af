// How wide a word is in the body font, to give table columns room for their longest word or number.
// Pure. NOTE: the widths are Helvetica's (Adobe's published metrics, in thousandths of an em), which
// Arial and Liberation Sans share by design; for another font they are an estimate, and the margin
// below covers the difference.

const REGULAR: Record<string, number> = {
  ' ': 278, '!': 278, '"': 355, '#': 556, $: 556, '%': 889, '&': 667, "'": 191, '(': 333, ')': 333, '*': 389, '+': 584, ',': 278, '-': 333, '.': 278, '/': 278,
  ':': 278, ';': 278, '<': 584, '=': 584, '>': 584, '?': 556, '@': 1015,
  A: 667, B: 667, C: 722, D: 722, E: 667, F: 611, G: 778, H: 722, I: 278, J: 500, K: 667, L: 556, M: 833, N: 722, O: 778, P: 667, Q: 778, R: 722, S: 667, T: 611,
  U: 722, V: 667, W: 944, X: 667, Y: 667, Z: 611, '[': 278, '\\': 278, ']': 278, '^': 469, _: 556, '`': 333,
  a: 556, b: 556, c: 500, d: 556, e: 556, f: 278, g: 556, h: 556, i: 222, j: 222, k: 500, l: 222, m: 833, n: 556, o: 556, p: 556, q: 556, r: 333, s: 500, t: 278,
  u: 556, v: 500, w: 722, x: 500, y: 500, z: 500, '{': 334, '|': 260, '}': 334, '~': 584,
  Æ: 1000, Ø: 778, Å: 667, æ: 889, ø: 611, å: 556, é: 556, ü: 556, ö: 556, ä: 556, Ö: 778, Ü: 722, Ä: 667, '–': 556, '—': 1000, '€': 556, '§': 556, '½': 834,
};

const BOLD: Record<string, number> = {
  ...REGULAR,
  '!': 333, '"': 474, '&': 722, "'": 238, ':': 333, ';': 333, '?': 611, '@': 975,
  A: 722, B: 722, D: 722, E: 667, F: 611, G: 778, H: 722, J: 556, K: 722, L: 611, M: 833, N: 722, O: 778, P: 667, Q: 778, R: 722, S: 667, T: 611, U: 722, V: 667,
  a: 556, b: 611, c: 556, d: 611, e: 556, f: 333, g: 611, h: 611, i: 278, j: 278, k: 556, l: 278, m: 889, n: 611, o: 611, p: 611, q: 611, r: 389, s: 556, t: 333,
  u: 611, v: 556, w: 778, x: 556, y: 556, z: 500, ø: 611, å: 556, æ: 889,
};

const DIGIT = 556; // every digit is as wide as the others, in both faces

/** Width of `text` in twips at `halfPoints` (Word's w:sz), with a margin of 5 % for other fonts. */
export function textWidthTwips(text: string, halfPoints: number, bold = false): number {
  const table = bold ? BOLD : REGULAR;
  let em = 0;
  for (const ch of text) em += /\d/.test(ch) ? DIGIT : (table[ch] ?? (bold ? 611 : 556));
  // thousandths of an em at halfPoints/2 points; 20 twips a point
  return Math.ceil(((em / 1000) * (halfPoints / 2) * 20) * 1.05);
}

/** The words and numbers of a text that a line may not break inside. */
export function unbreakableTokens(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
