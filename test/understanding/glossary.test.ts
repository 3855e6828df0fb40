import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectGlossary, loadGlossary } from '../../src/understanding/glossary.ts';
import { memoryEngine } from '../helpers/memory-engine.ts';

const { content } = memoryEngine();
const glossary = loadGlossary(path.join(import.meta.dirname, '../../locales'))!;

describe('the glossary: one word per idea in citizens’ texts', () => {
  it('the shipped texts use the glossary’s words', () => {
    expect(inspectGlossary(glossary, content.translator.resources)).toEqual([]);
  });

  it('flags a banned synonym in a citizen-facing text, naming the word to use, but not in officers’ texts', () => {
    const r = structuredClone(content.translator.resources);
    (r.hi.flows as { status: { state: Record<string, string> } }).status.state.resolved = 'निराकृत';
    (r.hi.desk as Record<string, unknown>).extra = 'निराकृत';
    const problems = inspectGlossary(glossary, r);
    expect(problems).toEqual([
      { code: 'banned_term', where: 'flows:status.state.resolved (hi)', message: 'uses "निराकृत" for resolved; locales/glossary.yaml says "हल"' },
    ]);
  });
});
