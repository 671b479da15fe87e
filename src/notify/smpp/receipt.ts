/** SMPP 3.4 §5.2.12 esm_class bits 5-2 of a deliver_sm: xx0001xx is "SMSC Delivery Receipt". */
const MESSAGE_TYPE_MASK = 0x3c;
const SMSC_DELIVERY_RECEIPT = 0x04;

/** SMPP 3.4 §5.2.28 message_state values, in the receipt text's words (Appendix B). */
const STATE_WORDS: Readonly<Record<number, string>> = {
  1: 'ENROUTE', 2: 'DELIVRD', 3: 'EXPIRED', 4: 'DELETED', 5: 'UNDELIV', 6: 'ACCEPTD', 7: 'UNKNOWN', 8: 'REJECTD',
};

/** Final states, and what they mean for the message; others (ENROUTE, ACCEPTD, UNKNOWN) are not final. */
const FINAL: Readonly<Record<string, 'delivered' | 'failed'>> = {
  DELIVRD: 'delivered', UNDELIV: 'failed', EXPIRED: 'failed', REJECTD: 'failed', DELETED: 'failed',
};

export interface DeliverSmFields {
  esmClass: number;
  /** The receipted_message_id TLV (SMPP 3.4 §5.3.2.12), when sent. */
  receiptedMessageId?: string | undefined;
  /** The message_state TLV (§5.3.2.35), when sent. */
  messageState?: number | undefined;
  /** The short_message as text. */
  text: string;
}

export interface ParsedReceipt {
  messageId: string;
  /** "stat:UNDELIV err:001": the centre's words, never the receipt's "text:" excerpt. */
  detail: string;
  /** null for a state that is not final. */
  status: 'delivered' | 'failed' | null;
}

/**
 * Reads a delivery receipt from a deliver_sm: the TLVs when the centre sends
 * them, else the text of SMPP 3.4 Appendix B, `id:… sub:… dlvrd:… submit
 * date:… done date:… stat:DELIVRD err:000 text:…`. Null when the deliver_sm
 * is not a receipt or names no message.
 *
 * @example
 *   parseReceipt({ esmClass: 0x04, text: 'id:0a1b sub:001 dlvrd:001 submit date:2601010900 done date:2601010901 stat:DELIVRD err:000 text:' })
 *   // { messageId: '0a1b', detail: 'stat:DELIVRD err:000', status: 'delivered' }
 */
export function parseReceipt(fields: DeliverSmFields): ParsedReceipt | null {
  if ((fields.esmClass & MESSAGE_TYPE_MASK) !== SMSC_DELIVERY_RECEIPT) return null;
  const text = fields.text;
  const messageId = nonEmpty(fields.receiptedMessageId) ?? word(text, 'id');
  if (messageId === null) return null;
  const stateWord = fields.messageState !== undefined ? STATE_WORDS[fields.messageState] : undefined;
  const stat = stateWord ?? word(text, 'stat')?.toUpperCase() ?? null;
  if (stat === null) return null;
  const err = word(text, 'err');
  return {
    messageId,
    detail: err === null ? `stat:${stat}` : `stat:${stat} err:${err}`,
    status: FINAL[stat] ?? null,
  };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value.length === 0 ? null : value;
}

// Only short word-like values are taken, so nothing but the field itself can reach a record.
function word(text: string, key: string): string | null {
  const match = new RegExp(`(?:^|\\s)${key}:([A-Za-z0-9_-]{1,64})`, 'i').exec(text);
  return match?.[1] ?? null;
}
