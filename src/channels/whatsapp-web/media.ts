import type { InboundFile } from '../../files/intake.ts';

interface WithMedia {
  hasMedia?: unknown;
  downloadMedia?: unknown;
}

/**
 * whatsapp-web.js: a message with `hasMedia` downloads through `downloadMedia()` (base64 in
 * `data`); undefined for a message without media. Downloaded only if the router takes the file.
 */
export function wwebFile(raw: unknown): InboundFile | undefined {
  const m = (raw && typeof raw === 'object' ? raw : {}) as WithMedia;
  if (m.hasMedia !== true || typeof m.downloadMedia !== 'function') return undefined;
  const download = m.downloadMedia as () => Promise<{ data?: unknown } | undefined>;
  return {
    async fetch() {
      const media = await download.call(raw);
      if (!media || typeof media.data !== 'string') throw new Error('WhatsApp Web gave no media for this message (it may have expired on the phone)');
      return new Uint8Array(Buffer.from(media.data, 'base64'));
    },
  };
}
