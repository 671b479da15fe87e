// A small in-memory BankPort for the identity tests: just the calls identity
// makes, with hooks to hold or fail the PIN check.
import type { BankPort, Customer } from '../bank/index.ts';
import { decryptPinBlock } from '../crypto/index.ts';

export const MARIA: Customer = {
  id: 'CUS-0001',
  name: 'María García López',
  document: { type: 'DNI', number: '12345678Z' },
  phones: ['+34600111222', '+34950123456'],
  mobile: '+34600111222',
  email: 'maria.garcia@example.es',
  language: 'es',
  cards: [
    { last4: '4821', kind: 'debit', status: 'active' },
    { last4: '2468', kind: 'credit', status: 'blocked' },
  ],
  ebanking: { username: 'mgarcia', status: 'locked' },
  phonebanking: { username: '12345678', status: 'active' },
  signature: { status: 'blocked' },
};

/** PINs by card, as the bank's HSM would check them. */
const PINS: Record<string, string> = { 'CUS-0001:4821': '2580', 'CUS-0001:2468': '3690' };

export interface FakeBank {
  port: BankPort;
  /** How many times verifyPinBlock was asked. */
  pinChecks(): number;
  /** The next PIN checks wait until `open()` (to hold one call in flight). */
  hold(): { reached: Promise<void>; open(): void };
  /** The next PIN checks throw this error. */
  failWith(err: Error | null): void;
}

export function fakeBank(zpk: Buffer, customers: Customer[] = [MARIA]): FakeBank {
  let checks = 0;
  let gate: { reached: () => void; wait: Promise<void> } | null = null;
  let failure: Error | null = null;
  const unsupported = (): never => {
    throw new Error('not used by identity');
  };
  const port: BankPort = {
    findCustomerByDocument: (doc) =>
      Promise.resolve(customers.find((c) => c.document.type === doc.type && c.document.number === doc.number) ?? null),
    getCustomer: (id) => Promise.resolve(customers.find((c) => c.id === id) ?? null),
    async verifyPinBlock({ customerId, cardLast4, pinBlock }) {
      checks++;
      if (gate) {
        gate.reached();
        await gate.wait;
      }
      if (failure) throw failure;
      const customer = customers.find((c) => c.id === customerId);
      const card = customer?.cards.find((c) => c.last4 === cardLast4);
      const pin = decryptPinBlock(pinBlock, zpk).reveal();
      return card?.status === 'active' && PINS[`${customerId}:${cardLast4}`] === pin;
    },
    checkSimSwap: unsupported,
    resetEbankingUser: unsupported,
    resetPhonebankingUser: unsupported,
    unlockSignature: unsupported,
    findOperation: unsupported,
    setOperationUnlockCode: unsupported,
    issueSigningKey: unsupported,
  };
  return {
    port,
    pinChecks: () => checks,
    hold() {
      let open!: () => void;
      let reached!: () => void;
      const wait = new Promise<void>((r) => (open = r));
      const reachedP = new Promise<void>((r) => (reached = r));
      gate = { reached, wait };
      return {
        reached: reachedP,
        open: () => {
          gate = null;
          open();
        },
      };
    },
    failWith(err) {
      failure = err;
    },
  };
}
