import { describe, expect, it } from 'vitest';
import { open } from '../crypto/index.ts';
import { isClaveError, Sensitive } from '../shared/index.ts';
import { EMAIL, MOBILE, notifyFixture, passwordSms, useTestDb } from './test-fixture.ts';
import type { OutboxMessageInput } from './types.ts';

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(() => { throw new Error('expected a rejection'); }, (err: unknown) => err);
}

describe('outbox', () => {
  const testDb = useTestDb();

  it('stores the secret only sealed, bound to the message id', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock, { correlationId: 'call-1', customerId: 'c-1' }));
    const sealed = await f.secretColumn(id!);
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('Qx7-mK2p');
    expect(open(sealed!, f.dataKey, id).reveal()).toBe('Qx7-mK2p');
    expect(() => open(sealed!, f.dataKey, 'another-id')).toThrow();
    const [record] = await f.outbox.list(f.db);
    expect(record).toMatchObject({
      id,
      channel: 'sms',
      to: MOBILE,
      subject: null,
      status: 'pending',
      template: 'ebanking_temporary_password',
      language: 'es',
      requestedLanguage: 'es',
      secretStored: true,
      attempts: 0,
      lastError: null,
      deliveredAt: null,
      correlationId: 'call-1',
      customerId: 'c-1',
      createdAt: new Date(f.clock.now()),
      expiresAt: new Date(f.clock.now() + 3_600_000),
    });
    expect(record?.body).toBe(
      'Tu contraseña temporal de banca online es ******** y caduca en 60 min. Debes cambiarla en tu siguiente acceso. No la compartas.',
    );
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('writes nothing when the enqueuing transaction rolls back', async () => {
    const f = notifyFixture(testDb());
    const err = await rejection(
      f.db.transaction(async (tx) => {
        await f.outbox.enqueue(tx, [passwordSms(f.clock)]);
        throw new Error('bank said no');
      }),
    );
    expect((err as Error).message).toBe('bank said no');
    expect(await f.outbox.list(f.db)).toEqual([]);
  });

  it('records the language used when it falls back to English', async () => {
    const f = notifyFixture(testDb());
    await f.enqueue({ channel: 'sms', to: MOBILE, language: 'fr-FR', template: 'signature_unlocked', params: {} });
    const [record] = await f.outbox.list(f.db);
    expect(record).toMatchObject({ language: 'en', requestedLanguage: 'fr-FR' });
    expect(record?.body).toBe('Your operation-signing signature has been unlocked. If you did not ask for this, call your bank at once.');
  });

  const bad: [string, Partial<OutboxMessageInput>][] = [
    ['an unknown template', { template: 'ebanking_pin' }],
    ['a missing parameter', { params: {} }],
    ['the wrong channel', { channel: 'email', to: EMAIL }],
    ['a phone that is not E.164', { to: '600111222' }],
    ['no secret for a secret template', { secret: undefined }],
    ['an empty secret', { secret: new Sensitive('') }],
    ['a secret without expiry', { expiresAt: undefined }],
    ['a secret where the template has none', { template: 'password_changed', params: { username: 'ana' } }],
    ['an unsubscribe address that could end a mail header', { unsubscribeUrl: 'https://status.bank.test/u/1>\r\nBcc: x@evil.test' }],
    ['an unsubscribe address that is not http(s)', { unsubscribeUrl: 'javascript:alert(1)' }],
  ];
  for (const [what, change] of bad) {
    it(`rejects ${what} at enqueue time, writing none of the batch`, async () => {
      const f = notifyFixture(testDb());
      const err = await rejection(f.enqueue(passwordSms(f.clock), passwordSms(f.clock, change)));
      expect(isClaveError(err, 'INVALID_CONFIG')).toBe(true);
      expect((err as Error).message).not.toContain('Qx7-mK2p');
      expect(await f.outbox.list(f.db)).toEqual([]);
    });
  }

  it('rejects an e-mail address with a line break (header injection)', async () => {
    const f = notifyFixture(testDb());
    const msg: OutboxMessageInput = {
      channel: 'email', to: 'ana@example.test\r\nBcc: x@evil.test', language: 'en', template: 'ebanking_username',
      params: { name: 'Ana', username: 'ana' },
    };
    expect(isClaveError(await rejection(f.enqueue(msg)), 'INVALID_CONFIG')).toBe(true);
  });

  it('holds messages until released; releasing twice is harmless', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock, { hold: true }));
    expect((await f.outbox.get(f.db, id!))?.status).toBe('held');
    await f.db.transaction((tx) => f.outbox.release(tx, [id!]));
    await f.db.transaction((tx) => f.outbox.release(tx, [id!]));
    expect((await f.outbox.get(f.db, id!))?.status).toBe('pending');
  });

  it('cancels held messages, wiping their secret and keeping the reason', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock, { hold: true }));
    await f.db.transaction((tx) => f.outbox.cancel(tx, [id!], 'bank refused the reset'));
    expect(await f.secretColumn(id!)).toBeNull();
    expect(await f.outbox.get(f.db, id!)).toMatchObject({ status: 'cancelled', cancelReason: 'bank refused the reset', secretStored: false });
  });

  it('refuses to release a cancelled message or an unknown id', async () => {
    const f = notifyFixture(testDb());
    const [id] = await f.enqueue(passwordSms(f.clock, { hold: true }));
    await f.db.transaction((tx) => f.outbox.cancel(tx, [id!], 'test'));
    const err = await rejection(f.db.transaction((tx) => f.outbox.release(tx, [id!])));
    expect((err as Error).message).toBe(`Outbox release: illegal for message(s) ${id} (cancelled)`);
    const unknown = await rejection(f.db.transaction((tx) => f.outbox.release(tx, ['nope'])));
    expect((unknown as Error).message).toBe('Outbox release: illegal for message(s) nope (unknown)');
  });

  it('filters and limits the list, newest first', async () => {
    const f = notifyFixture(testDb());
    await f.enqueue(passwordSms(f.clock, { correlationId: 'a' }));
    await f.clock.advance(1000);
    await f.enqueue({ channel: 'email', to: EMAIL, language: 'en', template: 'ebanking_username', params: { name: 'Ana', username: 'ana' }, correlationId: 'a' });
    await f.clock.advance(1000);
    await f.enqueue(passwordSms(f.clock, { correlationId: 'b', hold: true }));
    expect((await f.outbox.list(f.db)).map((r) => r.correlationId)).toEqual(['b', 'a', 'a']);
    expect((await f.outbox.list(f.db, { channel: 'email' })).map((r) => r.subject)).toEqual(['Your e-banking user name']);
    expect((await f.outbox.list(f.db, { status: 'held' })).map((r) => r.correlationId)).toEqual(['b']);
    expect(await f.outbox.list(f.db, { correlationId: 'a', limit: 1 })).toHaveLength(1);
  });

  it('wakes its listeners until they unsubscribe', () => {
    const f = notifyFixture(testDb());
    let calls = 0;
    const off = f.outbox.onWake(() => calls++);
    f.outbox.wake();
    off();
    f.outbox.wake();
    expect(calls).toBe(1);
  });
});
