import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadIntents } from '../../src/understanding/intents.ts';

/**
 * The Hindi confirmation reads "क्या आप सच में {{what}} चाहते हैं?" (understanding:confirm), so the
 * label of every intent that asks for one must be a verb in -ना ("अपनी सहमति वापस लेना"): a noun
 * there ("अपने डेटा से जुड़े अधिकार") would give a question no Hindi speaker writes.
 */
describe('the Hindi confirmation question', () => {
  it('puts a verb in -ना where {{what}} stands, for every intent that asks for confirmation', () => {
    const root = path.join(import.meta.dirname, '..', '..');
    const hi = JSON.parse(fs.readFileSync(path.join(root, 'locales', 'hi', 'understanding.json'), 'utf8')) as { confirm: string; intent: Record<string, string> };
    expect(hi.confirm).toMatch(/^क्या आप सच में \{\{what\}\} चाहते हैं\?/);
    const confirming = loadIntents(path.join(root, 'flows')).intents.filter((i) => i.confirm);
    expect(confirming.length).toBeGreaterThan(0);
    for (const intent of confirming) expect(hi.intent[intent.id], intent.id).toMatch(/ना$/);
  });
});
