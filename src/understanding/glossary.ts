import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError, ERROR_CODES } from '../errors.ts';
import { parseYamlFile } from '../yaml-file.ts';
import type { Problem } from '../engine/inspect.ts';
import type { Resources } from '../i18n/i18n.ts';
import { LANGS } from '../engine/session.ts';

/**
 * locales/glossary.yaml: one word per idea in what citizens read (see docs/understanding.md).
 * `flows check` flags a banned synonym in the citizen-facing namespaces, naming the word to use.
 */
export const GLOSSARY_FILE = 'glossary.yaml';

const usage = z.object({ use: z.string().min(1), not: z.array(z.string().min(1)).min(1) });
export const glossarySchema = z.object({
  namespaces: z.array(z.string().min(1)).min(1),
  terms: z.array(z.object({ idea: z.string().min(1), en: usage.optional(), hi: usage.optional() })),
});
export type Glossary = z.infer<typeof glossarySchema>;

/** The glossary next to the locales, or none when the organisation has not kept one. */
export function loadGlossary(localesDir: string): Glossary | undefined {
  const file = path.join(localesDir, GLOSSARY_FILE);
  if (!fs.existsSync(file)) return undefined;
  // Parsed once, at start: zod's compiled fast path for these schemas costs more to build than it saves (jitless).
  const r = glossarySchema.safeParse(parseYamlFile(file), { jitless: true });
  if (!r.success) throw new AppError(ERROR_CODES.LOCALE_INVALID, `${file} is not valid:\n${z.prettifyError(r.error)}`);
  return r.data;
}

export function inspectGlossary(glossary: Glossary, resources: Resources): Problem[] {
  const problems: Problem[] = [];
  for (const lang of LANGS) {
    const banned = glossary.terms.flatMap((t) => (t[lang] ? t[lang].not.map((word) => ({ word, use: t[lang]!.use, idea: t.idea })) : []));
    for (const ns of glossary.namespaces) {
      const tree = (resources[lang] as Record<string, Record<string, unknown> | undefined>)[ns];
      if (!tree) continue;
      for (const [key, text] of leaves(tree)) {
        const lower = text.toLowerCase();
        for (const b of banned) {
          if (lower.includes(b.word.toLowerCase())) {
            problems.push({ code: 'banned_term', where: `${ns}:${key} (${lang})`, message: `uses "${b.word}" for ${b.idea}; locales/glossary.yaml says "${b.use}"` });
          }
        }
      }
    }
  }
  return problems;
}

function leaves(tree: Record<string, unknown>, prefix = ''): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.push([key, v]);
    else if (v && typeof v === 'object') out.push(...leaves(v as Record<string, unknown>, key));
  }
  return out;
}
