import { describe, expect, it } from 'vitest';
import { parseUpdate } from '../../../src/channels/telegram/parse.ts';
import { callbackData, MAX_TEXT, renderOutbound, splitText } from '../../../src/channels/telegram/render.ts';

describe('renderOutbound', () => {
  it('sends plain text without a keyboard', () => {
    expect(renderOutbound({ text: 'धन्यवाद। आपकी सहमति दर्ज कर ली गई है।', choices: [] })).toEqual([{ text: 'धन्यवाद। आपकी सहमति दर्ज कर ली गई है।' }]);
  });

  it('puts short choices side by side and numbers them', () => {
    const [m] = renderOutbound({ text: 'क्या यह शिकायत दर्ज कर दी जाए?', choices: [{ id: 'yes', label: 'हाँ' }, { id: 'no', label: 'नहीं' }] });
    expect(m!.reply_markup).toEqual({ inline_keyboard: [[{ text: '1. हाँ', callback_data: 'yes' }, { text: '2. नहीं', callback_data: 'no' }]] });
  });

  it('gives long labels a row each', () => {
    const choices = [
      { id: 'grievance', label: 'शिकायत दर्ज करें' },
      { id: 'rights', label: 'मेरे डेटा संबंधी अधिकार (जानकारी, सुधार, मिटाना, सहमति, नामिती)' },
      { id: 'status', label: 'टिकट की स्थिति जानें' },
    ];
    const [m] = renderOutbound({ text: 'बताइए', choices });
    expect(m!.reply_markup).toEqual({
      inline_keyboard: [
        [{ text: '1. शिकायत दर्ज करें', callback_data: 'grievance' }],
        [{ text: '2. मेरे डेटा संबंधी अधिकार (जानकारी, सुधार, मिटाना, सहमति, नामिती)', callback_data: 'rights' }],
        [{ text: '3. टिकट की स्थिति जानें', callback_data: 'status' }],
      ],
    });
  });

  it('never sends callback_data over 64 bytes: an over-long id becomes the option number', () => {
    const longId = 'x'.repeat(65);
    const devanagariId = 'श'.repeat(22); // 66 bytes in UTF-8
    expect(callbackData('a'.repeat(64), 0)).toBe('a'.repeat(64));
    expect(callbackData(longId, 1)).toBe('#2');
    expect(callbackData(devanagariId, 2)).toBe('#3');
    // An id that looks like the fallback is not sent as is either.
    expect(callbackData('#1', 4)).toBe('#5');
    const [m] = renderOutbound({ text: 'q', choices: [{ id: 'ok', label: 'OK' }, { id: longId, label: 'Long' }] });
    const buttons = (m!.reply_markup as { inline_keyboard: Array<Array<{ callback_data: string }>> }).inline_keyboard.flat();
    for (const b of buttons) expect(Buffer.byteLength(b.callback_data)).toBeLessThanOrEqual(64);
    // The tap comes back as the typed number, which every choice question accepts.
    const tap = parseUpdate({ update_id: 1, callback_query: { id: 'q1', from: { id: 1, is_bot: false, first_name: 'A' }, message: { message_id: 2, chat: { id: 1, type: 'private' }, date: 1 }, chat_instance: '1', data: buttons[1]!.callback_data } });
    expect(tap.kind === 'message' && tap.message.text).toBe('2');
  });

  it('splits text over 4096 characters, keyboard on the last part', () => {
    const para = 'क'.repeat(3000);
    const parts = renderOutbound({ text: `${para}\n\n${para}\n\n${para}`, choices: [{ id: 'yes', label: 'हाँ' }] });
    expect(parts).toHaveLength(3);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(MAX_TEXT);
    expect(parts.map((p) => p.text).join('\n\n')).toBe(`${para}\n\n${para}\n\n${para}`);
    expect(parts[0]!.reply_markup).toBeUndefined();
    expect(parts[1]!.reply_markup).toBeUndefined();
    expect(parts[2]!.reply_markup).toBeDefined();
  });

  it('offers the share-contact button when asked to', () => {
    const [m] = renderOutbound({ text: 'आपका मोबाइल नंबर?', choices: [{ id: 'skip', label: 'छोड़ें' }] }, { requestContact: '📱 मेरा नंबर भेजें' });
    expect(m!.reply_markup).toEqual({
      keyboard: [[{ text: '📱 मेरा नंबर भेजें', request_contact: true }], [{ text: 'छोड़ें' }]],
      one_time_keyboard: true,
      resize_keyboard: true,
    });
  });

  it('never sends an empty text', () => {
    expect(renderOutbound({ text: '', choices: [] })[0]!.text).not.toBe('');
  });
});

describe('splitText', () => {
  it('leaves short text alone', () => {
    expect(splitText('नमस्ते', 10)).toEqual(['नमस्ते']);
  });

  it('prefers line and word boundaries', () => {
    expect(splitText('aaaa bbbb\ncccc dddd', 12)).toEqual(['aaaa bbbb', 'cccc dddd']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
  });

  it('cuts a word with no space in reach, but never a surrogate pair', () => {
    const parts = splitText(`${'a'.repeat(9)}😀${'b'.repeat(5)}`, 10);
    expect(parts).toEqual(['a'.repeat(9), `😀${'b'.repeat(5)}`]);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(10);
  });
});
