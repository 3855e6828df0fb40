/**
 * Digits as they arrive from phones, PDFs and web pages: any script's decimal digits, split into
 * groups by spaces of every width, dots, commas, slashes, dashes, and invisible characters.
 * `digitRuns` finds such runs with each digit's value and position in the original text, so a
 * number can be recognised whatever its formatting and masked where it stands.
 */

const ND = /^\p{Nd}$/u;
const valueCache = new Map<number, number | null>();

/**
 * The value of any Unicode decimal digit (`\p{Nd}`): Unicode assigns every script's digits 0–9
 * to ten consecutive code points, and blocks of such digits that touch come in whole tens, so the
 * value is the distance from the start of the block modulo 10. Computed once per code point.
 */
export function digitValue(cp: number): number | undefined {
  if (cp >= 0x30 && cp <= 0x39) return cp - 0x30;
  if (cp < 0x80) return undefined;
  let v = valueCache.get(cp);
  if (v === undefined) {
    if (!ND.test(String.fromCodePoint(cp))) v = null;
    else {
      let start = cp;
      while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
      v = (cp - start) % 10;
    }
    valueCache.set(cp, v);
  }
  return v ?? undefined;
}

/** Any script's decimal digits as ASCII 0–9; other characters unchanged. */
export function asciiDigits(s: string): string {
  let out = '';
  for (const ch of s) {
    const v = digitValue(ch.codePointAt(0)!);
    out += v === undefined ? ch : String(v);
  }
  return out;
}

// Characters that cannot be seen (zero-width spaces and joiners, word joiner, BOM, soft hyphen,
// bidi marks and other format characters, Hangul fillers, the variation selectors and keycap
// mark of emoji digits): skipped between digits, not counted.
const INVISIBLE = /^[\p{Cf}\u034F\u115F\u1160\u3164\uFFA0\uFE00-\uFE0F\u20E3]$/u;
// What people put between groups of digits: every space (no-break, thin, narrow, ideographic…)
// and line break, dots, middle dots and bullets, commas, slashes, dashes of every length and the
// minus sign, underscores, brackets, plus and asterisk; full-width forms too.
const SEPARATOR = /^[\s\p{Zs}.\u00B7\u2022\u2024\u2027\u2219\u22C5\u30FB\uFF0E\uFF61,\uFF0C\u3001\u060C/\\\uFF0F\u2044\u2215\-\u2010-\u2015\u2212\uFE58\uFE63\uFF0D_\uFF3F()[\]+*\uFF08\uFF09]$/u;
/** At most this many visible separators between two digits of one number ("2345 - 6789"). */
const MAX_GAP = 3;

export interface RunDigit {
  /** ASCII value, '0'–'9'. */
  d: string;
  /** Position of the digit in the original string (UTF-16 index) and just after it. */
  start: number;
  end: number;
  /** Groups are the parts between separators: "2345 6789" is groups 0 and 1. */
  group: number;
}

/** Every run of digits joined by separators, in order. */
export function digitRuns(text: string): RunDigit[][] {
  const runs: RunDigit[][] = [];
  let run: RunDigit[] = [];
  let gap = 0;
  let sawSeparator = false;
  let group = 0;
  const close = () => {
    if (run.length > 0) runs.push(run);
    run = [];
    gap = 0;
    sawSeparator = false;
    group = 0;
  };
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const v = digitValue(cp);
    if (v !== undefined) {
      if (run.length > 0 && sawSeparator) group++;
      run.push({ d: String(v), start: i, end: i + width, group });
      gap = 0;
      sawSeparator = false;
    } else if (run.length > 0) {
      const ch = String.fromCodePoint(cp);
      if (INVISIBLE.test(ch)) sawSeparator = true;
      else if (SEPARATOR.test(ch) && gap < MAX_GAP) {
        gap++;
        sawSeparator = true;
      } else close();
    }
    i += width;
  }
  close();
  return runs;
}
