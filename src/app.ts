import type { ChannelAdapter } from './channels/types.ts';
import type { Config } from './config.ts';
import type { BusinessCalendar } from './domain/sla/calendar.ts';
import { loadCalendar } from './domain/sla/calendar-files.ts';
import { holidayImportCommand, missingHolidayYears } from './domain/sla/holiday-coverage.ts';
import { defaultActions, type ActionRegistry } from './engine/actions/registry.ts';
import { inspectFlows, type Problem } from './engine/inspect.ts';
import { loadFlows, type LoadedFlows } from './engine/load.ts';
import { AppError, describeError, ERROR_CODES } from './errors.ts';
import { readLocales, Translator } from './i18n/i18n.ts';
import type { Logger } from './logger.ts';
import { OutboxSender } from './outbox/sender.ts';
import { loadProfile } from './profile/load.ts';
import { LAW_KEYS, lawGlobals } from './profile/law-texts.ts';
import { TICKET_KINDS } from './profile/schema.ts';
import { assertWithinCeiling } from './domain/sla/ceiling.ts';
import type { Profile } from './profile/schema.ts';
import { createHash } from 'node:crypto';
import { LANGS, type Lang } from './engine/session.ts';
import { Directory } from './identity/directory.ts';
import { OtpService } from './identity/otp.ts';
import { createCodeSender, senderChannels, type CodeSender } from './identity/senders/index.ts';
import { Router } from './router/router.ts';
import type { HostServices } from './router/engine-services.ts';
import { AfterCommit } from './router/after-commit.ts';
import { AccessConnector } from './connectors/access-connector.ts';
import { otpSecret } from './secrets.ts';
import { Scheduler } from './scheduler/scheduler.ts';
import { openStore } from './storage/open-store.ts';
import type { Store } from './storage/sqlite-store.ts';
import { TICKET_NOTICE_KEYS, TicketService } from './tickets/service.ts';
import { HANDOFF_NOTICE_KEYS, HandoffService } from './handoff/handoff-service.ts';
import { LiveBus } from './desk/live-bus.ts';
import { Accounts, organisationWords } from './desk/accounts.ts';
import { DeskService } from './desk/desk-service.ts';
import { QualityService } from './quality/quality-service.ts';
import { RetentionService } from './retention/retention-service.ts';
import { BreachService } from './breach/breach-service.ts';
import { recipientOf } from './outbox/enqueue.ts';
import { loadIntents } from './understanding/intents.ts';
import { Understanding } from './understanding/understanding.ts';
import { inspectIntents } from './understanding/inspect.ts';
import { inspectGlossary, loadGlossary, type Glossary } from './understanding/glossary.ts';
import { Departments } from './departments/departments.ts';
import { withCategoryMenu, withCategoryTexts, withDeskTexts } from './departments/menu.ts';
import { OfficerNotifier } from './notify/notifier.ts';
import { Metrics } from './metrics/metrics.ts';
import { EvidenceFiles } from './files/evidence.ts';
import { EvidenceIntake } from './files/intake.ts';
import { fileStoreFor } from './files/file-store.ts';
import { TelegramOfficersChat } from './channels/telegram/officers-chat.ts';
import { SmtpOfficerMailer, type OfficerMailer, type OfficersChat } from './notify/transports.ts';

export interface Content {
  flows: LoadedFlows;
  translator: Translator;
  actions: ActionRegistry;
  profile: Profile;
  calendar: BusinessCalendar;
  /** The citizens' own words → intents and options, trained from flows/intents.yaml at load. */
  understanding: Understanding;
  /** locales/glossary.yaml: one word per idea in citizens' texts (checked by `flows check`). */
  glossary?: Glossary | undefined;
  /** The organisation's departments (one implicit department when the profile declares none). */
  departments: Departments;
}

export interface App {
  config: Config;
  content: Content;
  store: Store;
  router: Router;
  afterCommit: AfterCommit;
  sender: OutboxSender;
  tickets: TicketService;
  scheduler: Scheduler;
  handoffs: HandoffService;
  /** The officers' desk: queue, tickets, actions and live chats, each audited. */
  desk: DeskService;
  accounts: Accounts;
  /** The daily purge of expired data (retention periods, holds and exceptions). */
  retention: RetentionService;
  /** Quality review: the periodic sample for reviewers and their scores. */
  quality: QualityService;
  /** Personal-data breaches: the record, the notices to those affected, the report to the Board. */
  breaches: BreachService;
  /** Conversations with new activity, for the desk's live pages. */
  live: LiveBus;
  /** Officers told by email and the officers' Telegram chat (a job of the scheduler's sweep). */
  notifier: OfficerNotifier;
  /** /metrics and /readyz. */
  metrics: Metrics;
  /** Evidence files: checked, stored by content (DATA_DIR/files, or the database with DATABASE_URL). */
  evidence: EvidenceFiles;
  /**
   * Called when something outside a citizen's message queued replies (the desk, the scheduler):
   * channels that only drain on their own input (the console) listen here.
   */
  onOutbox(listener: (channel: string) => void): void;
  close(): Promise<void>;
}

