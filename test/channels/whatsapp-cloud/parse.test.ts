import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../../src/channels/whatsapp-cloud/parse.ts';
import { buttonReply, CITIZEN, contactsMessage, envelope, inbound, listReply, PHONE_ID, statuses, sticker, text } from './payloads.ts';

const attested = { phone: `+${CITIZEN}`, method: 'whatsapp_sender' };

describe('parseWebhook', () => {
  it('reads a text message, attested by WhatsApp, with the wamid as its id', () => {
    const body = text('My water bill was charged twice', CITIZEN, 1_795_000_000);
    const p = parseWebhook(body, PHONE_ID);
    expect(p.valid).toBe(true);
    expect(p.messages).toHaveLength(1);
    const m = p.messages[0]!;
    expect(m).toEqual({
      channel: 'whatsapp-cloud',
      conversationId: CITIZEN,
      senderId: CITIZEN,
      messageId: expect.stringMatching(/^wamid\./) as unknown,
      text: 'My water bill was charged twice',
      attested,
      at: new Date(1_795_000_000_000),
    });
    // A redelivery of the same body gives the same id (the router's dedupe key).
    expect(parseWebhook(body, PHONE_ID).messages[0]!.messageId).toBe(m.messageId);
  });

  it('reads button and list replies as choices', () => {
    expect(parseWebhook(buttonReply('yes', 'Yes'), PHONE_ID).messages[0]).toMatchObject({ text: '', choiceId: 'yes', attested });
    expect(parseWebhook(listReply('grievance', 'Register a grievance'), PHONE_ID).messages[0]).toMatchObject({ text: '', choiceId: 'grievance' });
    // A numbered fallback id comes back as the typed number.
    const numbered = parseWebhook(listReply('#4', 'Talk to an officer'), PHONE_ID).messages[0]!;
    expect(numbered.text).toBe('4');
    expect(numbered.choiceId).toBeUndefined();
  });

  it('reads a template quick reply by its label', () => {
    const p = parseWebhook(inbound({ type: 'button', button: { payload: 'Yes', text: 'Yes' } }), PHONE_ID);
    expect(p.messages[0]!.text).toBe('Yes');
    expect(p.messages[0]!.choiceId).toBeUndefined();
  });

  it('reads a shared contact as someone else’s number in E.164; only the sender is attested', () => {
    const m = parseWebhook(contactsMessage(), PHONE_ID).messages[0]!;
    expect(m.contact).toEqual({ phone: '+919812345679', own: false });
    expect(m.attested).toEqual(attested);
    expect(m.text).toBe('');
  });

  it('reads stickers, voice notes and other media as media with empty text', () => {
    expect(parseWebhook(sticker(), PHONE_ID).messages[0]).toMatchObject({ text: '', media: 'sticker', attested });
    const kind = (message: Record<string, unknown>) => parseWebhook(inbound(message), PHONE_ID).messages[0]?.media;
    expect(kind({ type: 'image', image: { id: '1', mime_type: 'image/jpeg', caption: 'my bill' } })).toBe('image');
    expect(kind({ type: 'audio', audio: { id: '1', mime_type: 'audio/ogg; codecs=opus', voice: true } })).toBe('voice');
    expect(kind({ type: 'audio', audio: { id: '1', mime_type: 'audio/mpeg' } })).toBe('audio');
    expect(kind({ type: 'video', video: { id: '1' } })).toBe('video');
    expect(kind({ type: 'document', document: { id: '1', filename: 'bill.pdf' } })).toBe('document');
    expect(kind({ type: 'location', location: { latitude: 28.61, longitude: 77.2, name: 'Ward office' } })).toBe('location');
    expect(kind({ type: 'unsupported', errors: [{ code: 131051, title: 'Message type unknown' }] })).toBe('unsupported');
    // A reaction is not a turn of the conversation.
    expect(parseWebhook(inbound({ type: 'reaction', reaction: { message_id: 'wamid.OUT1', emoji: '👍' } }), PHONE_ID).messages).toEqual([]);
  });

  it('reads delivery statuses, with the error code of a failure', () => {
    const p = parseWebhook(statuses(), PHONE_ID);
    expect(p.messages).toEqual([]);
    expect(p.statuses).toEqual([
      { messageId: 'wamid.OUT1', status: 'delivered', at: new Date(1_795_000_010_000) },
      { messageId: 'wamid.OUT2', status: 'failed', at: new Date(1_795_000_020_000), errorCode: 131047 },
    ]);
  });

  it('skips malformed items without losing the rest of the batch, and other business numbers', () => {
    const body = envelope({
      messages: [
        { from: CITIZEN, id: 'wamid.A', timestamp: '1795000000', type: 'text', text: { body: 'first' } },
        { from: 'not-a-number', id: 'wamid.B', timestamp: '1795000000', type: 'text', text: { body: 'x' } },
        { from: CITIZEN, id: 'wamid.C', timestamp: '1795000001', type: 'text', text: { body: 'third' } },
      ],
    });
    const p = parseWebhook(body, PHONE_ID);
    expect(p.messages.map((m) => m.messageId)).toEqual(['wamid.A', 'wamid.C']);
    expect(p.skipped).toBe(1);
    expect(parseWebhook(body, '999999999').messages).toEqual([]);
  });

  it('refuses bodies that are not WhatsApp Business Account events', () => {
    expect(parseWebhook({ object: 'page', entry: [] }).valid).toBe(false);
    expect(parseWebhook(null).valid).toBe(false);
    expect(parseWebhook({ object: 'whatsapp_business_account' }).valid).toBe(false);
  });
});
