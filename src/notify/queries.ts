import { sql } from 'kysely';
import { featureQueries } from '../storage/feature-queries.ts';
import { prepare } from '../storage/prepared.ts';
import type { NotifyDeliveriesTable } from '../storage/schema.ts';

export type DeliveryRow = Omit<NotifyDeliveriesTable, 'id'> & { id: number };

/** The notification dispatcher's statements (see `featureQueries`). */
export const notifyQueries = featureQueries((db) => ({
  undispatched: prepare<{ limit: number }, { id: number; ticket_id: number; role: string; kind: string; at: string; data: string }>((p) =>
    db.selectFrom('officer_notifications').select(['id', 'ticket_id', 'role', 'kind', 'at', 'data'])
      .where('dispatched_at', 'is', null).orderBy('id').limit(p.limit)),
  markDispatched: prepare<{ id: number; at: string }, never>((p) =>
    db.updateTable('officer_notifications').set({ dispatched_at: p.at }).where('id', '=', p.id).where('dispatched_at', 'is', null)),
  unnotifiedHandoffs: prepare<{ limit: number }, { id: number; status: string; created_at: string; conversation_key: string; officer_id: number | null }>((p) =>
    db.selectFrom('handoffs').select(['id', 'status', 'created_at', 'conversation_key', 'officer_id']).where('officers_notified_at', 'is', null).orderBy('id').limit(p.limit)),
  markHandoffNotified: prepare<{ id: number; at: string }, never>((p) =>
    db.updateTable('handoffs').set({ officers_notified_at: p.at }).where('id', '=', p.id).where('officers_notified_at', 'is', null)),
  ticketOf: prepare<{ id: number }, { number: string; kind: string; assigned_to: number | null }>((p) =>
    db.selectFrom('tickets').select(['number', 'kind', 'assigned_to']).where('id', '=', p.id)),

  insertDelivery: prepare<Omit<NotifyDeliveriesTable, 'id' | 'claimed_at' | 'batch' | 'sent_at' | 'status' | 'attempts'>, never>((p) =>
    db.insertInto('notify_deliveries').values({
      source: p.source, officer_id: p.officer_id, via: p.via, kind: p.kind, ticket_number: p.ticket_number, handoff_id: p.handoff_id,
      digest: p.digest, created_at: p.created_at, due_at: p.due_at, status: 'pending', attempts: 0,
    }).onConflict((oc) => oc.columns(['source', 'officer_id', 'via']).doNothing())),

  /** Recipients with something due: each gets one email for all of it. */
  dueRecipients: prepare<{ now: string; limit: number }, { officer_id: number; via: string }>((p) =>
    db.selectFrom('notify_deliveries').select(['officer_id', 'via']).distinct()
      .where('status', '=', 'pending').where('due_at', '<=', p.now).orderBy('officer_id').limit(p.limit)),
  dueOf: prepare<{ officer_id: number; via: string; now: string; limit: number }, DeliveryRow>((p) =>
    db.selectFrom('notify_deliveries').selectAll()
      .where('officer_id', '=', p.officer_id).where('via', '=', p.via as 'email')
      .where('status', '=', 'pending').where('due_at', '<=', p.now).orderBy('id').limit(p.limit)),
  /** True (1 change) for exactly one claimer. */
  claim: prepare<{ id: number; batch: string; now: string }, never>((p) =>
    db.updateTable('notify_deliveries').set({ status: 'sending', batch: p.batch, claimed_at: p.now })
      .where('id', '=', p.id).where('status', '=', 'pending')),
  markSent: prepare<{ batch: string; now: string }, never>((p) =>
    db.updateTable('notify_deliveries').set({ status: 'sent', sent_at: p.now }).where('batch', '=', p.batch).where('status', '=', 'sending')),
  /** The server refused it or could not be reached: nothing was sent, so it may be tried again. */
  release: prepare<{ batch: string; due: string }, never>((p) =>
    db.updateTable('notify_deliveries').set({ status: 'pending', batch: null, claimed_at: null, due_at: p.due, attempts: sql<number>`attempts + 1` })
      .where('batch', '=', p.batch).where('status', '=', 'sending')),
  /** Nobody to send it to any more (the officer's account was deactivated). */
  cancel: prepare<{ batch: string }, never>((p) =>
    db.updateTable('notify_deliveries').set({ status: 'failed' }).where('batch', '=', p.batch).where('status', '=', 'sending')),
  giveUp: prepare<{ max: number }, never>((p) =>
    db.updateTable('notify_deliveries').set({ status: 'failed' }).where('status', '=', 'pending').where('attempts', '>=', p.max)),
  /** Claimed by a process that stopped before it knew whether the server took it. */
  interrupt: prepare<{ before: string }, never>((p) =>
    db.updateTable('notify_deliveries').set({ status: 'interrupted' }).where('status', '=', 'sending').where('claimed_at', '<', p.before)),
  pruneSent: prepare<{ before: string }, never>((p) =>
    db.deleteFrom('notify_deliveries').where('status', 'in', ['sent', 'failed', 'interrupted']).where('created_at', '<', p.before)),
  redueDigests: prepare<{ officer_id: number; due: string }, never>((p) =>
    db.updateTable('notify_deliveries').set({ due_at: p.due }).where('officer_id', '=', p.officer_id).where('digest', '=', 1).where('status', '=', 'pending')),

  settingsOf: prepare<{ officer_id: number }, { digest_time: string; modes: string }>((p) =>
    db.selectFrom('notify_settings').select(['digest_time', 'modes']).where('officer_id', '=', p.officer_id)),
  allSettings: prepare<Record<string, never>, { officer_id: number; digest_time: string; modes: string }>(() =>
    db.selectFrom('notify_settings').select(['officer_id', 'digest_time', 'modes'])),
  saveSettings: prepare<{ officer_id: number; digest_time: string; modes: string; now: string }, never>((p) =>
    db.insertInto('notify_settings').values({ officer_id: p.officer_id, digest_time: p.digest_time, modes: p.modes, updated_at: p.now })
      .onConflict((oc) => oc.column('officer_id').doUpdateSet({ digest_time: p.digest_time, modes: p.modes, updated_at: p.now }))),

  countsByStatus: prepare<Record<string, never>, { status: string; via: string; n: number }>(() =>
    db.selectFrom('notify_deliveries').select(['status', 'via', sql<number>`count(*)`.as('n')]).groupBy(['status', 'via'])),
}));
