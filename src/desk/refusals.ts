import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit-log.ts';
import { describeError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { Store } from '../storage/sqlite-store.ts';

/**
 * A refused access (403) by a known officer is audited: who tried to reach what (the path, no
 * query or body), so probing the ladder or walking ids leaves a trace. Pages and the API alike.
 */
export async function auditRefusal(store: Store, request: FastifyRequest, now: Date, logger: Logger): Promise<void> {
  const officer = request.officer;
  if (!officer) return;
  await store.transaction((uow) => appendAudit(uow, {
    actor: `officer:${officer.id}`, action: 'access.refused', subject: `route:${request.method} ${request.url.split('?')[0]!.slice(0, 200)}`, at: now,
  })).catch((e: unknown) => logger.error({ error: describeError(e) }, 'could not audit a refused access'));
}
