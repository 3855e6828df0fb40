import type { ChannelAdapter } from './channels/types.ts';
import type { Config } from './config.ts';
import { defaultActions, type ActionRegistry } from './engine/actions/registry.ts';
import { inspectFlows } from './engine/inspect.ts';
import { loadFlows, type LoadedFlows } from './engine/load.ts';
import { AppError, ERROR_CODES } from './errors.ts';
import { readLocales, Translator } from './i18n/i18n.ts';
import type { Logger } from './logger.ts';
import { OutboxSender } from './outbox/sender.ts';
import { Router } from './router/router.ts';
import { SqliteStore } from './storage/sqlite-store.ts';

export interface App {
  config: Config;
  store: SqliteStore;
  router: Router;
  sender: OutboxSender;
  translator: Translator;
  flows: LoadedFlows;
  close(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  adapters: ChannelAdapter[];
  clock?: () => Date;
}

/** Loads flows and texts and checks them together; a broken flow stops start-up. */
export function loadContent(config: Config): { flows: LoadedFlows; translator: Translator; actions: ActionRegistry } {
  const flows = loadFlows(config.flowsDir);
  const translator = new Translator(readLocales(config.localesDir), {
    en: { org: config.orgName.en, reply_days: String(config.grievanceReplyDays) },
    hi: { org: config.orgName.hi, reply_days: String(config.grievanceReplyDays) },
  });
  return { flows, translator, actions: defaultActions() };
}

/** The composition root: config → content → store → router → sender. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const clock = options.clock ?? (() => new Date());
  const { flows, translator, actions } = loadContent(config);
  const problems = inspectFlows(flows.set, actions, translator);
  if (problems.length > 0) {
    throw new AppError(
      ERROR_CODES.FLOW_CHECK_FAILED,
      `The flows in ${config.flowsDir} have problems (run \`npx nivaran flows check\`):\n${problems.map((p) => `  ${p.where}: ${p.message}`).join('\n')}`,
    );
  }
  const store = await SqliteStore.open(config.databaseFile);
  const sender = new OutboxSender(store, new Map(options.adapters.map((a) => [a.name, a])), clock, options.logger);
  const router = new Router({
    store,
    flows: flows.set,
    actions,
    translator,
    settings: { grievanceReplyDays: config.grievanceReplyDays },
    clock,
    logger: options.logger,
  });
  return {
    config,
    store,
    router,
    sender,
    translator,
    flows,
    close: () => store.close(),
  };
}
