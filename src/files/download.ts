import { AppError, ERROR_CODES } from '../errors.ts';

/**
 * A platform's download of a citizen's file, read at most `maxBytes` (profile files.maxBytes) into
 * memory: refused by its declared length before any byte is read, and cut off as soon as more
 * arrives than that, so a 100 MB document is never held in memory only to be refused.
 *
 * @throws AppError FILE_REJECTED with `reason: 'too_large'`
 */
export async function readCapped(res: Response, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError(ERROR_CODES.FILE_REJECTED, `The file is larger than the ${maxBytes} bytes accepted (profile files.maxBytes).`, { details: { reason: 'too_large', maxBytes } });
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(await res.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
