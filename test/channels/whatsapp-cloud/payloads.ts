/**
 * Webhook bodies shaped as the Cloud API sends them (Graph v21, webhooks reference), including
 * fields Nivaran does not read (`context`, `pricing`, `conversation`…), which must be ignored.
 */
export const PHONE_ID = '106540352242922';
export const WABA_ID = '102290129340398';
export const CITIZEN = '919812345678';

let seq = 1;
/** A fresh wamid (base64-like, as WhatsApp's are). */
export function wamid(): string {
  return `wamid.HBgMOTE5ODEyMzQ1Njc4FQIAEhgUM0E${String(seq++).padStart(6, '0')}QUZFRTAzODEwMTQ0RgA=`;
}

export function envelope(value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: WABA_ID, changes: [{ value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '911140001234', phone_number_id: PHONE_ID }, ...value }, field: 'messages' }] }],
  };
}

export function inbound(message: Record<string, unknown>, from = CITIZEN, at = 1_795_000_000): Record<string, unknown> {
  return envelope({
    contacts: [{ profile: { name: 'Asha Devi' }, wa_id: from }],
    messages: [{ from, id: wamid(), timestamp: String(at), ...message }],
  });
}

export const text = (body: string, from?: string, at?: number) => inbound({ type: 'text', text: { body } }, from, at);
export const buttonReply = (id: string, title: string, from?: string, at?: number) =>
  inbound({ context: { from: '911140001234', id: 'wamid.OUT1' }, type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } }, from, at);
export const listReply = (id: string, title: string, from?: string, at?: number) =>
  inbound({ context: { from: '911140001234', id: 'wamid.OUT2' }, type: 'interactive', interactive: { type: 'list_reply', list_reply: { id, title, description: 'more words' } } }, from, at);

export const contactsMessage = () =>
  inbound({
    type: 'contacts',
    contacts: [{ name: { formatted_name: 'Ravi Kumar', first_name: 'Ravi', last_name: 'Kumar' }, phones: [{ phone: '+91 98123 45679', wa_id: '919812345679', type: 'CELL' }] }],
  });

export const sticker = () => inbound({ type: 'sticker', sticker: { mime_type: 'image/webp', sha256: 'Zm9v', id: '1234567890123456', animated: false } });

export const statuses = () =>
  envelope({
    statuses: [
      {
        id: 'wamid.OUT1',
        status: 'delivered',
        timestamp: '1795000010',
        recipient_id: CITIZEN,
        conversation: { id: 'c0ffee', origin: { type: 'service' } },
        pricing: { billable: true, pricing_model: 'PMP', category: 'service' },
      },
      {
        id: 'wamid.OUT2',
        status: 'failed',
        timestamp: '1795000020',
        recipient_id: CITIZEN,
        errors: [{ code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } }],
      },
    ],
  });
