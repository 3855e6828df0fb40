import { toAsciiDigits } from '../text/normalize.ts';

/**
 * One spelling per word, whatever the script. Citizens write the same Hindi word as शिकायत,
 * शिकायात, shikayat, sikayat or shikaayat, and the same English word with a typo. Every token is
 * brought to a rough phonetic key: Devanagari is transliterated to Latin (nukta dropped,
 * chandrabindu read as anusvara, long and short i/u alike, the inherent vowel dropped where
 * Hindi drops it), then the Latin spelling variants of romanised Hindi are folded (sh/s, aa/a,
 * ee/i, w/v, z/j, aspirates, doubled letters). The key is for matching only, never shown.
 */

const VIRAMA = '\u094D';
const NUKTA = '\u093C';
const CONSONANTS: Record<string, string> = {
  क: 'k', ख: 'kh', ग: 'g', घ: 'gh', ङ: 'n', च: 'ch', छ: 'chh', ज: 'j', झ: 'jh', ञ: 'n',
  ट: 't', ठ: 'th', ड: 'd', ढ: 'dh', ण: 'n', त: 't', थ: 'th', द: 'd', ध: 'dh', न: 'n',
  प: 'p', फ: 'ph', ब: 'b', भ: 'bh', म: 'm', य: 'y', र: 'r', ल: 'l', व: 'v', श: 'sh',
  ष: 'sh', स: 's', ह: 'h', ळ: 'l',
  // Precomposed nukta letters read as their base letter (ज़ → j, फ़ → ph → f, ड़ → d).
  '\u0958': 'k', '\u0959': 'kh', '\u095A': 'g', '\u095B': 'j', '\u095C': 'd', '\u095D': 'dh', '\u095E': 'ph', '\u095F': 'y',
};
const MATRAS: Record<string, string> = {
  'ा': 'a', 'ि': 'i', 'ी': 'i', 'ु': 'u', 'ू': 'u', 'ृ': 'ri', 'े': 'e', 'ै': 'ai', 'ो': 'o', 'ौ': 'au',
  'ॅ': 'e', 'ॉ': 'o', 'ॆ': 'e', 'ॊ': 'o',
};
const VOWELS: Record<string, string> = {
  अ: 'a', आ: 'a', इ: 'i', ई: 'i', उ: 'u', ऊ: 'u', ऋ: 'ri', ए: 'e', ऐ: 'ai', ओ: 'o', औ: 'au', ऑ: 'o', ऍ: 'e',
};
/** Anusvara and chandrabindu are one nasal; visarga is dropped. */
const NASAL = new Set(['ं', 'ँ']);

interface Akshara {
  c: string;
  /** The vowel written or inherent; null after a virama. */
  v: string | null;
  inherent: boolean;
  nasal: boolean;
}

/** A Devanagari word in Latin letters, with Hindi's schwa deletion approximated. */
export function transliterate(word: string): string {
  const units: Akshara[] = [];
  const chars = [...word.replace(new RegExp(NUKTA, 'g'), '')];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const next = chars[i + 1];
    if (CONSONANTS[ch] !== undefined) {
      if (next === VIRAMA) {
        units.push({ c: CONSONANTS[ch], v: null, inherent: false, nasal: false });
        i++;
      } else if (next !== undefined && MATRAS[next] !== undefined) {
        units.push({ c: CONSONANTS[ch], v: MATRAS[next], inherent: false, nasal: false });
        i++;
      } else units.push({ c: CONSONANTS[ch], v: 'a', inherent: true, nasal: false });
    } else if (VOWELS[ch] !== undefined) units.push({ c: '', v: VOWELS[ch], inherent: false, nasal: false });
    else if (NASAL.has(ch)) {
      const last = units[units.length - 1];
      if (last) last.nasal = true;
    } else if (/[a-z0-9]/.test(ch)) units.push({ c: ch, v: null, inherent: false, nasal: false });
    // Visarga, avagraha and other signs carry nothing a citizen's spelling would.
  }
  // The final inherent vowel is silent (बिल → bil), then VC[a]CV → VCCV from the right (बदलना → badalna).
  const last = units[units.length - 1];
  if (last?.inherent && !last.nasal && units.length > 1) last.v = null;
  for (let i = units.length - 2; i > 0; i--) {
    const u = units[i]!;
    if (!u.inherent || u.nasal) continue;
    if (units[i - 1]!.v !== null && units[i + 1]!.c !== '' && units[i + 1]!.v !== null) u.v = null;
  }
  return units.map((u) => u.c + (u.v ?? '') + (u.nasal ? 'n' : '')).join('');
}

const LATIN_RULES: Array<[RegExp, string]> = [
  [/chh/g, 'c'], [/ch/g, 'c'], [/sh/g, 's'], [/kh/g, 'k'], [/gh/g, 'g'], [/th/g, 't'], [/dh/g, 'd'],
  [/ph/g, 'f'], [/bh/g, 'b'], [/jh/g, 'j'], [/ck/g, 'k'], [/w/g, 'v'], [/z/g, 'j'], [/q/g, 'k'],
  [/ee/g, 'i'], [/ii/g, 'i'], [/oo/g, 'u'], [/uu/g, 'u'], [/aa/g, 'a'],
  [/ai/g, 'e'], [/ei/g, 'e'], [/au/g, 'o'], [/ou/g, 'o'],
  [/(.)\1+/g, '$1'],
];

/** The folded key of one Latin word. */
export function foldLatin(word: string): string {
  let w = word;
  for (const [re, to] of LATIN_RULES) w = w.replace(re, to);
  // A final nasal or h after a vowel is written or not at will (nahin/nahi, hain/hai, yah/ya).
  if (w.length > 3) w = w.replace(/([aeiou])[nh]$/, '$1');
  return w;
}

const DEVANAGARI_RUN = /[\u0900-\u097F]+/g;
const TOKEN = /[a-z0-9]+/g;

/** The folded tokens of a message, in order. */
export function foldTokens(text: string): string[] {
  const latin = toAsciiDigits(text.normalize('NFC'))
    .toLowerCase()
    .replace(DEVANAGARI_RUN, (w) => ` ${transliterate(w)} `);
  const out: string[] = [];
  for (const m of latin.matchAll(TOKEN)) {
    const t = foldLatin(m[0]);
    if (t !== '') out.push(t);
  }
  return out;
}
