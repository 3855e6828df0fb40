import { describe, expect, it } from 'vitest';
import { commandToWord, parseUpdate, toE164 } from '../../../src/channels/telegram/parse.ts';

// Shaped as Telegram sends them (Bot API 9.x), trimmed of fields Nivaran does not read only
// where noted.
const from = { id: 5550001, is_bot: false, first_name: 'Asha', last_name: 'Devi', username: 'asha_d', language_code: 'hi' };
const chat = { id: 5550001, first_name: 'Asha', last_name: 'Devi', username: 'asha_d', type: 'private' };
const msg = (extra: Record<string, unknown>, message_id = 17) => ({ update_id: 900_001, message: { message_id, from, chat, date: 1_795_000_000, ...extra } });

describe('parseUpdate', () => {
  it('reads a text message', () => {
    const p = parseUpdate(msg({ text: 'I want to file a complaint' }));
    expect(p).toEqual({
      kind: 'message',
      message: {
        channel: 'telegram',
        conversationId: '5550001',
        senderId: '5550001',
        messageId: '17',
        text: 'I want to file a complaint',
        at: new Date(1_795_000_000_000),
      },
    });
  });

  it('keeps Devanagari text and digits as they are', () => {
    const p = parseUpdate(msg({ text: 'पिछले महीने का बिल दो बार काटा गया। खाता १२३' }));
    expect(p.kind === 'message' && p.message.text).toBe('पिछले महीने का बिल दो बार काटा गया। खाता १२३');
  });

  it('gives the same messageId for a redelivered update', () => {
    const a = parseUpdate(msg({ text: 'हाँ' }, 42));
    const b = parseUpdate(msg({ text: 'हाँ' }, 42));
    expect(a.kind === 'message' && b.kind === 'message' && a.message.messageId === b.message.messageId).toBe(true);
  });

  it('maps bot commands to the router’s words', () => {
    const cmd = (text: string) => {
      const p = parseUpdate(msg({ text, entities: [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] }));
      return p.kind === 'message' ? p.message.text : undefined;
    };
    expect(cmd('/start')).toBe('hello');
    expect(cmd('/start deeplink-payload')).toBe('hello');
    expect(cmd('/menu')).toBe('menu');
    expect(cmd('/menu@NivaranBot')).toBe('menu');
    expect(cmd('/status')).toBe('status');
    expect(cmd('/status GRV-2026-000001')).toBe('status GRV-2026-000001');
    expect(cmd('/language')).toBe('language');
    expect(cmd('/help')).toBe('help');
    expect(cmd('/unknown')).toBe('/unknown');
    expect(commandToWord('not /menu')).toBe('not /menu');
  });

  it('reads a tapped button as a choice, with a stable id', () => {
    const update = {
      update_id: 900_002,
      callback_query: {
        id: '4382bfdwdsb323b2d9',
        from,
        message: { message_id: 88, from: { id: 666, is_bot: true, first_name: 'Nivaran', username: 'NivaranBot' }, chat, date: 1_795_000_000, text: 'Please choose', reply_markup: { inline_keyboard: [[{ text: '1. हिंदी', callback_data: 'hi' }]] } },
        chat_instance: '-8765',
        data: 'hi',
      },
    };
    const p = parseUpdate(update);
    expect(p.kind).toBe('message');
    if (p.kind !== 'message') return;
    expect(p.callbackQueryId).toBe('4382bfdwdsb323b2d9');
    expect(p.message).toMatchObject({ conversationId: '5550001', senderId: '5550001', messageId: 'cb:4382bfdwdsb323b2d9', text: '', choiceId: 'hi' });
    const again = parseUpdate(update);
    expect(again.kind === 'message' && again.message.messageId).toBe('cb:4382bfdwdsb323b2d9');
  });

  it('turns a numbered fallback button (#n) into the typed number', () => {
    const p = parseUpdate({ update_id: 3, callback_query: { id: 'q', from, message: { message_id: 1, chat, date: 1 }, chat_instance: '1', data: '#3' } });
    expect(p.kind === 'message' && p.message).toMatchObject({ text: '3', choiceId: undefined });
  });

  it('reads the citizen’s own shared contact as attested', () => {
    const p = parseUpdate(msg({ contact: { phone_number: '919812345678', first_name: 'Asha', user_id: 5550001 } }));
    expect(p.kind === 'message' && p.message).toMatchObject({
      text: '',
      contact: { phone: '+919812345678', own: true },
      attested: { phone: '+919812345678', method: 'telegram_contact' },
    });
  });

  it('reads someone else’s contact as not own and not attested', () => {
    const p = parseUpdate(msg({ contact: { phone_number: '098123 45679', first_name: 'Ravi', user_id: 7770002 } }));
    expect(p.kind === 'message' && p.message.contact).toEqual({ phone: '+919812345679', own: false });
    expect(p.kind === 'message' && p.message.attested).toBeUndefined();
    // A contact card without a Telegram account has no user_id: never own.
    const q = parseUpdate(msg({ contact: { phone_number: '+44 7911 123456', first_name: 'Sam' } }));
    expect(q.kind === 'message' && q.message.contact).toEqual({ phone: '+447911123456', own: false });
  });

  it('treats an unreadable contact number as an attachment', () => {
    const p = parseUpdate(msg({ contact: { phone_number: '12345', first_name: 'X', user_id: 5550001 } }));
    expect(p.kind === 'message' && p.message).toMatchObject({ text: '', media: 'contact' });
    expect(p.kind === 'message' && p.message.attested).toBeUndefined();
  });

  it('reads stickers, voice notes, photos and other attachments as media with empty text', () => {
    const media = (extra: Record<string, unknown>) => {
      const p = parseUpdate(msg(extra));
      return p.kind === 'message' ? { media: p.message.media, text: p.message.text } : p.kind;
    };
    expect(media({ sticker: { file_id: 'CAACAgIAAxk', file_unique_id: 'AgAD', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false, emoji: '🙏' } })).toEqual({ media: 'sticker', text: '' });
    expect(media({ voice: { file_id: 'AwACAgUAAxk', file_unique_id: 'AgADb', duration: 4, mime_type: 'audio/ogg', file_size: 12_000 } })).toEqual({ media: 'voice', text: '' });
    // A caption is not taken as the answer: the photo itself is not kept.
    expect(media({ photo: [{ file_id: 'AgACAgUAAxk', file_unique_id: 'AQAD', width: 90, height: 67, file_size: 1_200 }], caption: 'मेरा बिल' })).toEqual({ media: 'image', text: '' });
    expect(media({ video: { file_id: 'v', file_unique_id: 'v', width: 1, height: 1, duration: 1 } })).toEqual({ media: 'video', text: '' });
    expect(media({ document: { file_id: 'd', file_unique_id: 'd', file_name: 'bill.pdf' } })).toEqual({ media: 'document', text: '' });
    expect(media({ location: { latitude: 28.61, longitude: 77.2 } })).toEqual({ media: 'location', text: '' });
  });

  it('passes an edited message on as media "edited", never as an answer, with an id of its own', () => {
    const p = parseUpdate({ update_id: 5, edited_message: { message_id: 17, from, chat, date: 1_795_000_000, edit_date: 1_795_000_060, text: 'हाँ जी' } });
    expect(p).toMatchObject({ kind: 'message', message: { channel: 'telegram', conversationId: '5550001', messageId: 'edit:17:1795000060', text: '', media: 'edited' } });
  });

  it('ignores groups, bots, service messages and malformed bodies', () => {
    expect(parseUpdate({ update_id: 6, message: { message_id: 1, from, chat: { id: -100123, title: 'Ward 5', type: 'supergroup' }, date: 1, text: 'hi' } })).toEqual({ kind: 'ignored', reason: 'not_private' });
    expect(parseUpdate(msg({ text: 'x', from: { id: 1, is_bot: true, first_name: 'B' } }))).toEqual({ kind: 'ignored', reason: 'from_bot' });
    expect(parseUpdate(msg({ pinned_message: { message_id: 3 } }))).toEqual({ kind: 'ignored', reason: 'unsupported' });
    expect(parseUpdate({ update_id: 7, my_chat_member: {} })).toEqual({ kind: 'ignored', reason: 'unsupported' });
    expect(parseUpdate({ message: { text: 'no update id' } })).toEqual({ kind: 'ignored', reason: 'invalid' });
    expect(parseUpdate({ update_id: 8, message: { message_id: 'x', chat, text: 'hi' } })).toEqual({ kind: 'ignored', reason: 'invalid' });
    expect(parseUpdate(null)).toEqual({ kind: 'ignored', reason: 'invalid' });
    expect(parseUpdate('{"update_id":1}')).toEqual({ kind: 'ignored', reason: 'invalid' });
  });
});

describe('toE164', () => {
  it('reads Telegram’s own-number digits and Indian national formats', () => {
    expect(toE164('919812345678')).toBe('+919812345678');
    expect(toE164('+91 98123 45678')).toBe('+919812345678');
    expect(toE164('098123 45678')).toBe('+919812345678');
    expect(toE164('9812345678')).toBe('+919812345678');
    expect(toE164('447911123456')).toBe('+447911123456');
    expect(toE164('12345')).toBeUndefined();
  });
});
