import { describe, expect, it } from 'vitest';
import { foldLatin, foldTokens, transliterate } from '../../src/understanding/fold.ts';
import { withinEdits } from '../../src/understanding/classifier.ts';

const key = (s: string) => foldTokens(s).join(' ');

describe('folding a citizen’s spelling to one key', () => {
  it('brings the spellings of one Hindi word, in either script, to the same key', () => {
    for (const w of ['शिकायत', 'शिकायात', 'shikayat', 'sikayat', 'shikaayat', 'SHIKAYAT']) expect(key(w), w).toBe('sikayat');
    expect(key('बिजली का बिल ज़्यादा आया है')).toBe(key('bijli ka bill zyada aaya hai'));
    expect(key('नॉमिनी')).toBe(key('nominee'));
    expect(key('बदलना')).toBe(key('badalna'));
  });

  it('reads a nukta letter as its base letter, chandrabindu as anusvara, and long and short i/u alike', () => {
    expect(key('ज़्यादा')).toBe(key('ज्यादा'));
    expect(key('फ़ोन')).toBe(key('फोन'));
    // Precomposed nukta (U+095B) and base + combining nukta (U+091C U+093C).
    expect(key('\u095B')).toBe(key('\u091C\u093C'));
    expect(key('हाँ')).toBe(key('हां'));
    expect(key('कीमत')).toBe(key('किमत'));
    expect(key('पूरा')).toBe(key('पुरा'));
  });

  it('folds romanised variants: aspirates, w/v, z/j, ee/i, oo/u, doubled letters, a trailing nasal', () => {
    expect(foldLatin('wapas')).toBe(foldLatin('vapas'));
    expect(foldLatin('zyada')).toBe(foldLatin('jyada'));
    expect(foldLatin('bhai')).toBe(foldLatin('bai'));
    expect(foldLatin('nahin')).toBe(foldLatin('nahi'));
    expect(foldLatin('bill')).toBe('bil');
    expect(foldLatin('phone')).toBe(foldLatin('fone'));
    expect(foldLatin('nominee')).toBe('nomini');
  });

  it('reads Devanagari digits as ASCII digits and drops punctuation', () => {
    expect(foldTokens('स्थिति GRV-२०२६-१२३।')).toEqual(['stiti', 'grv', '2026', '123']);
  });

  it('drops the silent final vowel of a Devanagari word but keeps a written one', () => {
    expect(transliterate('बिल')).toBe('bil');
    expect(transliterate('का')).toBe('ka');
    expect(transliterate('न')).toBe('na');
  });

  it('measures typos by edits, an adjacent swap counting once', () => {
    expect(withinEdits('sikayat', 'sikyat', 1)).toBe(true);
    expect(withinEdits('complent', 'compelnt', 1)).toBe(true);
    expect(withinEdits('officer', 'ofcr', 2)).toBe(false);
  });
});
