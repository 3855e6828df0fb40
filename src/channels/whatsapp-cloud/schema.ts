import { z } from 'zod';

/**
 * The WhatsApp Cloud API webhook body (Graph API v21+), as far as Nivaran reads it. The body is
 * untrusted until its signature is checked, and even then shapes drift between Graph versions:
 * every object drops fields it does not know (zod's default), and each message and status is
 * validated on its own (parse.ts), so one odd item never costs the rest of a batch.
 */

/** A WhatsApp id: the user's number as digits, without "+". */
const waId = z.string().regex(/^\d{6,15}$/);

const media = z.object({ id: z.string().optional(), mime_type: z.string().optional() });

/** One shared contact card; only its phones are read. */
export const sharedContactSchema = z.object({
  name: z.object({ formatted_name: z.string().optional() }).optional(),
  phones: z.array(z.object({ phone: z.string().optional(), wa_id: z.string().optional(), type: z.string().optional() })).optional(),
});

/** One inbound message (`value.messages[]`). */
export const messageSchema = z.object({
  from: waId,
  /** `wamid.…`: the same on every redelivery, so it is the router's dedupe key. */
  id: z.string().min(1).max(512),
  /** Unix seconds, as a string. */
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string().min(1).max(40),
  text: z.object({ body: z.string() }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template message. */
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  contacts: z.array(sharedContactSchema).optional(),
  image: media.optional(),
  audio: media.extend({ voice: z.boolean().optional() }).optional(),
  video: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
});
export type WaMessage = z.infer<typeof messageSchema>;

/** One delivery status of a message Nivaran sent (`value.statuses[]`). */
export const statusSchema = z.object({
  id: z.string().min(1).max(512),
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  timestamp: z.string().regex(/^\d{1,12}$/),
  recipient_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number().int(), title: z.string().optional() })).optional(),
});
export type WaStatus = z.infer<typeof statusSchema>;

export const changeValueSchema = z.object({
  messaging_product: z.literal('whatsapp').optional(),
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  // Validated item by item in parse.ts (see above).
  messages: z.array(z.unknown()).optional(),
  statuses: z.array(z.unknown()).optional(),
});

export const webhookBodySchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(
    z.object({
      id: z.string(),
      changes: z.array(z.object({ field: z.string(), value: z.unknown() })),
    }),
  ),
});
export type WaWebhookBody = z.infer<typeof webhookBodySchema>;
