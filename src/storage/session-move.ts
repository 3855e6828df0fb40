import { newSession } from '../engine/engine.ts';
import { SESSION_VERSION, type Lang, type Json, type Position, type SessionState } from '../engine/session.ts';
import type { UnitOfWork } from './unit-of-work.ts';

/**
 * Puts a question to a citizen from outside their conversation (an officer asks for
 * information; a resolved ticket asks whether they are satisfied). Their session is moved to
 * the flow step that waits for the answer; where they were is kept on the stack, so after
 * answering they return to it. The caller sends the question itself.
 *
 * It lives beside the session store (not in the router, nor in the engine, which does no I/O) so
 * that a domain service moving a session reaches down, never up into the router.
 */
export async function interject(
  uow: UnitOfWork,
  conversationKey: string,
  at: Position,
  vars: Record<string, Json>,
  lang: Lang,
): Promise<void> {
  const stored = await uow.sessions.get<SessionState>(conversationKey);
  const s: SessionState = stored?.v === SESSION_VERSION ? stored.state : newSession(lang);
  if (s.status === 'waiting' && !(s.at.flow === at.flow && s.at.step === at.step)) s.stack.push({ ...s.at });
  s.at = { ...at };
  s.status = 'waiting';
  s.attempts = 0;
  s.lang ??= lang;
  // A new object, not an edit in place: the session store hands out the answers it caches.
  s.vars = { ...s.vars, ...vars };
  // An officer holding the chat keeps it: the question waits in the session for when it is handed back.
  const live = stored?.v === SESSION_VERSION ? stored.live : undefined;
  await uow.sessions.set(conversationKey, { v: SESSION_VERSION, rev: (stored?.rev ?? 0) + 1, state: s, ...(live ? { live } : {}) });
}
