import { describe, expect, it } from 'vitest';
import { canTransition, isFinal, OUTBOX_STATUSES, sourcesSql } from './status.ts';

describe('outbox message statuses', () => {
  it('allow only the documented moves', () => {
    expect(canTransition('held', 'pending')).toBe(true);
    expect(canTransition('held', 'sending')).toBe(false);
    expect(canTransition('sending', 'pending')).toBe(true);
    expect(canTransition('delivered', 'pending')).toBe(false);
    expect(canTransition('sending', 'sent')).toBe(true);
    expect(canTransition('sent', 'delivered')).toBe(true);
    expect(canTransition('sent', 'pending')).toBe(false);
    expect(OUTBOX_STATUSES.filter(isFinal)).toEqual(['delivered', 'failed', 'expired', 'cancelled']);
  });

  it('derive the SQL source conditions from the table', () => {
    expect(sourcesSql('cancelled')).toBe("status IN ('held', 'pending')");
    expect(sourcesSql('expired')).toBe("status IN ('held', 'pending')");
    expect(sourcesSql('failed')).toBe("status IN ('sending', 'sent')");
  });
});
