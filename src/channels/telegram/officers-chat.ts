import type { Api } from './bot-api.ts';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { OfficersChat } from '../../notify/transports.ts';

// grammY stays inside src/channels/: the notifier sees only `OfficersChat`.
/** The bot posts to OFFICERS_TELEGRAM_CHAT_ID (the bot must be a member of that group). */
export class TelegramOfficersChat implements OfficersChat {
  private api: Promise<Api> | undefined;

  constructor(private readonly token: string, private readonly chatId: string, private readonly apiRoot?: string) {}

  async post(text: string): Promise<void> {
    // grammY is loaded on the first post, not at start-up: most starts never post, and the
    // library is a large part of what start-up would otherwise load and compile.
    this.api ??= import('./bot-api.ts').then(({ Api }) => new Api(this.token, this.apiRoot ? { apiRoot: this.apiRoot } : undefined));
    const api = await this.api;
    try {
      await api.sendMessage(this.chatId, text, { link_preview_options: { is_disabled: true } });
    } catch (err: unknown) {
      const e = err as { error_code?: unknown; description?: unknown };
      const detail = typeof e.error_code === 'number' ? `Telegram error ${e.error_code}${typeof e.description === 'string' ? `: ${e.description}` : ''}` : 'no answer from Telegram';
      throw new AppError(ERROR_CODES.NOTIFY_SEND_FAILED, `The officers' Telegram chat was not posted to (${detail}); check OFFICERS_TELEGRAM_CHAT_ID and that the bot is a member of that group. It is tried again.`);
    }
  }
}
