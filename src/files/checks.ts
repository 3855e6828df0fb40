import { AppError, ERROR_CODES } from '../errors.ts';

/**
 * The types evidence may be, by content (the first bytes), never by the name or the type the
 * sender's app claimed: photos, PDFs, office documents and voice notes. Anything else (programs,
 * archives, web pages) is refused.
 */
export const ACCEPTED_TYPES: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'image/heif': 'heif',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/mpeg': 'mp3',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'video/mp4': 'mp4',
};

export interface CheckedFile {
  mime: string;
  ext: string;
  size: number;
}

/** @throws AppError FILE_REJECTED naming the size limit or the type found. */
export async function checkEvidence(bytes: Uint8Array, maxBytes: number): Promise<CheckedFile> {
  if (bytes.byteLength === 0) throw new AppError(ERROR_CODES.FILE_REJECTED, 'The file is empty.', { details: { reason: 'empty' } });
  if (bytes.byteLength > maxBytes) {
    throw new AppError(ERROR_CODES.FILE_REJECTED, `The file is ${bytes.byteLength} bytes; at most ${maxBytes} are accepted (profile files.maxBytes).`, {
      details: { reason: 'too_large', maxBytes },
    });
  }
  // file-type is loaded with the first file checked, not at start-up, which does not need it.
  const { fileTypeFromBuffer } = await import('file-type');
  const found = await fileTypeFromBuffer(bytes);
  const mime = found?.mime === 'audio/x-m4a' ? 'audio/mp4' : found?.mime;
  const ext = mime ? ACCEPTED_TYPES[mime] : undefined;
  if (!mime || !ext) {
    throw new AppError(ERROR_CODES.FILE_REJECTED, `This kind of file is not accepted (${mime ?? 'unknown type'}): send a photo, a PDF, a document or a voice note.`, {
      details: { reason: 'type', found: mime ?? null },
    });
  }
  return { mime, ext, size: bytes.byteLength };
}
