import { z } from 'zod';
import { readCapped } from '../../files/download.ts';
import type { InboundFile } from '../../files/intake.ts';

const mediaRef = z.object({ id: z.string().min(1) });
const message = z.object({ type: z.string(), image: mediaRef.optional(), document: mediaRef.optional(), audio: mediaRef.optional(), video: mediaRef.optional() });

/** The media id of a Cloud API message that may be evidence (image, document, audio/voice, video). */
export function cloudMediaId(raw: unknown): string | undefined {
  const m = message.safeParse(raw);
  if (!m.success) return undefined;
  return m.data.image?.id ?? m.data.document?.id ?? m.data.audio?.id ?? m.data.video?.id;
}

const mediaUrl = z.object({ url: z.string().url() });

/** The media endpoint: GET /<version>/<media id> gives a short-lived URL, fetched with the same token. */
export function cloudMediaFile(config: { token: string; apiRoot: string; version: string }, mediaId: string): InboundFile {
  const auth = { authorization: `Bearer ${config.token}` };
  return {
    async fetch(maxBytes) {
      const meta = await fetch(`${config.apiRoot}/${config.version}/${encodeURIComponent(mediaId)}`, { headers: auth, signal: AbortSignal.timeout(30_000) });
      const parsed = mediaUrl.safeParse(await meta.json());
      if (!meta.ok || !parsed.success) throw new Error(`the Cloud API media endpoint answered ${meta.status} without a URL`);
      const res = await fetch(parsed.data.url, { headers: auth, signal: AbortSignal.timeout(60_000) });
      if (!res.ok) throw new Error(`the Cloud API media download answered ${res.status}`);
      return readCapped(res, maxBytes);
    },
  };
}
