import { describe, expect, it } from 'vitest';
import { parseWwebMessage, vcardPhone, type WwebMessage } from '../../../src/channels/whatsapp-web/parse.ts';

const FROM = '919812345678@c.us';
function msg(over: Partial<WwebMessage> = {}): WwebMessage {
  return { id: { _serialized: `false_${FROM}_3EB0ABC` }, from: FROM, fromMe: false, type: 'chat', body: 'hello', timestamp: 1_760_000_000, ...over };
}

describe('parseWwebMessage', () => {
  it('a text message, with the sender attested by WhatsApp', () => {
    const p = parseWwebMessage(msg());
    expect(p).toEqual({
      kind: 'message',
      message: {
        channel: 'whatsapp-web',
        conversationId: FROM,
        senderId: FROM,
        messageId: `false_${FROM}_3EB0ABC`,
        text: 'hello',
        at: new Date(1_760_000_000_000),
        attested: { phone: '+919812345678', method: 'whatsapp_sender' },
      },
    });
  });

  it('keeps Devanagari text unchanged', () => {
    const text = 'मेरा बिल दो बार काटा गया। स्थिति GRV-2026-000001';
    const p = parseWwebMessage(msg({ body: text }));
    expect(p.kind === 'message' && p.message.text).toBe(text);
  });

  it.each([
    ['ptt', 'voice'],
    ['audio', 'voice'],
    ['sticker', 'sticker'],
    ['image', 'image'],
    ['video', 'video'],
    ['document', 'document'],
    ['location', 'location'],
  ])('%s → media %s, no text (a caption is not an answer)', (type, media) => {
    const p = parseWwebMessage(msg({ type, body: 'caption' }));
    expect(p.kind).toBe('message');
    if (p.kind !== 'message') return;
    expect(p.message.media).toBe(media);
    expect(p.message.text).toBe('');
    expect(p.message.attested?.phone).toBe('+919812345678');
  });

  it('a shared contact: its TEL (waid preferred) as a contact that is not the sender’s own', () => {
    const vcard = 'BEGIN:VCARD\nVERSION:3.0\nFN:Asha\nTEL;type=CELL;type=VOICE;waid=919876543210:+91 98765 43210\nEND:VCARD';
    const p = parseWwebMessage(msg({ type: 'vcard', body: vcard, vCards: [vcard] }));
    expect(p.kind === 'message' && p.message.contact).toEqual({ phone: '+919876543210', own: false });
    expect(vcardPhone('BEGIN:VCARD\nitem1.TEL:098765 43210\nEND:VCARD')).toBe('+919876543210');
    const unreadable = parseWwebMessage(msg({ type: 'vcard', body: 'BEGIN:VCARD\nFN:x\nEND:VCARD' }));
    expect(unreadable.kind === 'message' && unreadable.message.media).toBe('contact');
  });

  it('ignores groups, status broadcasts, our own messages and service messages', () => {
    expect(parseWwebMessage(msg({ from: '120363025246125486@g.us' }))).toEqual({ kind: 'ignored', reason: 'group' });
    expect(parseWwebMessage(msg({ from: 'status@broadcast' }))).toEqual({ kind: 'ignored', reason: 'status' });
    expect(parseWwebMessage(msg({ fromMe: true }))).toEqual({ kind: 'ignored', reason: 'from_me' });
    expect(parseWwebMessage(msg({ type: 'revoked' }))).toEqual({ kind: 'ignored', reason: 'unsupported' });
    expect(parseWwebMessage(msg({ from: '123@newsletter' }))).toEqual({ kind: 'ignored', reason: 'not_private' });
  });

  it('a @lid sender (number hidden) is served but not attested', () => {
    const p = parseWwebMessage(msg({ from: '81234567890123@lid' }));
    expect(p.kind === 'message' && p.message.attested).toBeUndefined();
    expect(p.kind === 'message' && p.message.conversationId).toBe('81234567890123@lid');
  });
});
