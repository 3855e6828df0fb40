import { Api } from 'grammy';
import { AppError, ERROR_CODES } from '../../errors.ts';
import type { OfficersChat } from '../../notify/transports.ts';

// grammY stays inside src/channels/: the notifier sees only `OfficersChat`.
/** The bot posts to OFFICERS_TELEGRAM_CHAT_ID (the bot must be a member of that group). */
export class TelegramOfficersChat implements OfficersChat {
  private readonly api: Api;

  constructor(token: string, private readonly chatId: string, apiRoot?: string) {
    this.api = new Api(token, apiRoot ? { apiRoot } : undefined);
  }

  async post(text: string): Promise<void> {
    try {
      await this.api.sendMessage(this.chatId, text, { link_preview_options: { is_disabled: true } });
    } catch (err: unknown) {
      const e = err as { error_code?: unknown; description?: unknown };
      const detail = typeof e.error_code === 'number' ? `Telegram error ${e.error_code}${typeof e.description === 'string' ? `: ${e.description}` : ''}` : 'no answer from Telegram';
      throw new AppError(ERROR_CODES.NOTIFY_SEND_FAILED, `The officers' Telegram chat was not posted to (${detail}); check OFFICERS_TELEGRAM_CHAT_ID and that the bot is a member of that group. It is tried again.`);
    }
  }
}
