import { AppError, ERROR_CODES } from '../errors.ts';

/** One `multipart/form-data` body, read whole: text fields and the file parts' bytes by field name. */
export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, Buffer>;
}

/**
 * A small reader of `multipart/form-data` (RFC 7578) for the desk's one upload form, so the desk
 * needs no multipart package: the body is already bounded by Fastify's `bodyLimit`, so reading it
 * whole is safe. Fields repeat? The first wins. A part without a name is ignored.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartForm {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) throw new AppError(ERROR_CODES.DESK_INPUT, 'The upload has no multipart boundary.');
  const delimiter = Buffer.from(`--${b}`);
  const out: MultipartForm = { fields: {}, files: {} };
  let at = body.indexOf(delimiter);
  if (at < 0) throw new AppError(ERROR_CODES.DESK_INPUT, 'The upload is not a multipart form.');
  for (;;) {
    at += delimiter.length;
    // "--" after a delimiter closes the body.
    if (body.subarray(at, at + 2).toString('latin1') === '--') break;
    const headEnd = body.indexOf('\r\n\r\n', at);
    const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), at);
    if (headEnd < 0 || next < 0 || headEnd > next) throw new AppError(ERROR_CODES.DESK_INPUT, 'The upload was cut short; please send it again.');
    const head = body.subarray(at, headEnd).toString('utf8');
    const content = body.subarray(headEnd + 4, next);
    const disposition = /content-disposition:[^\r\n]*/i.exec(head)?.[0] ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      if (/\bfilename="/i.test(disposition)) out.files[name] ??= Buffer.from(content);
      else out.fields[name] ??= content.toString('utf8');
    }
    at = next + 2;
  }
  return out;
}
