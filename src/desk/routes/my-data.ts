import type { FastifyInstance } from 'fastify';
import type { DeskContext } from '../server.ts';

/** The citizen's download of their own data, by the link sent in the chat (being written). */
export async function registerMyDataRoutes(_server: FastifyInstance, _ctx: DeskContext): Promise<void> {}
