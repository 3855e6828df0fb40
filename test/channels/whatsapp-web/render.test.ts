import { describe, expect, it } from 'vitest';
import { MAX_TEXT, renderWweb } from '../../../src/channels/whatsapp-web/render.ts';

describe('renderWweb', () => {
  it('numbers the choices under the text', () => {
    expect(renderWweb({ text: 'Choose:', choices: [{ id: 'hi', label: 'हिंदी' }, { id: 'en', label: 'English' }] })).toEqual(['Choose:\n  1. हिंदी\n  2. English']);
  });
  it('plain text stays one message; an empty one is not sent empty', () => {
    expect(renderWweb({ text: 'नमस्ते', choices: [] })).toEqual(['नमस्ते']);
    expect(renderWweb({ text: '', choices: [] })).toEqual(['…']);
  });
  it(`splits above ${MAX_TEXT} characters, keeping the choices on the last part`, () => {
    const para = 'शिकायत '.repeat(400).trim();
    const parts = renderWweb({ text: `${para}\n\n${para}`, choices: [{ id: 'y', label: 'Yes' }] });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(parts.at(-1)).toMatch(/1\. Yes$/);
  });
});
