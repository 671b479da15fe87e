import { computePvv, decryptPinBlock, hashesEqual } from '../crypto/index.ts';
import { Sensitive } from '../shared/index.ts';
import type { Queryable } from '../store/index.ts';
import { synthesisePan } from './pan.ts';

const DECOY_PAN = synthesisePan('decoy', '0000');
const DECOY_PIN = new Sensitive('0000');

/**
 * The reference bank's HSM emulation: decrypts the ISO 9564 format-1 PIN
 * block under the zone PIN key, computes the Visa PVV for the card's PAN and
 * compares it with the stored one in constant time. An unknown, blocked,
 * expired or cancelled card, or a malformed block, runs the same steps
 * against a decoy and answers false, so timing does not tell them apart.
 *
 * @example
 *   await verifyPin(db, { zpk, pvk }, { customerId: 'CUS-0001', cardLast4: '4821', pinBlock }); // true or false
 */
export async function verifyPin(
  q: Queryable,
  keys: { zpk: Buffer; pvk: Buffer; pvki: number },
  req: { customerId: string; cardLast4: string; pinBlock: Buffer },
): Promise<boolean> {
  const [card] = await q.query<{ pan: string; pvki: number; pvv: string; status: string }>(
    'SELECT pan, pvki, pvv, status FROM bank_cards WHERE customer_id = $1 AND last4 = $2',
    [req.customerId, req.cardLast4],
  );
  const usable = card !== undefined && card.status === 'active';
  // A malformed block is a wrong PIN, not an error the caller can probe.
  const pin = decryptOrNull(req.pinBlock, keys.zpk);
  const pvv = computePvv(usable ? card.pan : DECOY_PAN, pin ?? DECOY_PIN, usable ? card.pvki : keys.pvki, keys.pvk);
  // The PIN string goes out of scope here; JavaScript strings cannot be wiped,
  // the buffers that held it were (see crypto/pin-block.ts).
  return hashesEqual(pvv, usable ? card.pvv : 'XXXX') && usable && pin !== null;
}

function decryptOrNull(block: Buffer, zpk: Buffer): Sensitive<string> | null {
  if (block.length !== 8) return null;
  try {
    return decryptPinBlock(block, zpk);
  } catch {
    return null;
  }
}
