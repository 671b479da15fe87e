import { ClaveError } from '../../../shared/index.ts';
import { eventForKey, keyForEvent, type DtmfKey } from './keys.ts';

/** A key press carried in a SIP INFO body. */
export interface SipInfoDtmf {
  key: DtmfKey;
  /** How long the key was held, when the body says (`Duration=`, milliseconds). */
  durationMs: number | null;
}

/** INFO body types this parser understands (the UAS answers others with 415). */
export const SIP_INFO_DTMF_TYPES: readonly string[] = Object.freeze(['application/dtmf-relay', 'application/dtmf']);

function malformed(reason: string, message: string): ClaveError {
  return new ClaveError('MALFORMED_DTMF', message, { reason });
}

/*
 * Neither body has an RFC; both are vendor conventions every PBX speaks.
 *
 *   application/dtmf-relay (Cisco):     application/dtmf:
 *     Signal=5\r\n                        5
 *     Duration=160\r\n
 *
 * Signal is a key (0-9 * # A-D) or, from some gateways, its RFC 4733 event
 * number (10 for *, 11 for #). Names are matched case-insensitively and
 * spaces around "=" are tolerated; unknown lines are ignored.
 */

/**
 * Reads the key from an INFO request's body. Throws `MALFORMED_DTMF` with
 * `details.reason` `content-type` (answer 415) or `signal` (answer 400).
 * The key itself never appears in an error: it may be a PIN digit.
 *
 * @example
 *   parseSipInfoDtmf('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n'); // { key: '5', durationMs: 160 }
 *   parseSipInfoDtmf('application/dtmf', '#');                                   // { key: '#', durationMs: null }
 */
export function parseSipInfoDtmf(contentType: string, body: string | Uint8Array): SipInfoDtmf {
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase();
  const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  if (type === 'application/dtmf-relay') return parseRelay(text);
  if (type === 'application/dtmf') return { key: parseSignal(text.trim()), durationMs: null };
  throw malformed('content-type', 'INFO body type is not a DTMF type');
}

function parseRelay(text: string): SipInfoDtmf {
  let signal: string | null = null;
  let durationMs: number | null = null;
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const name = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (name === 'signal') signal = value;
    else if (name === 'duration') durationMs = parseDuration(value);
  }
  if (signal === null) throw malformed('signal', 'dtmf-relay body has no Signal line');
  return { key: parseSignal(signal), durationMs };
}

function parseSignal(value: string): DtmfKey {
  if (value.length === 1) {
    const event = eventForKey(value);
    if (event !== null) return keyForEvent(event)!;
  }
  // Event numbers 10-15 (and 0-9, same as the key) as some gateways send them.
  if (value.length === 2 && value[0] === '1' && value[1]! >= '0' && value[1]! <= '5') return keyForEvent(Number(value))!;
  throw malformed('signal', 'DTMF signal is not a key');
}

function parseDuration(value: string): number | null {
  if (value.length === 0 || value.length > 6) return null;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  return Number(value);
}
