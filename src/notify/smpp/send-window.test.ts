import { describe, expect, it } from 'vitest';
import { isClaveError } from '../../shared/index.ts';
import { SendWindow } from './send-window.ts';

describe('SendWindow', () => {
  it('lets `size` holders through and queues the rest in order', async () => {
    const window = new SendWindow(2);
    const order: string[] = [];
    const a = await window.acquire();
    const b = await window.acquire();
    const c = window.acquire().then((release) => { order.push('c'); return release; });
    const d = window.acquire().then((release) => { order.push('d'); return release; });
    await Promise.resolve();
    expect([window.inUse, window.queued, order]).toEqual([2, 2, []]);
    a();
    a(); // a second release of the same slot is ignored
    const releaseC = await c;
    expect([window.inUse, window.queued, order]).toEqual([2, 1, ['c']]);
    b();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    releaseC();
    releaseD();
    expect(window.inUse).toBe(0);
  });

  it('refuses queued and new acquirers once closed, and tells when drained', async () => {
    const window = new SendWindow(1);
    const held = await window.acquire();
    const queued = window.acquire();
    window.close();
    await expect(queued).rejects.toSatisfy((err) => isClaveError(err, 'DELIVERY_UNAVAILABLE'));
    await expect(window.acquire()).rejects.toSatisfy((err) => isClaveError(err, 'DELIVERY_UNAVAILABLE'));
    let drained = false;
    const done = window.drained().then(() => { drained = true; });
    await Promise.resolve();
    expect(drained).toBe(false);
    held();
    await done;
    expect(drained).toBe(true);
  });

  it('refuses a window below one with INVALID_CONFIG', () => {
    expect(() => new SendWindow(0)).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
  });
});
