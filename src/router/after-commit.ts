import type { AccessConnector } from '../connectors/access-connector.ts';
import type { Lang } from '../engine/session.ts';
import { deliver, recipientOf } from '../outbox/enqueue.ts';
import { describeError } from '../errors.ts';
import type { Translator } from '../i18n/i18n.ts';
import type { CodeDispatch } from '../identity/otp.ts';
import type { CodeSender } from '../identity/senders/index.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../storage/sqlite-store.ts';
import type { TicketService } from '../tickets/service.ts';

/**
 * Work that may only start once a message's unit of work has committed, because it leaves the
 * process (a one-time code) or waits on another system (an access summary). Nothing in it is
 * written anywhere before it goes: a lost job is asked for again ("resend"), or falls to an officer.
 */
export type AfterCommitJob =
  | { kind: 'send_code'; conversationKey: string; dispatch: CodeDispatch }
  | { kind: 'access_summary'; conversationKey: string; number: string; principalId: number; lang: Lang };

export interface AfterCommitDeps {
  store: Store;
  tickets: TicketService;
  translator: Translator;
  codeSender: CodeSender;
  access: AccessConnector | undefined;
  logger: Logger;
  clock: () => Date;
  onDelivered?: (channel: string) => void;
}

export class AfterCommit {
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly deps: AfterCommitDeps) {}

  /** Codes are sent before this resolves; slower jobs continue in the background (see `settle`). */
  async run(jobs: readonly AfterCommitJob[]): Promise<void> {
    for (const job of jobs) {
      if (job.kind === 'send_code') {
        await this.deps.codeSender
          .send(job.dispatch)
          .catch((err: unknown) => this.deps.logger.warn({ conversation: job.conversationKey, via: job.dispatch.via, error: describeError(err) }, 'one-time code not sent'));
      } else {
        const p = this.accessSummary(job).finally(() => this.background.delete(p));
        this.background.add(p);
      }
    }
  }

  /** Waits for background jobs (console end of input, tests, shutdown). */
  async settle(): Promise<void> {
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
  }

  private async accessSummary(job: Extract<AfterCommitJob, { kind: 'access_summary' }>): Promise<void> {
    const { access, store, tickets, translator, logger } = this.deps;
    if (!access) return;
    try {
      const principal = await store.transaction((uow) => uow.principals.byId(job.principalId));
      if (!principal) return;
      const summary = await access.summary(principal, job.lang);
      if (!summary) return;
      const now = this.deps.clock();
      await store.transaction(async (uow) => {
        const text = translator.t(job.lang, 'common:ticket.access_summary', { number: job.number, summary });
        await deliver(uow, recipientOf(job.conversationKey), { text, choices: [] }, now.toISOString());
        await tickets.transition(uow, job.number, 'resolved', { actor: 'system', reason: translator.t(job.lang, 'common:ticket.access_summary_sent'), now });
      });
      this.deps.onDelivered?.(recipientOf(job.conversationKey).channel);
    } catch (err) {
      logger.error({ ticket: job.number, error: describeError(err) }, 'access summary not delivered; an officer will prepare it');
    }
  }
}
