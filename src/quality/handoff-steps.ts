import { prepare } from '../storage/prepared.ts';
import { featureQueries } from '../storage/feature-queries.ts';
import type { UnitOfWork } from '../storage/unit-of-work.ts';

const queries = featureQueries((db) => ({
  setStep: prepare<{ idempotency_key: string; flow_step: string }, never>((p) =>
    db.updateTable('handoffs').set({ flow_step: p.flow_step }).where('idempotency_key', '=', p.idempotency_key).where('flow_step', 'is', null)),
}));

/**
 * Notes on a new hand-off where the citizen was when they asked for an officer (`flow/step`), for
 * the quality trends per flow step. Runs in the message's unit of work, right after the insert.
 */
export async function recordHandoffStep(uow: UnitOfWork, idempotencyKey: string, at: { flow: string; step: string }): Promise<void> {
  await uow.exec.run(queries(uow.dialect).setStep, { idempotency_key: idempotencyKey, flow_step: `${at.flow}/${at.step}` });
}
