import type { FastifyInstance } from 'fastify';
import type { DeskContext } from '../server.ts';

/** The JSON API (being written). */
export async function registerApiRoutes(_server: FastifyInstance, _ctx: DeskContext): Promise<void> {}
