import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';

const TOKEN = '123456789:AAH-example_token_0123456789';
const SECRET = 'a'.repeat(32);

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ DATA_DIR: '/tmp/x', ...env });
  } catch (err) {
    return String((err as Error).message);
  }
  throw new Error('expected the configuration to be refused');
}

describe('Telegram configuration', () => {
  it('is absent without a token', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/x' }).telegram).toBeUndefined();
  });

  it('polls with a token alone, and takes a self-hosted API root', () => {
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN }).telegram).toEqual({ token: TOKEN });
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }).telegram).toEqual({ token: TOKEN, apiRoot: 'http://127.0.0.1:8081' });
  });

  it('uses a webhook with PUBLIC_URL and its secret', () => {
    const c = loadConfig({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://nivaran.example.in/', TELEGRAM_WEBHOOK_SECRET: SECRET, PORT: '8443' });
    expect(c.telegram?.webhook).toEqual({ publicUrl: 'https://nivaran.example.in', secretToken: SECRET, port: 8443 });
  });

  it('names the variable, never its value, when one is wrong', () => {
    const bad = configError({ TELEGRAM_BOT_TOKEN: 'not-a-token-secretvalue' });
    expect(bad).toContain('TELEGRAM_BOT_TOKEN');
    expect(bad).not.toContain('secretvalue');
    expect(configError({ TELEGRAM_BOT_TOKEN: '123:short' })).toContain('TELEGRAM_BOT_TOKEN');
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://x.example' })).toContain('TELEGRAM_WEBHOOK_SECRET: is required when PUBLIC_URL is set');
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'http://x.example', TELEGRAM_WEBHOOK_SECRET: SECRET })).toContain('PUBLIC_URL');
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://x.example', TELEGRAM_WEBHOOK_SECRET: 'short' })).toContain('TELEGRAM_WEBHOOK_SECRET');
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, PUBLIC_URL: 'https://x.example', TELEGRAM_WEBHOOK_SECRET: `${'a'.repeat(20)}!` })).toContain('TELEGRAM_WEBHOOK_SECRET');
    expect(configError({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: 'ftp://x' })).toContain('TELEGRAM_API_ROOT');
    expect(configError({ PUBLIC_URL: 'https://x.example', TELEGRAM_WEBHOOK_SECRET: SECRET })).toContain('TELEGRAM_BOT_TOKEN: is required');
  });
});
