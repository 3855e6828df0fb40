import { describe, expect, it } from 'vitest';
import { CHAT_CHANNELS, conversationKeysOfMobile } from '../../src/channels/by-number.ts';
import { conversationKey } from '../../src/channels/types.ts';
import { parseWebhook } from '../../src/channels/whatsapp-cloud/parse.ts';
import { parseWwebMessage } from '../../src/channels/whatsapp-web/parse.ts';
import { PHONE_ID, text } from './whatsapp-cloud/payloads.ts';

/** The keys a mobile number leads to are the keys the channels give the chats from that number. */
describe('conversation keys of a mobile number', () => {
  it('are those of a WhatsApp Cloud message and a WhatsApp Web message from it', () => {
    const cloud = parseWebhook(text('hello', '919812345678'), PHONE_ID).messages[0]!;
    const web = parseWwebMessage({ id: { _serialized: 'false_919812345678@c.us_3EB0' }, from: '919812345678@c.us', fromMe: false, type: 'chat', body: 'hello', timestamp: 1_760_000_000 });
    if (web.kind !== 'message') throw new Error('not parsed');
    const keys = conversationKeysOfMobile('+919812345678');
    expect(keys).toEqual([conversationKey(cloud.channel, cloud.conversationId), conversationKey(web.message.channel, web.message.conversationId)]);
    expect(keys).toEqual(['whatsapp-cloud:919812345678', 'whatsapp-web:919812345678@c.us']);
    for (const key of keys) expect(CHAT_CHANNELS).toContain(key.slice(0, key.indexOf(':')));
  });
});
