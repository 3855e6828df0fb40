import type { IncomingMessage } from 'node:http';

/** A request body over the limit: answer 413. */
export class BodyTooLarge extends Error {}

/**
 * The raw bytes of a request body, up to `maxBytes` (webhook signatures are computed over these
 * exact bytes, so they are kept as a Buffer).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop keeping it, but read the rest, so the 413 can still be written on this socket.
        req.off('data', onData);
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}
