import type { ChannelAdapter } from './channels/types.ts';
import type { Config } from './config.ts';
import type { BusinessCalendar } from './domain/sla/calendar.ts';
import { loadCalendar } from './domain/sla/calendar-files.ts';
import { istYear } from './domain/time/ist.ts';
import { defaultActions, type ActionRegistry } from './engine/actions/registry.ts';
import { inspectFlows, type Problem } from './engine/inspect.ts';
import { loadFlows, type LoadedFlows } from './engine/load.ts';
import { AppError, ERROR_CODES } from './errors.ts';
import { readLocales, Translator } from './i18n/i18n.ts';
import type { Logger } from './logger.ts';
import { OutboxSender } from './outbox/sender.ts';
import { loadProfile } from './profile/load.ts';
import type { Profile } from './profile/schema.ts';
import { Router } from './router/router.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { openStore } from './storage/open-store.ts';
import type { Store } from './storage/sqlite-store.ts';
import { TICKET_NOTICE_KEYS, TicketService } from './tickets/service.ts';

export interface Content {
  flows: LoadedFlows;
  translator: Translator;
  actions: ActionRegistry;
  profile: Profile;
  calendar: BusinessCalendar;
}

export interface App {
  config: Config;
  content: Content;
  store: Store;
  router: Router;
  sender: OutboxSender;
  tickets: TicketService;
  scheduler: Scheduler;
  close(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  adapters: ChannelAdapter[];
  clock?: () => Date;
}

/** Reads the profile, calendar, flows and texts. Each names its file and field when wrong. */
export function loadContent(config: Config): Content {
  const profile = loadProfile(config.profileFile);
  const calendar = loadCalendar(config.calendarsDir, profile.calendar);
  const flows = loadFlows(config.flowsDir);
  const org = profile.organisation;
  const globals = (lang: 'en' | 'hi') => ({
    org: org.name[lang],
    contact_title: org.contact.title[lang],
    contact_name: org.contact.name,
    contact_email: org.contact.email ?? '',
    contact_phone: org.contact.phone ?? '',
  });
  const translator = new Translator(readLocales(config.localesDir), { en: globals('en'), hi: globals('hi') });
  return { flows, translator, actions: defaultActions(), profile, calendar };
}

/** `flows check`: the flows, and every text the engine and the ticket service send, in both languages. */
export function checkContent(content: Content): Problem[] {
  return inspectFlows(content.flows.set, content.actions, content.translator, TICKET_NOTICE_KEYS);
}

/** The composition root: config → content → store → tickets → router, sender, scheduler. */
export async function createApp(config: Config, options: AppOptions): Promise<App> {
  const clock = options.clock ?? (() => new Date());
  const content = loadContent(config);
  const problems = checkContent(content);
  if (problems.length > 0) {
    throw new AppError(
      ERROR_CODES.FLOW_CHECK_FAILED,
      `The flows in ${config.flowsDir} have problems (run \`npx nivaran flows check\`):\n${problems.map((p) => `  ${p.where}: ${p.message}`).join('\n')}`,
    );
  }
  const year = istYear(clock());
  const missing = [year, year + 1].filter((y) => !content.calendar.covers(y));
  if (missing.length > 0) {
    options.logger.warn(
      { calendar: content.calendar.id, years: missing, dir: config.calendarsDir },
      'no holiday list for these years: working-day deadlines will skip weekends only; add calendars/<id>-<year>.json or run `nivaran calendar import`',
    );
  }
  const store = await openStore(config);
  const tickets = new TicketService({ profile: content.profile, calendar: content.calendar, translator: content.translator, logger: options.logger });
  const sender = new OutboxSender(store, new Map(options.adapters.map((a) => [a.name, a])), clock, options.logger);
  const router = new Router({
    store,
    flows: content.flows.set,
    actions: content.actions,
    translator: content.translator,
    tickets,
    clock,
    logger: options.logger,
  });
  const scheduler = new Scheduler(store, tickets, clock, options.logger);
  return {
    config,
    content,
    store,
    router,
    sender,
    tickets,
    scheduler,
    close: async () => {
      scheduler.stop();
      await store.close();
    },
  };
}
