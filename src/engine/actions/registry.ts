import { lookupTicket } from './lookup-ticket.ts';
import { openTicket } from './open-ticket.ts';
import { requestHandoff } from './request-handoff.ts';
import { setLanguage } from './set-language.ts';
import { setVar } from './set-var.ts';
import { provideTicketInfo, recordFeedback, recordRating } from './ticket-followup.ts';
import { attestConversation, createDataExport, eraseOwnData, planOwnErasure } from './own-data.ts';
import { checkChildren, recordConsent } from './consent.ts';
import { attestChannel, checkIdentity, findPrincipal, sendCode, verifyCode } from './identity.ts';
import { appealTicket, cancelErasure, recordNomination } from './rights.ts';
import type { ActionDefinition } from './types.ts';

export type ActionRegistry = ReadonlyMap<string, ActionDefinition>;

/** Every action a flow may name. `flows check` rejects any other name. */
export function defaultActions(): ActionRegistry {
  const all = [
    setLanguage, setVar, openTicket, lookupTicket, requestHandoff, provideTicketInfo, recordFeedback, recordConsent,
    attestChannel, checkIdentity, findPrincipal, sendCode, verifyCode, recordNomination, cancelErasure, appealTicket,
    recordRating, checkChildren, attestConversation, createDataExport, planOwnErasure, eraseOwnData,
  ] as ActionDefinition[];
  return new Map(all.map((a) => [a.name, a]));
}
