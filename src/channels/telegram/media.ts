import { z } from 'zod';
import { readCapped } from '../../files/download.ts';
import type { InboundFile } from '../../files/intake.ts';

const fileRef = z.object({ file_id: z.string().min(1) });
const update = z.object({
  message: z.object({
    // Telegram sends each photo in several sizes, smallest first: the last is the original.
    photo: z.array(fileRef).min(1).optional(),
    document: fileRef.optional(),
    voice: fileRef.optional(),
    audio: fileRef.optional(),
    video: fileRef.optional(),
  }).optional(),
});

/** The file a message carries that may be evidence (a photo, document, voice note, audio or video). */
export function telegramFileId(raw: unknown): string | undefined {
  const m = update.safeParse(raw);
  const msg = m.success ? m.data.message : undefined;
  if (!msg) return undefined;
  return msg.photo?.at(-1)?.file_id ?? msg.document?.file_id ?? msg.voice?.file_id ?? msg.audio?.file_id ?? msg.video?.file_id;
}

const getFileReply = z.object({ ok: z.literal(true), result: z.object({ file_path: z.string().min(1) }) });

/** Downloads through the Bot API: getFile for the path, then /file/bot<token>/<path>. */
export function telegramFile(token: string, fileId: string, apiRoot = 'https://api.telegram.org'): InboundFile {
  return {
    async fetch(maxBytes) {
      const meta = await fetch(`${apiRoot}/bot${token}/getFile`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ file_id: fileId }), signal: AbortSignal.timeout(30_000),
      });
      const parsed = getFileReply.safeParse(await meta.json());
      if (!parsed.success) throw new Error(`Telegram getFile answered ${meta.status} without a file path`);
      const res = await fetch(`${apiRoot}/file/bot${token}/${parsed.data.result.file_path}`, { signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new Error(`Telegram file download answered ${res.status}`);
      return readCapped(res, maxBytes);
    },
  };
}
