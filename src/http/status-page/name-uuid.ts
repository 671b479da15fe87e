import { createHash } from 'node:crypto';

/** Clave's namespace for the status feed's ids (random, fixed forever: changing it renames every entry). */
const NAMESPACE = '02ba494d-9f13-4bd6-86a0-0232277739e8';

/**
 * A name-based UUID (RFC 9562 §5.5, version 5): the same name always gives
 * the same id, so an incident keeps its feed entry's atom:id whatever its
 * own id looks like (RFC 4287 §4.2.6: the id "MUST NOT change").
 *
 * @example
 *   nameUuid('incident:inc-1:es') // 'urn:uuid:…' (always the same)
 */
export function nameUuid(name: string): string {
  const hash = createHash('sha1').update(Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  // RFC 9562 §5.5: version 5 in the high nibble of octet 6, variant 10 in the top bits of octet 8.
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
