import { foldTokens } from './fold.ts';

/**
 * A small text classifier made for short chat messages: every example phrasing becomes a
 * TF-IDF vector of its folded words and their letter trigrams; a message is scored against each
 * example by cosine similarity (through an inverted index, so the cost grows with the message,
 * not with the data), and a label scores as its best example. Words the data never saw are
 * mapped to a known word one or two edits away (a typo), found through an index of deletions.
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

export class TextClassifier {
  private readonly labels: string[] = [];
  private readonly labelOf: Int32Array;
  private readonly postings = new Map<string, Array<{ ex: number; w: number }>>();
  private readonly idf = new Map<string, number>();
  private readonly words = new Set<string>();
  /** word with one letter deleted → the known words it comes from. */
  private readonly deletions = new Map<string, string[]>();
  private readonly acc: Float64Array;
  private readonly best: Float64Array;

  constructor(examples: readonly Example[]) {
    const labelIndex = new Map<string, number>();
    this.labelOf = new Int32Array(examples.length);
    const features = examples.map((e, i) => {
      let l = labelIndex.get(e.label);
      if (l === undefined) {
        l = this.labels.length;
        labelIndex.set(e.label, l);
        this.labels.push(e.label);
      }
      this.labelOf[i] = l;
      const tokens = foldTokens(e.text);
      for (const t of tokens) this.words.add(t);
      return rawFeatures(tokens);
    });
    const df = new Map<string, number>();
    for (const f of features) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
    for (const [k, n] of df) this.idf.set(k, Math.log((1 + examples.length) / (1 + n)) + 1);
    features.forEach((f, ex) => {
      const v = this.weigh(f);
      for (const [k, w] of v) {
        let list = this.postings.get(k);
        if (!list) this.postings.set(k, (list = []));
        list.push({ ex, w });
      }
    });
    for (const w of this.words) {
      if (w.length < 4) continue;
      for (const d of deletes(w)) {
        const list = this.deletions.get(d);
        if (!list) this.deletions.set(d, [w]);
        else if (!list.includes(w)) list.push(w);
      }
    }
    this.acc = new Float64Array(examples.length);
    this.best = new Float64Array(this.labels.length);
  }

  get labelSet(): readonly string[] {
    return this.labels;
  }

  /** Labels by their best example's similarity to the text, best first (at most `top`). */
  rank(text: string, top = 3): Ranked[] {
    const tokens = this.correct(foldTokens(text));
    if (tokens.length === 0) return [];
    const q = this.weigh(rawFeatures(tokens.map((t) => t.word), tokens.map((t) => t.weight)));
    const acc = this.acc;
    acc.fill(0);
    for (const [k, w] of q) {
      const list = this.postings.get(k);
      if (!list) continue;
      for (const p of list) acc[p.ex] = acc[p.ex]! + w * p.w;
    }
    const best = this.best;
    best.fill(0);
    for (let ex = 0; ex < acc.length; ex++) {
      const l = this.labelOf[ex]!;
      if (acc[ex]! > best[l]!) best[l] = acc[ex]!;
    }
    const out: Ranked[] = [];
    for (let l = 0; l < best.length; l++) if (best[l]! > 0) out.push({ label: this.labels[l]!, score: Math.min(1, best[l]!) });
    out.sort((a, b) => b.score - a.score);
    return out.slice(0, top);
  }

  /** Each word the data knows stays; an unknown one becomes the known words an edit or two away. */
  private correct(tokens: string[]): Array<{ word: string; weight: number }> {
    const out: Array<{ word: string; weight: number }> = [];
    for (const t of tokens) {
      if (this.words.has(t) || t.length < 4) {
        out.push({ word: t, weight: 1 });
        continue;
      }
      const found = new Set<string>();
      for (const d of [t, ...deletes(t)]) {
        for (const w of this.deletions.get(d) ?? []) if (withinEdits(t, w, t.length >= 7 ? 2 : 1)) found.add(w);
        if (this.words.has(d) && withinEdits(t, d, t.length >= 7 ? 2 : 1)) found.add(d);
      }
      if (found.size === 0) out.push({ word: t, weight: 1 });
      else for (const w of found) out.push({ word: w, weight: TYPO_WEIGHT / found.size });
    }
    return out;
  }

  /** TF-IDF, L2-normalised. Unknown features (not in any example) carry no weight but count in the norm. */
  private weigh(raw: Map<string, number>): Map<string, number> {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [k, tf] of raw) {
      const w = tf * (this.idf.get(k) ?? Math.log(1 + this.labelOf.length) + 1);
      norm += w * w;
      if (this.idf.has(k) || this.postings.size === 0) v.set(k, w);
    }
    const n = Math.sqrt(norm) || 1;
    for (const [k, w] of v) v.set(k, w / n);
    return v;
  }
}

function rawFeatures(tokens: readonly string[], weights?: readonly number[]): Map<string, number> {
  const f = new Map<string, number>();
  tokens.forEach((t, i) => {
    const w = weights?.[i] ?? 1;
    f.set(`w:${t}`, (f.get(`w:${t}`) ?? 0) + w);
    const padded = `^${t}$`;
    for (let j = 0; j + 3 <= padded.length; j++) {
      const g = `g:${padded.slice(j, j + 3)}`;
      f.set(g, (f.get(g) ?? 0) + GRAM_WEIGHT * w);
    }
  });
  return f;
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
