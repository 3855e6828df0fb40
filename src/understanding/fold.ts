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

/** Latin for each code point of the Devanagari block, by kind; built once from the tables above. */
const BASE = 0x0900;
const CONS_AT: Array<string | undefined> = new Array(128);
const MATRA_AT: Array<string | undefined> = new Array(128);
const VOWEL_AT: Array<string | undefined> = new Array(128);
for (const [k, v] of Object.entries(CONSONANTS)) CONS_AT[k.charCodeAt(0) - BASE] = v;
for (const [k, v] of Object.entries(MATRAS)) MATRA_AT[k.charCodeAt(0) - BASE] = v;
for (const [k, v] of Object.entries(VOWELS)) VOWEL_AT[k.charCodeAt(0) - BASE] = v;
const VIRAMA_CODE = VIRAMA.charCodeAt(0);
const NUKTA_CODE = NUKTA.charCodeAt(0);
const NASAL_CODES = new Set([...NASAL].map((c) => c.charCodeAt(0)));

// One syllable per index: consonant, vowel (null: none written or dropped), inherent?, nasal?
const uc: string[] = [];
const uv: Array<string | null> = [];
const ui: boolean[] = [];
const un: boolean[] = [];

/** A Devanagari word in Latin letters, with Hindi's schwa deletion approximated. */
export function transliterate(word: string): string {
  let n = 0;
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code === NUKTA_CODE) continue;
    const at = code - BASE;
    let j = i + 1;
    if (word.charCodeAt(j) === NUKTA_CODE) j++;
    const nextAt = word.charCodeAt(j) - BASE;
    const cons = at >= 0 && at < 128 ? CONS_AT[at] : undefined;
    if (cons !== undefined) {
      uc[n] = cons;
      un[n] = false;
      if (nextAt + BASE === VIRAMA_CODE) {
        uv[n] = null;
        ui[n] = false;
        i = j;
      } else if (nextAt >= 0 && nextAt < 128 && MATRA_AT[nextAt] !== undefined) {
        uv[n] = MATRA_AT[nextAt]!;
        ui[n] = false;
        i = j;
      } else {
        uv[n] = 'a';
        ui[n] = true;
        i = j - 1;
      }
      n++;
    } else if (at >= 0 && at < 128 && VOWEL_AT[at] !== undefined) {
      uc[n] = '';
      uv[n] = VOWEL_AT[at]!;
      ui[n] = false;
      un[n] = false;
      n++;
    } else if (NASAL_CODES.has(code) && n > 0) un[n - 1] = true;
    // Visarga, avagraha and other signs carry nothing a citizen's spelling would.
  }
  // The final inherent vowel is silent (बिल → bil), then VC[a]CV → VCCV from the right (बदलना → badalna).
  if (n > 1 && ui[n - 1] && !un[n - 1]) uv[n - 1] = null;
  for (let i = n - 2; i > 0; i--) {
    if (!ui[i] || un[i]) continue;
    if (uv[i - 1] !== null && uc[i + 1] !== '' && uv[i + 1] !== null) uv[i] = null;
  }
  let out = '';
  for (let i = 0; i < n; i++) out += uc[i]! + (uv[i] ?? '') + (un[i] ? 'n' : '');
  return out;
}

/** Letters that lose an aspirating h after them (kh → k, sh → s, ph → p then f). */
const ASPIRABLE = new Set(['c', 's', 'k', 'g', 't', 'd', 'p', 'b', 'j', 'r']);
const LATIN_VOWEL = new Set([...'aeiou'].map((c) => c.charCodeAt(0)));

/**
 * The folded key of one Latin word, in one pass: aspirates and sh/ch lose their h, ph is f,
 * w is v, z is j, q and ck are k, ee is i, oo is u, ai/ei are e, au/ou are o, doubled letters
 * are one, and a final nasal or h after a vowel goes (nahin/nahi, hain/hai).
 */
export function foldLatin(word: string): string {
  const out: number[] = [];
  const n = word.length;
  for (let i = 0; i < n; i++) {
    const c = word[i]!;
    const d = word[i + 1];
    let emit = c;
    if (d === 'h' && ASPIRABLE.has(c)) {
      emit = c === 'p' ? 'f' : c;
      i++;
      if (c === 'c' && word[i + 1] === 'h') i++;
    } else if (c === 'c' && d === 'k') {
      emit = 'k';
      i++;
    } else if (c === 'w') emit = 'v';
    else if (c === 'z') emit = 'j';
    else if (c === 'q') emit = 'k';
    else if (c === 'e' && d === 'e') {
      emit = 'i';
      i++;
    } else if (c === 'o' && d === 'o') {
      emit = 'u';
      i++;
    } else if ((c === 'a' || c === 'e') && d === 'i') {
      emit = 'e';
      i++;
    } else if ((c === 'a' || c === 'o') && d === 'u') {
      emit = 'o';
      i++;
    }
    const e = emit.charCodeAt(0);
    if (out[out.length - 1] !== e) out.push(e);
  }
  const len = out.length;
  if (len > 3 && (out[len - 1] === N || out[len - 1] === H) && LATIN_VOWEL.has(out[len - 2]!)) out.pop();
  return String.fromCharCode(...out);
}

const N = 'n'.charCodeAt(0);
const H = 'h'.charCodeAt(0);

/** The folded tokens of a message, in order: runs of Latin letters and digits, or of Devanagari. */
export function foldTokens(text: string): string[] {
  const s = text.toLowerCase();
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const code = s.charCodeAt(i);
    if (isDevanagari(code) && !isDevanagariDigit(code)) {
      let j = i + 1;
      while (j < s.length && isDevanagari(s.charCodeAt(j)) && !isDevanagariDigit(s.charCodeAt(j))) j++;
      const t = foldLatin(transliterate(s.slice(i, j).normalize('NFC')));
      if (t !== '') out.push(t);
      i = j;
    } else if (isLatinOrDigit(code)) {
      let j = i + 1;
      while (j < s.length && isLatinOrDigit(s.charCodeAt(j))) j++;
      out.push(foldLatin(toAsciiDigits(s.slice(i, j))));
      i = j;
    } else i++;
  }
  return out;
}

function isDevanagari(code: number): boolean {
  return code >= 0x0900 && code <= 0x097f;
}
function isDevanagariDigit(code: number): boolean {
  return code >= 0x0966 && code <= 0x096f;
}
function isLatinOrDigit(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 0x0966 && code <= 0x096f);
}
