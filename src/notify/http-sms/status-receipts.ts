import type { DeliveryReceipt } from '../types.ts';
import { readId, readPath } from './json-path.ts';

export interface StatusMapping {
  /** Where the list of status objects is, when the body wraps it (e.g. 'events'); otherwise the body is one object or an array of them. */
  itemsPath?: string;
  /** Where each object names the provider's message id (the one deliver returned). */
  idPath: string;
  statusPath: string;
  /** Optional provider error code or reason, kept in the receipt's detail. */
  detailPath?: string;
  /** Status values that mean the handset got it / it will never arrive; compared without case. Others (queued, sent…) are not final and ignored. */
  deliveredValues: string[];
  failedValues: string[];
}

export type ReceiptsResult = { ok: true; receipts: DeliveryReceipt[] } | { ok: false; reason: string };

/**
 * Reads a provider's status callback into receipts. Objects whose status is
 * neither delivered nor failed (intermediate states) produce none; an object
 * without an id or a status makes the whole callback malformed, so the
 * provider sees an error and a mapping mistake does not go unnoticed.
 *
 * @example
 *   receiptsFromStatus({ id: 'm-1', status: 'DELIVERED' }, mapping, 'http-sms', at)
 *   // { ok: true, receipts: [{ provider: 'http-sms', providerRef: 'm-1', status: 'delivered', detail: 'status:DELIVERED', at }] }
 */
export function receiptsFromStatus(body: unknown, mapping: StatusMapping, provider: string, at: Date): ReceiptsResult {
  const container = mapping.itemsPath === undefined ? body : readPath(body, mapping.itemsPath);
  const items = Array.isArray(container) ? container : [container];
  const delivered = new Set(mapping.deliveredValues.map((v) => v.toLowerCase()));
  const failed = new Set(mapping.failedValues.map((v) => v.toLowerCase()));
  const receipts: DeliveryReceipt[] = [];
  for (const [i, item] of items.entries()) {
    if (typeof item !== 'object' || item === null) return { ok: false, reason: `status item ${i} is not an object` };
    const ref = readId(item, mapping.idPath);
    const status = readPath(item, mapping.statusPath);
    if (ref === null) return { ok: false, reason: `status item ${i} has no id at ${mapping.idPath}` };
    if (typeof status !== 'string') return { ok: false, reason: `status item ${i} has no status at ${mapping.statusPath}` };
    const kind = delivered.has(status.toLowerCase()) ? 'delivered' : failed.has(status.toLowerCase()) ? 'failed' : null;
    if (kind === null) continue;
    const extra = mapping.detailPath === undefined ? undefined : readPath(item, mapping.detailPath);
    const detail = `status:${status}${typeof extra === 'string' || typeof extra === 'number' ? ` detail:${extra}` : ''}`;
    receipts.push({ provider, providerRef: ref, status: kind, detail: detail.slice(0, 200), at });
  }
  return { ok: true, receipts };
}
