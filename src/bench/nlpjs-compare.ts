import type { Content } from '../app.ts';
import { foldTokens } from '../understanding/fold.ts';
import type { Case } from './intents-bench.ts';

/**
 * The same training data and held-out set through nlp.js (`@nlpjs/nlp` with `@nlpjs/lang-hi` and
 * `@nlpjs/lang-en`, a development dependency), to compare it with our own classifier: once as the
 * library comes (Devanagari as Hindi, everything else as English), once on our folded spelling keys.
 * Returns nothing when nlp.js is not installed (a production install).
 */
interface NlpLike {
  addLanguage(locale: string): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<void>;
  process(locale: string, utterance: string): Promise<{ intent: string; score: number }>;
}

export interface NlpjsFigures {
  variant: string;
  accuracy: number;
  cpuUs: number;
  trainMs: number;
}

export async function compareNlpjs(content: Content, cases: readonly Case[]): Promise<NlpjsFigures[] | undefined> {
  let mods: [{ Nlp: new (s: unknown) => NlpLike }, { LangHi: unknown }, { LangEn: unknown }];
  try {
    mods = (await Promise.all([import('@nlpjs/nlp' as string), import('@nlpjs/lang-hi' as string), import('@nlpjs/lang-en' as string)])) as typeof mods;
  } catch {
    return undefined;
  }
  const [{ Nlp }, { LangHi }, { LangEn }] = mods;
  const devanagari = /[\u0900-\u097F]/;
  const variants: Array<{ variant: string; locale: (t: string) => string; text: (t: string) => string }> = [
    { variant: 'nlp.js as it comes (Devanagari as Hindi, the rest as English)', locale: (t) => (devanagari.test(t) ? 'hi' : 'en'), text: (t) => t },
    { variant: 'nlp.js on our folded spelling keys', locale: () => 'en', text: (t) => foldTokens(t).join(' ') },
  ];
  const out: NlpjsFigures[] = [];
  for (const v of variants) {
    const nlp = new Nlp({ languages: ['hi', 'en'], autoSave: false, autoLoad: false, nlu: { log: false }, modelFileName: '' });
    const container = (nlp as unknown as { container: { use(p: unknown): void } }).container;
    container.use(LangHi);
    container.use(LangEn);
    for (const intent of content.understanding.def.intents) for (const e of intent.examples) nlp.addDocument(v.locale(e), v.text(e), intent.id);
    const t0 = performance.now();
    await nlp.train();
    const trainMs = performance.now() - t0;
    let ok = 0;
    const c0 = process.cpuUsage();
    for (const c of cases) {
      const r = await nlp.process(v.locale(c.text), v.text(c.text));
      const got = r.intent === 'None' || r.score < content.understanding.def.thresholds.ask ? 'none' : r.intent;
      if (got === c.intent) ok++;
    }
    const cpu = process.cpuUsage(c0);
    out.push({ variant: v.variant, accuracy: ok / cases.length, cpuUs: (cpu.user + cpu.system) / cases.length, trainMs });
  }
  return out;
}
