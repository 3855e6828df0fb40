import { foldTokens } from './fold.ts';

/**
 * A small text classifier made for short chat messages: every example phrasing becomes a
 * TF-IDF vector of its folded words and their letter trigrams; a message is scored against each
 * example by cosine similarity (through an inverted index, so the cost grows with the message,
 * not with the data), and a label scores as its best example blended with its second best.
 * Words the data never saw are mapped to a known word one or two edits away (a typo), found
 * through an index of deletions.
 * Trained in milliseconds at start-up from the data; no state between calls.
 */

export interface Example {
  readonly text: string;
  readonly label: string;
}

export interface Ranked {
  readonly label: string;
  readonly score: number;
}

/** Letter trigrams count less than whole words: they catch spellings, words carry meaning. */
const GRAM_WEIGHT = 0.35;
/** A word corrected from a typo counts a little less than one written right. */
const TYPO_WEIGHT = 0.8;
/** Shorter words are not corrected: one edit turns too many of them into another word. */
const MIN_TYPO_LENGTH = 5;
const MAX_CACHED_CORRECTIONS = 10_000;
/** A label scores as its best example blended with its second best: one lucky example is not enough. */
const SECOND_SHARE = 0.3;

export class TextClassifier {
  private readonly labels: string[] = [];
  private readonly labelOf: Int32Array;
  /** Feature ids: whole words and letter trigrams kept apart, so no key is built by concatenation. */
  private readonly wordId = new Map<string, number>();
  private readonly gramId = new Map<string, number>();
  private idf: Float64Array = new Float64Array(0);
  private postEx: Int32Array[] = [];
  private postW: Float64Array[] = [];
  /** word with one letter deleted → the known words it comes from. */
  private readonly deletions = new Map<string, string[]>();
  /** Typo corrections already worked out (bounded): citizens repeat their misspellings. */
  private readonly corrections = new Map<string, string[]>();
  private readonly unknownIdf: number;
  private readonly acc: Float64Array;
  private readonly best: Float64Array;
  private readonly second: Float64Array;
  private readonly qIds: number[] = [];
  private readonly qW: number[] = [];

  constructor(examples: readonly Example[]) {
    const labelIndex = new Map<string, number>();
    this.labelOf = new Int32Array(examples.length);
    const perExample: Array<Map<number, number>> = examples.map((e, i) => {
      let l = labelIndex.get(e.label);
      if (l === undefined) {
        l = this.labels.length;
        labelIndex.set(e.label, l);
        this.labels.push(e.label);
      }
      this.labelOf[i] = l;
      const f = new Map<number, number>();
      for (const t of foldTokens(e.text)) this.addFeatures(t, 1, f, true);
      return f;
    });
    const count = this.wordId.size + this.gramId.size;
    const df = new Float64Array(count);
    for (const f of perExample) for (const k of f.keys()) df[k]! += 1;
    this.idf = new Float64Array(count);
    for (let k = 0; k < count; k++) this.idf[k] = Math.log((1 + examples.length) / (1 + df[k]!)) + 1;
    this.unknownIdf = Math.log(1 + examples.length) + 1;
    const ex: number[][] = Array.from({ length: count }, () => []);
    const ws: number[][] = Array.from({ length: count }, () => []);
    perExample.forEach((f, i) => {
      let norm = 0;
      for (const [k, tf] of f) norm += (tf * this.idf[k]!) ** 2;
      const n = Math.sqrt(norm) || 1;
      for (const [k, tf] of f) {
        ex[k]!.push(i);
        ws[k]!.push((tf * this.idf[k]!) / n);
      }
    });
    this.postEx = ex.map((a) => Int32Array.from(a));
    this.postW = ws.map((a) => Float64Array.from(a));
    for (const w of this.wordId.keys()) {
      if (w.length < MIN_TYPO_LENGTH - 1) continue;
      for (const d of deletes(w)) {
        const list = this.deletions.get(d);
        if (!list) this.deletions.set(d, [w]);
        else if (!list.includes(w)) list.push(w);
      }
    }
    this.acc = new Float64Array(examples.length);
    this.best = new Float64Array(this.labels.length);
    this.second = new Float64Array(this.labels.length);
  }

  get labelSet(): readonly string[] {
    return this.labels;
  }

