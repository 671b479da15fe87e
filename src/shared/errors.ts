/**
 * Expected conditions carry a stable code; callers branch on `code`, never on
 * the message. Anything else thrown is a bug.
 */
export type ClaveErrorCode =
  | 'BANK_UNAVAILABLE'
  | 'CUSTOMER_NOT_FOUND'
  | 'OPERATION_NOT_FOUND'
  | 'INVALID_DATASET'
  | 'INVALID_FLOW'
  | 'INVALID_CONFIG'
  | 'VERIFICATION_LOCKED'
  | 'STORE_UNAVAILABLE'
  | 'INVALID_PIN_BLOCK'
  | 'SEALED_DATA_INVALID'
  | 'IDEMPOTENCY_CONFLICT'
  | 'OPERATION_NOT_ELIGIBLE'
  | 'USER_NOT_FOUND'
  | 'UNREACHABLE'
  | 'PROTOCOL_ERROR'
  | 'TIMEOUT'
  | 'INVALID_ARGUMENT'
  | 'UNKNOWN_NUMBER'
  // A call the line places names a flow that is not loaded (src/call line.startOutbound).
  | 'UNKNOWN_FLOW'
  | 'DRAINING'
  // The line is full and its policy refuses the call outright (src/call admission); details.retryAfterSeconds.
  | 'AT_CAPACITY'
  | 'CLOSED'
  // Malformed media wire data (src/channel/media); details.reason says which check failed.
  | 'MALFORMED_RTP'
  | 'MALFORMED_RTCP'
  | 'MALFORMED_SDP'
  | 'MALFORMED_DTMF'
  // A SIP header value the grammar cannot read (src/channel/sip/grammar); details.header names it.
  | 'MALFORMED_SIP'
  // Speech (src/speech): the synthesizer failed, or a recorded prompt is not usable audio.
  | 'SPEECH_FAILED'
  | 'INVALID_AUDIO'
  // RTP (src/channel/rtp): no free even/odd port pair left in CLAVE_RTP_PORT_MIN..MAX.
  | 'MEDIA_PORTS_EXHAUSTED'
  // Delivery channels (src/notify): see DeliveryChannel in src/notify/types.ts for what each means to the worker.
  | 'DELIVERY_REJECTED'
  | 'DELIVERY_THROTTLED'
  | 'DELIVERY_UNAVAILABLE'
  | 'DELIVERY_OUTCOME_UNKNOWN'
  // Incidents (src/incidents): an id that does not exist (HTTP 404) …
  | 'INCIDENT_NOT_FOUND'
  | 'MAINTENANCE_NOT_FOUND'
  | 'ALERT_NOT_FOUND'
  // … and a change the subject's state refuses (HTTP 409): updating a resolved incident,
  // publishing a published one, completing or cancelling a window that is over.
  | 'INCIDENT_RESOLVED'
  | 'INCIDENT_ALREADY_PUBLISHED'
  | 'MAINTENANCE_ENDED'
  // Links sent to a person (src/incidents/subscribers: confirm, unsubscribe): not one of ours, or too old.
  | 'INVALID_TOKEN'
  | 'TOKEN_EXPIRED'
  // Operators (src/operators): a name taken (HTTP 409) or unknown (404) …
  | 'OPERATOR_EXISTS'
  | 'OPERATOR_NOT_FOUND'
  // … and security mode changes: no such change (404), a change no longer pending
  // (applied, rejected, expired, superseded; details.status says which: 409), and
  // four eyes: the proposer may not approve their own change (403).
  | 'SECURITY_CHANGE_NOT_FOUND'
  | 'SECURITY_CHANGE_NOT_PENDING'
  | 'APPROVER_IS_PROPOSER';

export class ClaveError extends Error {
  readonly code: ClaveErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ClaveErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ClaveError';
    this.code = code;
    this.details = details;
  }
}

export function isClaveError(err: unknown, code?: ClaveErrorCode): err is ClaveError {
  return err instanceof ClaveError && (code === undefined || err.code === code);
}
