import { describe, expect, it } from 'vitest';
import { LIMITS, renderOutbound, renderTemplate, templateParameter, truncate } from '../../../src/channels/whatsapp-cloud/render.ts';

describe('renderOutbound (WhatsApp Cloud)', () => {
  it('sends plain text without link previews', () => {
    expect(renderOutbound({ text: 'Thank you. Your consent has been recorded.', choices: [] })).toEqual([
      { type: 'text', text: { body: 'Thank you. Your consent has been recorded.', preview_url: false } },
    ]);
  });

  it('uses reply buttons for up to 3 short choices, ids as button ids', () => {
    const [m] = renderOutbound({ text: 'Shall I register this grievance?', choices: [{ id: 'yes', label: 'Yes' }, { id: 'no', label: 'No' }] });
    expect(m).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: 'Shall I register this grievance?' },
        action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Yes' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] },
      },
    });
  });

  it('uses a list for more than 3 choices, with long labels cut in the title and whole in the description', () => {
    const choices = [
      { id: 'grievance', label: 'Register a grievance' },
      { id: 'rights', label: 'My data rights (access, correction, erasure, consent, nominee)' },
      { id: 'status', label: 'Check the status of a ticket' },
      { id: 'officer', label: 'Talk to an officer' },
    ];
    const [m] = renderOutbound({ text: 'How may I help you today?', choices });
    if (m?.type !== 'interactive' || m.interactive.type !== 'list') throw new Error('expected a list');
    expect(m.interactive.action.button).toBe('Options');
    const rows = m.interactive.action.sections[0]!.rows;
    expect(rows.map((r) => r.id)).toEqual(['grievance', 'rights', 'status', 'officer']);
    expect(rows[0]).toEqual({ id: 'grievance', title: 'Register a grievance' });
    expect(rows[1]!.title.length).toBeLessThanOrEqual(LIMITS.rowTitle);
    expect(rows[1]!.title.endsWith('…')).toBe(true);
    expect(rows[1]!.description).toBe('My data rights (access, correction, erasure, consent, nominee)');
    expect(rows[2]!.description).toBe('Check the status of a ticket');
  });

  it('uses a list when 3 choices have a label over 20 characters; the list button in Hindi for Hindi text', () => {
    const [m] = renderOutbound({
      text: 'क्या कोई अधिकारी आपसे संपर्क कर सकता है?',
      choices: [{ id: 'phone', label: 'फ़ोन नंबर दें' }, { id: 'email', label: 'ईमेल पता दें' }, { id: 'none', label: 'नहीं, इसी चैट में उत्तर दें' }],
    });
    expect(m?.type === 'interactive' && m.interactive.type).toBe('list');
    expect(m?.type === 'interactive' && m.interactive.type === 'list' && m.interactive.action.button).toBe('विकल्प');
  });

  it('numbers more than 10 choices in the text', () => {
    const choices = Array.from({ length: 11 }, (_, i) => ({ id: `c${i}`, label: `Option ${i + 1}` }));
    const parts = renderOutbound({ text: 'Pick one', choices });
    expect(parts).toHaveLength(1);
    expect(parts[0]).toEqual({ type: 'text', text: { body: `Pick one\n\n${choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n')}`, preview_url: false } });
  });

  it('sends an over-long id as the option number', () => {
    const [m] = renderOutbound({ text: 'q', choices: [{ id: 'x'.repeat(300), label: 'A' }, { id: 'b', label: 'B' }] });
    expect(m?.type === 'interactive' && m.interactive.type === 'button' && m.interactive.action.buttons.map((b) => b.reply.id)).toEqual(['#1', 'b']);
  });

  it('splits text over 4096 characters, and puts buttons under the last paragraph when the text is over 1024', () => {
    const para = 'क'.repeat(3000);
    const parts = renderOutbound({ text: `${para}\n\n${para}\n\nसहमति?`, choices: [{ id: 'yes', label: 'हाँ' }, { id: 'no', label: 'नहीं' }] });
    expect(parts.map((p) => p.type)).toEqual(['text', 'text', 'interactive']);
    for (const p of parts) if (p.type === 'text') expect(p.text.body.length).toBeLessThanOrEqual(LIMITS.text);
    expect(parts[2]!.type === 'interactive' && parts[2]!.interactive.body.text).toBe('सहमति?');
  });

  it('never sends an empty body', () => {
    expect(renderOutbound({ text: '', choices: [] })).toEqual([{ type: 'text', text: { body: '…', preview_url: false } }]);
    const [m] = renderOutbound({ text: ' ', choices: [{ id: 'a', label: 'A' }] });
    expect(m?.type === 'interactive' && m.interactive.body.text).toBe('⬇️');
  });
});

describe('renderTemplate', () => {
  it('puts the text and numbered choices, folded to one line and cut at 1024, in the one body parameter', () => {
    const m = renderTemplate({ text: 'Your ticket GRV-2026-000001 was answered.\n\nReply?', choices: [{ id: 'yes', label: 'Yes' }] }, { name: 'nivaran_update', languageCode: 'en_US' });
    expect(m).toEqual({
      type: 'template',
      template: {
        name: 'nivaran_update',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Your ticket GRV-2026-000001 was answered. Reply? 1. Yes' }] }],
      },
    });
    const long = templateParameter('a'.repeat(2000));
    expect(long.length).toBe(1024);
    expect(long.endsWith('…')).toBe(true);
    expect(templateParameter('a\tb     c')).toBe('a b c');
  });

  it('truncate keeps surrogate pairs whole', () => {
    expect(truncate(`${'a'.repeat(3)}😀bb`, 5)).toBe('aaa…');
  });
});
