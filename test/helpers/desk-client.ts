import type { FastifyInstance } from 'fastify';
import { TEST_PASSWORD } from './desk.ts';

/**
 * A browser's part in a conversation with the desk, over fastify's `inject`: its cookies, and the
 * form token (CSRF) of the last page it read, sent with each form unless a test says otherwise.
 */
export class DeskClient {
  private readonly jar = new Map<string, string>();
  csrf = '';
  constructor(private readonly server: FastifyInstance) {}

  private cookie(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keep(res: { headers: Record<string, unknown>; body: string }): void {
    const set = res.headers['set-cookie'];
    for (const c of ([] as string[]).concat((set as string[] | string | undefined) ?? [])) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const value = pair!.slice(i + 1);
      if (value === '' || /Expires=Thu, 01 Jan 1970/i.test(c)) this.jar.delete(pair!.slice(0, i));
      else this.jar.set(pair!.slice(0, i), value);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body)?.[1];
    if (token) this.csrf = token;
  }

  /** The Cookie header this browser sends (for a request made outside `inject`, such as a live stream). */
  get cookieHeader(): string {
    return this.cookie();
  }

  async get(url: string) {
    const res = await this.server.inject({ url, headers: { cookie: this.cookie() } });
    this.keep(res);
    return res;
  }

  /** `csrf: null` sends the form without a token; a string sends that token instead of the page's. */
  async post(url: string, form: Record<string, string>, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams(form);
    if (opts.csrf !== null) body.set('_csrf', opts.csrf ?? this.csrf);
    const res = await this.server.inject({
      method: 'POST', url, payload: body.toString(),
      headers: { cookie: this.cookie(), 'content-type': 'application/x-www-form-urlencoded' },
    });
    this.keep(res);
    return res;
  }

  /** Logs in through the form; throws unless the desk accepts it. */
  async login(email: string, password = TEST_PASSWORD) {
    await this.get('/login');
    const res = await this.post('/login', { email, password, next: '/queue' });
    if (res.statusCode !== 303) throw new Error(`log-in as ${email} failed: ${res.statusCode}`);
    return res;
  }
}