export interface AppOptions {
  logger: Logger;
  adapters: ChannelAdapter[];
  clock?: () => Date;
  /** Where one-time codes go; by default the sender OTP_SENDER names. */
  codeSender?: CodeSender;
  /** The one-time-code service; tests give one with a fixed code. */
  otp?: OtpService;
  /** Officers' emails; by default SMTP_URL / SMTP_FROM when set. */
  officerMailer?: OfficerMailer;
  /** The officers' Telegram chat; by default OFFICERS_TELEGRAM_CHAT_ID when set. */
  officersChat?: OfficersChat;
}

/**
 * The consent notice as each language renders it, with its version and SHA-256: the ledger keeps
 * both, so the organisation can prove which text a citizen accepted (DPDP s.6(10)).
 */
export function consentNotices(content: Content): Record<Lang, { version: string; hash: string }> {
  const out = {} as Record<Lang, { version: string; hash: string }>;
  for (const lang of LANGS) {
    const text = content.translator.t(lang, 'consent.notice');
    out[lang] = { version: content.profile.consent.noticeVersion, hash: createHash('sha256').update(text).digest('hex') };
  }
  return out;
}

/** Reads the profile, calendar, flows and texts. Each names its file and field when wrong. */
export function loadContent(config: Config): Content {
  const profile = loadProfile(config.profileFile);
  const calendar = loadCalendar(config.calendarsDir, profile.calendar);
  // The statutory ceiling is checked against the real holidays of every year the calendar
  // knows: 59 working days pass a fixed maximum yet end past 90 days for some receipt dates.
  for (const kind of TICKET_KINDS) {
    assertWithinCeiling(`The organisation profile ${config.profileFile} (PROFILE_FILE), policies.${kind}`, profile.policies[kind], calendar, calendar.coveredYears);
  }
  const departments = Departments.fromProfile(profile, calendar, (id) => loadCalendar(config.calendarsDir, id));
  // Each department's own clocks, on its own calendar, within the same ceilings.
  for (const d of departments.declared ? departments.list : []) {
    for (const kind of TICKET_KINDS) {
      assertWithinCeiling(`The organisation profile ${config.profileFile} (PROFILE_FILE), departments.${d.id}.policies.${kind}`, d.policies[kind], d.calendar, d.calendar.coveredYears);
    }
  }
  const flows = withCategoryMenu(loadFlows(config.flowsDir), departments);
  const org = profile.organisation;
  const globals = (lang: 'en' | 'hi') => ({
    org: org.name[lang],
    contact_title: org.contact.title[lang],
    contact_name: org.contact.name,
    contact_email: org.contact.email ?? '',
    contact_phone: org.contact.phone ?? '',
    retention_months: String(profile.retention.transcriptMonths),
    cooling_off_days: String(profile.erasure.coolingOffDays),
  });
  const locales = withDeskTexts(withCategoryTexts(readLocales(config.localesDir), departments));
  // Texts the law wants in many messages (the contact line of Rule 9, the notice's links) are
  // rendered once from their own keys, then given to every text as values.
  const base = new Translator(locales, { en: globals('en'), hi: globals('hi') });
  const withLaw = (lang: 'en' | 'hi') => ({ ...globals(lang), ...lawGlobals(profile, (key, params) => base.t(lang, key, params), lang) });
  const translator = new Translator(locales, { en: withLaw('en'), hi: withLaw('hi') });
  const understanding = new Understanding(loadIntents(config.flowsDir), translator.labels);
  return { flows, translator, actions: defaultActions(), profile, calendar, departments, understanding, glossary: loadGlossary(config.localesDir) };
}

