import type { CallbackDialer, DeliveryResult } from './callback/index.ts';
import type { Line, LiveCall } from './call/index.ts';
import type { DialResult, SipServer } from './channel/index.ts';
import type { Logger } from './log/index.ts';

/** The flow a call-back runs (src/flow/defaults/signing-key-callback.flow.yaml, or a deployment's own of that id). */
export const CALLBACK_FLOW = 'signing-key-callback';

export interface CallbackDialerDeps {
  line: Line;
  /** The SIP side, once started (none: CLAVE_SIP_PORT=off, the line places no calls). */
  sip: () => SipServer | undefined;
  callerId: string;
  ringMs: number;
  logger: Logger;
}

/**
 * How the call-back queue reaches a customer: a place on the line first (a
 * call-back never pushes a caller out: at capacity it waits), then the SIP
 * call through the trunk, then the call-back flow on the answered call,
 * which starts knowing the customer, the language and the operation.
 * Resolves when the call is over, with its outcome.
 *
 * @example
 *   const callbacks = createCallbacks({ db, clock, logger, nodeId, dialer: callbackDialer({ line, sip: () => sip, callerId, ringMs, logger }) });
 */
export function callbackDialer(deps: CallbackDialerDeps): CallbackDialer {
  return {
    async deliver(req, signal): Promise<DeliveryResult> {
      const ua = deps.sip()?.ua;
      if (!ua) return { kind: 'not_answered', reason: 'not_configured' };
      const place = deps.line.admit();
      if (place.kind !== 'call') {
        if (place.kind === 'brief') place.release();
        return { kind: 'not_answered', reason: 'at_capacity' };
      }
      let live: LiveCall | undefined;
      let dialled: DialResult;
      try {
        dialled = await ua.dial({ number: req.number, callerId: deps.callerId, ringMs: deps.ringMs, signal }, (channel) => {
          live = deps.line.startOutbound({
            channel,
            flowId: CALLBACK_FLOW,
            from: deps.callerId,
            to: req.number,
            preset: { customerId: req.customerId, language: req.language, vars: { reference: req.reference } },
            admission: place,
          });
          return live;
        });
      } finally {
        if (!live) place.release();
      }
      if (dialled.kind === 'failed' || !live) return { kind: 'not_answered', reason: dialled.kind === 'failed' ? dialled.reason : 'cancelled' };
      const call = live;
      // Our shutdown while the customer listens: the call ends from our side (its outcome is what the flow had reached).
      const stop = () => call.terminate('the line stopped');
      signal.addEventListener('abort', stop, { once: true });
      try {
        const { outcome } = await call.ended;
        deps.logger.info({ requestId: req.requestId, callId: call.callId, outcome }, 'call-back ended');
        return { kind: 'answered', callId: call.callId, outcome };
      } finally {
        signal.removeEventListener('abort', stop);
      }
    },
  };
}
