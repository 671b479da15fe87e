import { ClaveError } from '../../shared/index.ts';

const SCHEMES: Record<string, string> = { 'http:': 'ws:', 'https:': 'wss:', 'ws:': 'ws:', 'wss:': 'wss:' };

/**
 * The softphone endpoint of a Clave server given as http(s) or ws(s) URL:
 * the scheme becomes ws(s) and the path gets "/softphone" unless it already
 * ends with it.
 *
 * @example
 *   softphoneUrl('http://127.0.0.1:8080');        // 'ws://127.0.0.1:8080/softphone'
 *   softphoneUrl('https://line.example/clave/');  // 'wss://line.example/clave/softphone'
 */
export function softphoneUrl(server: string, path = '/softphone'): string {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw new ClaveError('INVALID_ARGUMENT', `not a URL: ${server}`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) throw new ClaveError('INVALID_ARGUMENT', `unsupported scheme ${url.protocol} in ${server} (use http, https, ws or wss)`);
  url.protocol = scheme;
  if (!url.pathname.endsWith(path)) url.pathname = url.pathname.replace(/\/+$/, '') + path;
  return url.toString();
}
