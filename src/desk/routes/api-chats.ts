import { z } from 'zod';
import { MAX_OFFICER_TEXT } from '../../handoff/handoff-service.ts';
import type { DeskContext } from '../server.ts';
import { errors, officerOf, secured, type ApiInstance } from './api-common.ts';
import { afterQuery, chatDetailSchema, chatParams, chatSchema, chatStateSchema, chatUpdateSchema } from './api-schemas.ts';

const messageBody = z.strictObject({
  text: z.string().trim().min(1, 'Write a message first.').max(MAX_OFFICER_TEXT, `A message can be at most ${MAX_OFFICER_TEXT} characters; send it in parts.`).describe('What the citizen receives'),
});

export function registerChatApi(api: ApiInstance, ctx: DeskContext): void {
  const { desk, handoffs } = ctx.app;
  /** The chat after a change, as the API answers it. */
  const state = async (id: number) => {
    const h = await handoffs.get(id);
    return { id: h.id, status: h.status, officerId: h.officer_id, takenAt: h.taken_at, closedAt: h.closed_at };
  };

  api.get(
    '/chats',
    { schema: { ...secured('chats', 'Live chats', 'Citizens waiting for an officer, and chats officers hold.'), response: { 200: z.array(chatSchema), ...errors(403) } } },
    async (request) => desk.chats(officerOf(request)),
  );

  api.get(
    '/chats/:id',
    {
      schema: {
        ...secured('chats', 'A live chat', 'The chat with the conversation so far and the citizen’s tickets.'),
        params: chatParams,
        response: { 200: chatDetailSchema, ...errors(400, 403, 409) },
      },
    },
    async (request) => desk.chat(officerOf(request), request.params.id),
  );

  api.get(
    '/chats/:id/messages',
    {
      schema: {
        ...secured('chats', 'New messages of a live chat', 'Rows of the conversation after the given row id (at most 200), with the chat’s status.'),
        params: chatParams,
        querystring: afterQuery,
        response: { 200: chatUpdateSchema, ...errors(400, 403, 409) },
      },
    },
    async (request) => desk.chatAfter(officerOf(request), request.params.id, request.query.after, { audit: true }),
  );

  api.post(
    '/chats/:id/take',
    {
      schema: {
        ...secured('chats', 'Take a live chat', 'The citizen is told that you have joined; their messages then come to you instead of the assistant. 409 when another officer was quicker.'),
        params: chatParams,
        response: { 200: chatStateSchema, ...errors(400, 403, 409) },
      },
    },
    async (request) => {
      await desk.takeChat(officerOf(request), request.params.id);
      return state(request.params.id);
    },
  );

  api.post(
    '/chats/:id/messages',
    {
      schema: {
        ...secured('chats', 'Write to the citizen', 'Only the officer holding the chat may write. The text is masked like any transcript text.'),
        params: chatParams,
        body: messageBody,
        response: { 200: chatStateSchema, ...errors(400, 403, 409) },
      },
    },
    async (request) => {
      await desk.sayInChat(officerOf(request), request.params.id, request.body.text);
      return state(request.params.id);
    },
  );

  api.post(
    '/chats/:id/release',
    {
      schema: {
        ...secured('chats', 'Hand the chat back to the assistant', 'Ends the chat (or a waiting request nobody took); the citizen is told.'),
        params: chatParams,
        response: { 200: chatStateSchema, ...errors(400, 403, 409) },
      },
    },
    async (request) => {
      await desk.releaseChat(officerOf(request), request.params.id);
      return state(request.params.id);
    },
  );
}
