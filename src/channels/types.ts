/**
 * The two shapes that cross the channel boundary. Platform types (grammY, whatsapp-web.js,
 * Cloud API payloads) never leave src/channels/<name>/.
 */
export interface InboundMessage {
  /** Adapter name: console, telegram, whatsapp-web, whatsapp-cloud. */
  channel: string;
  /** The chat on that platform; with `channel` it names the conversation. */
  conversationId: string;
  senderId: string;
  /** The platform's message id: redeliveries carry the same one. */
  messageId: string;
  text: string;
  /** The id of a button or list row the citizen tapped. */
  choiceId?: string | undefined;
  /** A contact the citizen shared; `own` when the platform says it is their own. */
  contact?: { phone: string; own: boolean } | undefined;
  /** sticker, voice, image, video, document, location… when the message has no readable text. */
  media?: string | undefined;
  /**
   * A number the platform vouches is the sender's own: the WhatsApp sender, or a contact a
   * Telegram user shared from their own account. Identity's first level of assurance.
   */
  attested?: { phone: string; method: 'whatsapp_sender' | 'telegram_contact' } | undefined;
  at: Date;
}

export interface OutboundMessage {
  text: string;
  /** Options to tap; each adapter renders them its own way (buttons, list, numbered text). */
  choices: Array<{ id: string; label: string }>;
  /**
   * The label of a "share my number" button, when the question asks for the citizen's own
   * number; channels that can (Telegram) offer it, others ignore it (the citizen types it).
   */
  requestContact?: string | undefined;
}

export interface ChannelAdapter {
  readonly name: string;
  send(conversationId: string, message: OutboundMessage): Promise<void>;
}

export function conversationKey(channel: string, conversationId: string): string {
  return `${channel}:${conversationId}`;
}
