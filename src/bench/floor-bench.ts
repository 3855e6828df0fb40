import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Bot, session, type Context, type SessionFlavor, type StorageAdapter } from 'grammy';

/**
 * The floor `npm run bench` compares Nivaran's durable path with: a bare grammY bot that keeps a
 * session in SQLite and replies to every message, and does nothing else (no dedupe, transcript,
 * outbox, flow engine or tickets). What a minimal Telegram bot with persistent state costs here.
 *
 * No network: updates go in through `handleUpdate`, and an API transformer answers `sendMessage`
 * itself instead of calling Telegram. The session storage is the usual adapter shape (grammY
 * publishes none for better-sqlite3): one table, prepared statements, each write its own commit,
 * with the same WAL and `synchronous = NORMAL` as Nivaran's file, so both keep what they commit.
 */
interface FloorSession {
  step: number;
  answers: string[];
}
type FloorContext = Context & SessionFlavor<FloorSession>;

class SqliteSessionStorage<T> implements StorageAdapter<T> {
  private readonly readStmt: Database.Statement<[string], { value: string }>;
  private readonly writeStmt: Database.Statement<[string, string]>;
  private readonly deleteStmt: Database.Statement<[string]>;

  constructor(db: Database.Database) {
    db.exec('CREATE TABLE IF NOT EXISTS sessions (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    this.readStmt = db.prepare('SELECT value FROM sessions WHERE key = ?');
    this.writeStmt = db.prepare('INSERT INTO sessions (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.deleteStmt = db.prepare('DELETE FROM sessions WHERE key = ?');
  }

  read(key: string): T | undefined {
    const row = this.readStmt.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  write(key: string, value: T): void {
    this.writeStmt.run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.deleteStmt.run(key);
  }
}

export interface Floor {
  /** Every chat sends each text in turn, all chats in flight at once; returns the messages handled. */
  round(tag: string, chats: number[], texts: readonly string[]): Promise<number>;
  close(): void;
}

export function createFloor(): Floor {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nivaran-floor-'));
  const db = new Database(path.join(dir, 'floor.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');

  const bot = new Bot<FloorContext>('0:floor', {
    botInfo: {
      id: 1, is_bot: true, first_name: 'Floor', username: 'floor_bot', can_join_groups: false, can_read_all_group_messages: false,
      supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
      allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false,
    },
  });
  let sent = 0;
  // Answers every API call here: the reply is built and "sent" without a network.
  bot.api.config.use(async (_prev, method, payload) => {
    sent++;
    const chatId = (payload as { chat_id?: number }).chat_id ?? 0;
    const text = (payload as { text?: string }).text ?? '';
    return { ok: true, result: { message_id: sent, date: 0, chat: { id: chatId, type: 'private' }, text, method } } as never;
  });
  bot.use(session({ initial: (): FloorSession => ({ step: 0, answers: [] }), storage: new SqliteSessionStorage<FloorSession>(db) }));
  bot.on('message:text', async (ctx) => {
    ctx.session.step++;
    ctx.session.answers.push(ctx.message.text);
    await ctx.reply(`Step ${ctx.session.step}: noted.`);
  });

  let updateId = 0;
  return {
    async round(tag, chats, texts) {
      let n = 0;
      for (const text of texts) {
        await Promise.all(chats.map((chat) => bot.handleUpdate({
          update_id: ++updateId,
          message: { message_id: updateId, date: 0, chat: { id: chat, type: 'private', first_name: tag }, from: { id: chat, is_bot: false, first_name: tag }, text },
        })));
        n += chats.length;
      }
      return n;
    },
    close() {
      db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
