import { ClaveError } from '../../shared/index.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// A relative month or year means different lengths to different SMS centres (calendar or 30
// days); counting them as the longest they can be (31 and 366 days) keeps the period a lower bound.
const MONTH = 31 * DAY;
const YEAR = 366 * DAY;

/**
 * SMPP 3.4 §7.1.1.2 relative time, "YYMMDDhhmmss000R", for a duration,
 * rounded down to the second so the message never outlives it; null for
 * less than one second (a zero period would mean the centre's default).
 *
 * @example relativeValidityPeriod(10 * 60_000 + 999) // '000000001000000R'
 * @example relativeValidityPeriod(26 * 3_600_000)  // '000001020000000R'
 */
export function relativeValidityPeriod(ms: number): string | null {
  if (!Number.isFinite(ms) || ms < SECOND) return null;
  let rest = Math.floor(ms / SECOND) * SECOND;
  const fields: number[] = [];
  for (const unit of [YEAR, MONTH, DAY, HOUR, MINUTE, SECOND]) {
    fields.push(Math.floor(rest / unit));
    rest %= unit;
  }
  // Two digits each: anything beyond 99 years is capped there.
  if ((fields[0] ?? 0) > 99) return '990000000000000R';
  return `${fields.map((n) => String(n).padStart(2, '0')).join('')}000R`;
}

/**
 * The submit_sm validity_period for a message whose usefulness ends at
 * `expiresAt`: empty (the centre's default) when it has no end, the
 * remaining time otherwise. Throws DELIVERY_REJECTED when less than a
 * second is left: the message must not go out at all.
 *
 * @example validityPeriodFor(new Date('2026-01-01T09:15:00Z'), Date.parse('2026-01-01T09:00:00Z')) // '000000001500000R'
 */
export function validityPeriodFor(expiresAt: Date | null, now: number): string {
  if (expiresAt === null) return '';
  const period = relativeValidityPeriod(expiresAt.getTime() - now);
  if (period === null) {
    throw new ClaveError('DELIVERY_REJECTED', 'message expired before it could be submitted', { reason: 'expired' });
  }
  return period;
}
