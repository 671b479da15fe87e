import { ClaveError } from '../../shared/index.ts';
import { SMPP_DEFAULTS, type SmppChannelOptions } from './smpp-options.ts';

type UrlOptions = Pick<
  SmppChannelOptions,
  'host' | 'port' | 'systemId' | 'password' | 'systemType' | 'sourceAddr' | 'sourceAddrTon' | 'sourceAddrNpi'
  | 'window' | 'responseTimeoutMs' | 'enquireLinkMs' | 'bindWaitMs'
>;

const NUMERIC_PARAMS = {
  source_ton: 'sourceAddrTon',
  source_npi: 'sourceAddrNpi',
  window: 'window',
  response_timeout_ms: 'responseTimeoutMs',
  enquire_link_ms: 'enquireLinkMs',
  bind_wait_ms: 'bindWaitMs',
} as const;

/**
 * Channel options from a URL such as CLAVE_SMPP_URL. The user and password
 * are the bind's system_id and password; the query names the sender and
 * tunes the link. Unknown parameters are refused, so a typo is not ignored.
 * Errors never repeat the password.
 *
 * @example
 *   parseSmppUrl('smpp://clave:s3cret@smsc.bank.example:2775?source_addr=Clave&window=10&system_type=')
 *   // { host: 'smsc.bank.example', port: 2775, systemId: 'clave', password: 's3cret', systemType: '', sourceAddr: 'Clave', window: 10 }
 */
export function parseSmppUrl(url: string): UrlOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('not a URL');
  }
  // TLS (ssmpp) is not offered: SMS centres are usually reached over a VPN or private link.
  if (parsed.protocol !== 'smpp:') throw invalid('the scheme must be smpp://');
  if (parsed.hostname === '') throw invalid('a host is required');
  const systemId = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  // SMPP 3.4 §4.1.1: system_id is a C-Octet String of at most 16 octets, password of at most 9.
  if (systemId === '' || systemId.length > 15) throw invalid('system_id (the URL user) must have 1 to 15 characters');
  if (password.length > 8) throw invalid('the password must have at most 8 characters');
  const options: UrlOptions = {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? SMPP_DEFAULTS.port : Number(parsed.port),
    systemId,
    password,
    sourceAddr: '',
  };
  for (const [key, value] of parsed.searchParams) {
    if (key === 'source_addr') options.sourceAddr = value;
    else if (key === 'system_type') options.systemType = value;
    else if (key in NUMERIC_PARAMS) {
      const n = Number(value);
      if (value === '' || !Number.isInteger(n) || n < 0) throw invalid(`${key} must be a whole number`);
      options[NUMERIC_PARAMS[key as keyof typeof NUMERIC_PARAMS]] = n;
    } else throw invalid(`unknown parameter ${key}`);
  }
  if (options.sourceAddr === '') throw invalid('source_addr is required');
  return options;
}

function invalid(reason: string): ClaveError {
  return new ClaveError('INVALID_CONFIG', `CLAVE_SMPP_URL: ${reason}`, { reason });
}
