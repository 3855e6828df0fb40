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
  /** A photo, document or voice note the citizen sent, to download when a step may take it (evidence). */
  file?: import('../files/intake.ts').InboundFile | undefined;
  /** The platform's id of that file (set by the parser; the channel turns it into `file` with its credentials). */
  fileRef?: string | undefined;
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

/**
 * What the outbox tells a channel about the reply it is sending, and how the channel reports
 * back. A channel that sends one reply as several platform messages (text, then buttons) reports
 * each part, so a retry after a failure or a crash sends only the parts not yet accepted.
 */
export interface Delivery {
  /** Parts of this reply the platform already accepted: skip them. */
  readonly partsSent: number;
  /** When the citizen last wrote in this conversation, as every instance knows it (the database). */
  readonly lastInboundAt: Date | undefined;
  /** Call just before part `index` goes out. */
  sending(index: number): Promise<void>;
  /** Call once part `index` was accepted; `last` when no part follows. */
  accepted(index: number, last: boolean): Promise<void>;
  /** The reply was not sent but announced: keep it until the citizen writes, then send it whole. */
  hold(): void;
  /**
   * The platform says the window is closed although the database thought it open (clocks
   * differ): believe it for this conversation until the citizen writes again.
   */
  windowClosed(): Promise<void>;
}

export interface ChannelAdapter {
  readonly name: string;
  /**
   * True when `send` reports its parts through `delivery`; otherwise the outbox treats each
   * reply as one part.
   */
  readonly reportsParts?: boolean;
  /**
   * Conversations the outbox may be sending to at once (8 by default). A channel that holds each
   * chat to a slow pace must have more in flight to reach its overall rate.
   */
  readonly concurrency?: number;
  send(conversationId: string, message: OutboundMessage, delivery?: Delivery): Promise<void>;
}

export function conversationKey(channel: string, conversationId: string): string {
  return `${channel}:${conversationId}`;
}
