import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { telegramFile, telegramFileId } from '../../src/channels/telegram/media.ts';
import { parseUpdate } from '../../src/channels/telegram/parse.ts';
import { cloudMediaFile, cloudMediaId } from '../../src/channels/whatsapp-cloud/media.ts';

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
const TOKEN = '123456789:AAHfakeTokenForTestsOnly_abcdefghij';
const MAX = 1024 * 1024;

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function serve(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('Telegram: the file of a message, downloaded with getFile', () => {
  const photoUpdate = {
    update_id: 1,
    message: { message_id: 7, date: 1795400000, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'A' }, photo: [{ file_id: 'small', width: 90, height: 90 }, { file_id: 'large', width: 1280, height: 1280 }] },
  };

  it('takes the largest photo size, or the document, voice note, audio or video', () => {
    expect(telegramFileId(photoUpdate)).toBe('large');
    expect(telegramFileId({ message: { document: { file_id: 'doc' } } })).toBe('doc');
    expect(telegramFileId({ message: { voice: { file_id: 'v' } } })).toBe('v');
    expect(telegramFileId({ message: { text: 'hello' } })).toBeUndefined();
    const parsed = parseUpdate(photoUpdate);
    expect(parsed).toMatchObject({ kind: 'message', message: { media: 'image', fileRef: 'large', text: '' } });
  });

  it('getFile, then /file/bot<token>/<path>', async () => {
    const asked: string[] = [];
    const root = await serve((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      if (req.url === `/bot${TOKEN}/getFile`) {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          expect(JSON.parse(body)).toEqual({ file_id: 'large' });
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify({ ok: true, result: { file_id: 'large', file_path: 'photos/file_1.jpg' } }));
        });
        return;
      }
      if (req.url === `/file/bot${TOKEN}/photos/file_1.jpg`) return void res.end(PNG);
      res.statusCode = 404;
      res.end();
    });
    expect(Buffer.from(await telegramFile(TOKEN, 'large', root).fetch(MAX))).toEqual(PNG);
    expect(asked).toEqual([`POST /bot${TOKEN}/getFile`, `GET /file/bot${TOKEN}/photos/file_1.jpg`]);
  });

  it('a failed getFile is an error (the router tells the citizen to send it again)', async () => {
    const root = await serve((_req, res) => res.end(JSON.stringify({ ok: false, error_code: 400, description: 'Bad Request: file is too big' })));
    await expect(telegramFile(TOKEN, 'x', root).fetch(MAX)).rejects.toThrow(/without a file path/);
  });
});

describe('WhatsApp Cloud: the media endpoint', () => {
  it('the media id of an image, document, audio or video message', () => {
    expect(cloudMediaId({ type: 'image', image: { id: 'm1', mime_type: 'image/jpeg' } })).toBe('m1');
    expect(cloudMediaId({ type: 'document', document: { id: 'd1' } })).toBe('d1');
    expect(cloudMediaId({ type: 'text', text: { body: 'hi' } })).toBeUndefined();
  });

  it('GET /<version>/<id> for the URL, then the URL, both with the token', async () => {
    const asked: string[] = [];
    let root = '';
    root = await serve((req, res) => {
      asked.push(`${req.url} ${req.headers.authorization}`);
      if (req.headers.authorization !== 'Bearer cloud-token') {
        res.statusCode = 401;
        return void res.end('{}');
      }
      if (req.url === '/v21.0/m1') return void res.end(JSON.stringify({ url: `${root}/media/abc`, mime_type: 'image/png' }));
      if (req.url === '/media/abc') return void res.end(PNG);
      res.statusCode = 404;
      res.end('{}');
    });
    const file = cloudMediaFile({ token: 'cloud-token', apiRoot: root, version: 'v21.0' }, 'm1');
    expect(Buffer.from(await file.fetch(MAX))).toEqual(PNG);
    expect(asked).toEqual(['/v21.0/m1 Bearer cloud-token', '/media/abc Bearer cloud-token']);
    await expect(cloudMediaFile({ token: 'wrong', apiRoot: root, version: 'v21.0' }, 'm1').fetch(MAX)).rejects.toThrow(/answered 401/);
  });
});

describe('a file larger than files.maxBytes', () => {
  it('is refused by its declared length, or cut off as it streams, never read whole into memory', async () => {
    let served = 0;
    const root = await serve((req, res) => {
      if (req.url === '/v21.0/big') return void res.end(JSON.stringify({ url: `${root}/media/big` }));
      if (req.url === '/v21.0/chunked') return void res.end(JSON.stringify({ url: `${root}/media/chunked` }));
      if (req.url === '/media/big') {
        res.setHeader('content-length', String(50 * MAX));
        res.write(Buffer.alloc(64 * 1024));
        served += 64 * 1024;
        return;
      }
      // No declared length: 64 KiB at a time for as long as the client reads.
      const pump = () => {
        if (res.destroyed || served > 40 * MAX) return void res.end();
        served += 64 * 1024;
        if (res.write(Buffer.alloc(64 * 1024))) setImmediate(pump);
        else res.once('drain', pump);
      };
      pump();
    });
    const cloud = (id: string) => cloudMediaFile({ token: 't', apiRoot: root, version: 'v21.0' }, id).fetch(MAX);
    await expect(cloud('big')).rejects.toMatchObject({ code: 'NIV_FILE_REJECTED', details: { reason: 'too_large' } });
    served = 0;
    await expect(cloud('chunked')).rejects.toMatchObject({ code: 'NIV_FILE_REJECTED', details: { reason: 'too_large' } });
    // Stopped soon after the limit, not at the 40 MiB the server would go on sending.
    expect(served).toBeLessThan(8 * MAX);
  });
});

describe('WhatsApp Web: downloadMedia', () => {
  it('a message with media downloads its base64 bytes; one without has no file', async () => {
    const { wwebFile } = await import('../../src/channels/whatsapp-web/media.ts');
    const msg = { hasMedia: true, async downloadMedia(this: { hasMedia: boolean }) { expect(this.hasMedia).toBe(true); return { mimetype: 'image/png', data: PNG.toString('base64') }; } };
    expect(Buffer.from(await wwebFile(msg)!.fetch(MAX))).toEqual(PNG);
    expect(wwebFile({ hasMedia: false, downloadMedia: async () => undefined })).toBeUndefined();
    await expect(wwebFile({ hasMedia: true, downloadMedia: async () => undefined })!.fetch(MAX)).rejects.toThrow(/no media/);
  });
});
