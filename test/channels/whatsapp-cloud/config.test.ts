import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';

const FULL = {
  WA_CLOUD_TOKEN: 'EAAGexampletoken0123456789abcdef',
  WA_CLOUD_PHONE_ID: '106540352242922',
  WA_CLOUD_APP_SECRET: '0123456789abcdef0123456789abcdef',
  WA_CLOUD_VERIFY_TOKEN: 'verify-token-42',
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: '/tmp/x', ...env });
  } catch (err) {
    return String((err as Error).message);
  }
  throw new Error('expected the configuration to be refused');
}

describe('WhatsApp Cloud configuration', () => {
  it('is absent without credentials', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/x' }).whatsappCloud).toBeUndefined();
  });

  it('takes all four, the Graph root by default, and PORT', () => {
    expect(loadConfig({ ...FULL, PORT: '9000' }).whatsappCloud).toEqual({
      token: FULL.WA_CLOUD_TOKEN,
      phoneNumberId: FULL.WA_CLOUD_PHONE_ID,
      appSecret: FULL.WA_CLOUD_APP_SECRET,
      verifyToken: FULL.WA_CLOUD_VERIFY_TOKEN,
      apiRoot: 'https://graph.facebook.com',
      port: 9000,
    });
    expect(loadConfig({ ...FULL, WA_CLOUD_API_ROOT: 'http://127.0.0.1:8090/' }).whatsappCloud?.apiRoot).toBe('http://127.0.0.1:8090');
  });

  it('names each missing one, and never a value', () => {
    const msg = configError({ WA_CLOUD_TOKEN: FULL.WA_CLOUD_TOKEN, WA_CLOUD_PHONE_ID: FULL.WA_CLOUD_PHONE_ID });
    expect(msg).toContain('WA_CLOUD_APP_SECRET: is required');
    expect(msg).toContain('WA_CLOUD_VERIFY_TOKEN: is required');
    expect(msg).not.toContain('WA_CLOUD_TOKEN: is required');
    expect(msg).not.toContain(FULL.WA_CLOUD_TOKEN);
    expect(configError({ ...FULL, WA_CLOUD_PHONE_ID: '+91 98123 45678' })).toContain('WA_CLOUD_PHONE_ID');
    expect(configError({ ...FULL, WA_CLOUD_API_ROOT: 'ftp://x' })).toContain('WA_CLOUD_API_ROOT');
  });
});