/** `flows check`: the flows, and every text the engine and the ticket service send, in both languages. */
export function checkContent(content: Content): Problem[] {
  const { keys, problems } = inspectIntents(content.understanding.def, content.flows.set, content.translator);
  const glossary = content.glossary ? inspectGlossary(content.glossary, content.translator.resources) : [];
  return [...inspectFlows(content.flows.set, content.actions, content.translator, [...TICKET_NOTICE_KEYS, ...HANDOFF_NOTICE_KEYS, ...LAW_KEYS, ...keys]), ...problems, ...glossary];
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
  // The organisation's calendar and every department's own.
  const calendars = new Map([content.calendar, ...content.departments.list.map((d) => d.calendar)].map((c) => [c.id, c]));
  for (const cal of calendars.values()) {
    for (const year of missingHolidayYears(cal, clock())) {
      options.logger.warn(
        { calendar: cal.id, year, dir: config.calendarsDir },
        `no holiday list for ${year}: working-day deadlines in ${year} skip weekends only. When the official list is published, import it with \`${holidayImportCommand(cal.id, year)}\` and restart`,
      );
    }
  }
  const store = await openStore(config);
  const tickets = new TicketService({
    profile: content.profile, calendar: content.calendar, translator: content.translator, logger: options.logger, departments: content.departments,
  });
  const metrics = new Metrics(store, clock);
  const sender = new OutboxSender(store, new Map(options.adapters.map((a) => [a.name, metrics.instrumentAdapter(a)])), clock, options.logger, { leaseMs: config.outboxLeaseMs });
  const live = new LiveBus();
  const outboxListeners: Array<(channel: string) => void> = [];
  const activity = (conversationKey: string) => {
    live.emit(conversationKey);
    const { channel } = recipientOf(conversationKey);
    for (const l of outboxListeners) l(channel);
  };
  const handoffs = new HandoffService({
    store, translator: content.translator, logger: options.logger, clock, waitMinutes: content.profile.desk.handoffWaitMinutes, onActivity: activity,
  });
  const host: HostServices = {
    tickets,
    profile: content.profile,
    consentNotices: consentNotices(content),
    otp: options.otp ?? new OtpService({ secret: otpSecret(config) }),
    directory: new Directory({ profile: content.profile, logger: options.logger }),
    codeChannels: senderChannels(config),
    exportLinks: config.desk ? { publicUrl: config.desk.publicUrl } : undefined,
  };
  const accessConfig = content.profile.connectors.access;
  const afterCommit = new AfterCommit({
    store,
    tickets,
    translator: content.translator,
    codeSender: options.codeSender ?? createCodeSender(config),
    access: accessConfig ? new AccessConnector(accessConfig, options.logger) : undefined,
    logger: options.logger,
    clock,
  });
  const fileStore = fileStoreFor(config, clock);
  const evidence = new EvidenceFiles({
    store,
    files: fileStore,
    maxBytes: content.profile.files.maxBytes,
    clock,
    departments: content.departments,
  });
  const router = new Router({
    store,
    flows: content.flows.set,
    actions: content.actions,
    translator: content.translator,
    understanding: content.understanding,
    host,
    afterCommit,
    clock,
    logger: options.logger,
    onActivity: (key) => live.emit(key),
    evidence: new EvidenceIntake({ evidence, maxBytes: content.profile.files.maxBytes, translator: content.translator, logger: options.logger }),
  });
  // Messages in and their processing time, counted around the one choke point.
  router.handle = metrics.timeHandle(router.handle.bind(router));
  const retention = new RetentionService({ store, profile: content.profile, clock, logger: options.logger, files: fileStore });
  const quality = new QualityService({ store, profile: content.profile, clock, logger: options.logger, departments: content.departments });
  const officerMailer = options.officerMailer ?? (config.smtp ? new SmtpOfficerMailer(config.smtp) : undefined);
  const notifier = new OfficerNotifier({
    store,
    translator: content.translator,
    clock,
    logger: options.logger,
    mailer: officerMailer,
    chat: options.officersChat ?? (config.officersTelegramChatId && config.telegram
      ? new TelegramOfficersChat(config.telegram.token, config.officersTelegramChatId, config.telegram.apiRoot)
      : undefined),
    deskUrl: config.desk?.publicUrl,
    departments: content.departments,
  });
  const breaches = new BreachService({ store, profile: content.profile, translator: content.translator, logger: options.logger, clock });
  const scheduler = new Scheduler(store, tickets, clock, options.logger, {
    onDelivered: () => {
      for (const l of outboxListeners) for (const a of options.adapters) l(a.name);
    },
    jobs: [
      { name: 'handoff timeouts', run: () => handoffs.sweepTimeouts() },
      { name: 'quality sample', run: () => quality.sampleIfDue() },
      { name: 'retention purge', run: () => retention.runIfDue() },
      { name: 'breach notices', run: () => breaches.dispatch() },
      { name: 'breach reminders', run: () => breaches.remindIfDue() },
      { name: 'officer notifications', run: () => notifier.run() },
      { name: 'file sweep', run: () => evidence.sweep() },
    ],
  });
  scheduler.sweep = metrics.timeSweep(scheduler.sweep.bind(scheduler));
  return {
    config,
    content,
    store,
    router,
    afterCommit,
    sender,
    tickets,
    scheduler,
    handoffs,
    desk: new DeskService({ store, tickets, handoffs, profile: content.profile, clock, onActivity: activity, evidence }),
    accounts: new Accounts(store, clock, config.desk?.sessionHours ?? 12, config.apiTokenDays, organisationWords(content.profile)),
    retention,
    quality,
    breaches,
    live,
    notifier,
    metrics,
    evidence,
    onOutbox: (listener) => {
      outboxListeners.push(listener);
    },
    close: async () => {
      scheduler.stop();
      await afterCommit.settle();
      // Claims this instance still holds go back at once, not after their lease runs out.
      await sender.close().catch((err: unknown) => options.logger.warn({ error: describeError(err) }, 'giving back outbox claims failed'));
      officerMailer?.close?.();
      await store.close();
    },
  };
}