  /** Labels by their best example's similarity to the text, best first (at most `top`). */
  rank(text: string, top = 3): Ranked[] {
    const tokens = foldTokens(text);
    if (tokens.length === 0) return [];
    const f = new Map<number, number>();
    let unknownNorm = 0;
    for (const t of tokens) {
      if (this.wordId.has(t) || t.length < MIN_TYPO_LENGTH) {
        unknownNorm += this.addFeatures(t, 1, f, false);
        continue;
      }
      const fixes = this.correct(t);
      if (fixes.length === 0) unknownNorm += this.addFeatures(t, 1, f, false);
      else for (const w of fixes) unknownNorm += this.addFeatures(w, TYPO_WEIGHT / fixes.length, f, false);
    }
    // TF-IDF, L2-normalised; features no example has score nothing but still dilute the message.
    let norm = unknownNorm;
    const ids = this.qIds;
    const ws = this.qW;
    ids.length = 0;
    ws.length = 0;
    for (const [k, tf] of f) {
      const w = tf * this.idf[k]!;
      norm += w * w;
      ids.push(k);
      ws.push(w);
    }
    const n = Math.sqrt(norm) || 1;
    const acc = this.acc;
    acc.fill(0);
    for (let q = 0; q < ids.length; q++) {
      const k = ids[q]!;
      const w = ws[q]! / n;
      const exs = this.postEx[k]!;
      const pw = this.postW[k]!;
      for (let p = 0; p < exs.length; p++) acc[exs[p]!] = acc[exs[p]!]! + w * pw[p]!;
    }
    const best = this.best;
    const second = this.second;
    best.fill(0);
    second.fill(0);
    for (let ex = 0; ex < acc.length; ex++) {
      const l = this.labelOf[ex]!;
      const a = acc[ex]!;
      if (a > best[l]!) {
        second[l] = best[l]!;
        best[l] = a;
      } else if (a > second[l]!) second[l] = a;
    }
    for (let l = 0; l < best.length; l++) best[l] = SECOND_SHARE * second[l]! + (1 - SECOND_SHARE) * best[l]!;
    const out: Ranked[] = [];
    for (let i = 0; i < top; i++) {
      let bl = -1;
      for (let l = 0; l < best.length; l++) if (best[l]! > 0 && (bl < 0 || best[l]! > best[bl]!)) bl = l;
      if (bl < 0) break;
      out.push({ label: this.labels[bl]!, score: Math.min(1, best[bl]!) });
      best[bl] = 0;
    }
    return out;
  }

  /**
   * Adds a word's features (the word and its trigrams) with weight `w`. While training, new
   * features get ids; at query time an unknown feature is left out and its squared TF-IDF
   * weight returned, for the norm.
   */
  private addFeatures(t: string, w: number, f: Map<number, number>, learn: boolean): number {
    let unknown = this.put(this.wordId, t, w, f, learn);
    const padded = `^${t}$`;
    for (let j = 0; j + 3 <= padded.length; j++) unknown += this.put(this.gramId, padded.slice(j, j + 3), GRAM_WEIGHT * w, f, learn);
    return unknown;
  }

  private put(ids: Map<string, number>, key: string, weight: number, f: Map<number, number>, learn: boolean): number {
    let id = ids.get(key);
    if (id === undefined && learn) {
      id = this.wordId.size + this.gramId.size;
      ids.set(key, id);
    }
    if (id === undefined) return (weight * this.unknownIdf) ** 2;
    f.set(id, (f.get(id) ?? 0) + weight);
    return 0;
  }

  /** An unknown word → the known words an edit or two away (none: keep it as it is). */
  private correct(t: string): string[] {
    const hit = this.corrections.get(t);
    if (hit) return hit;
    const max = t.length >= 7 ? 2 : 1;
    const found = new Set<string>();
    const dels = deletes(t);
    for (const w of this.deletions.get(t) ?? []) if (withinEdits(t, w, max)) found.add(w);
    for (const d of dels) {
      for (const w of this.deletions.get(d) ?? []) if (withinEdits(t, w, max)) found.add(w);
      if (this.wordId.has(d)) found.add(d);
    }
    const fixes = [...found];
    if (this.corrections.size >= MAX_CACHED_CORRECTIONS) this.corrections.clear();
    this.corrections.set(t, fixes);
    return fixes;
  }
}

function deletes(w: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < w.length; i++) out.push(w.slice(0, i) + w.slice(i + 1));
  return out;
}

/** Optimal-string-alignment distance ≤ max (adjacent swaps count as one edit). */
export function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  const n = b.length;
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = new Array<number>(n + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return false;
    prev2 = prev;
    prev = cur;
  }
  return prev[n]! <= max;
}
