import { describe, expect, it } from 'vitest';
import { parseIdentifiers, resolveIdentifier } from '../../src/breach/recipients.ts';
import { backends, useStores } from '../helpers/backends.ts';

/**
 * A breach notice finds the chats of a pasted mobile number, or a pasted conversation key, on
 * every channel. The WhatsApp Cloud channel is `whatsapp-cloud`: its chats were looked for as
 * `whatsapp:<number>`, a key no channel writes, and a pasted `whatsapp-cloud:` key was taken
 * for an organisation's reference.
 */
for (const backend of backends) {
  describe.skipIf(backend.skip)(`breach recipients on each channel (${backend.name})`, () => {
    const open = useStores(backend);

    it('a mobile number leads to its WhatsApp Cloud and WhatsApp Web chats; their keys may be pasted', async () => {
      const { store } = await open();
      const at = '2026-11-01T04:30:00.000Z';
      await store.transaction(async (u) => {
        for (const key of ['whatsapp-cloud:919876543210', 'whatsapp-web:919812345678@c.us', 'telegram:100001']) {
          await u.transcripts.append({ conversation_key: key, direction: 'in', message_id: null, text: 'hi', at });
        }
      });
      const pasted = parseIdentifiers('9876543210\n+91 98123 45678\nwhatsapp-cloud:919876543210\nwhatsapp-web:919812345678@c.us\ntelegram:100001');
      expect(pasted).toEqual([
        { kind: 'mobile', value: '+919876543210' },
        { kind: 'mobile', value: '+919812345678' },
        { kind: 'conversation', value: 'whatsapp-cloud:919876543210' },
        { kind: 'conversation', value: 'whatsapp-web:919812345678@c.us' },
        { kind: 'conversation', value: 'telegram:100001' },
      ]);
      const resolved = await store.transaction(async (u) => {
        const out = [];
        for (const id of pasted) out.push(await resolveIdentifier(u, id));
        return out;
      });
      expect(resolved.map((r) => r.conversations)).toEqual([
        ['whatsapp-cloud:919876543210'],
        ['whatsapp-web:919812345678@c.us'],
        ['whatsapp-cloud:919876543210'],
        ['whatsapp-web:919812345678@c.us'],
        ['telegram:100001'],
      ]);
    });
  });
}
