import type { FastifyInstance } from 'fastify';
import type { DeskContext } from '../server.ts';

/** (being written) */
export async function registerReviewsRoutes(_server: FastifyInstance, _ctx: DeskContext): Promise<void> {}
