import { entityTag } from './etag.ts';

export interface Rendered {
  version: string;
  etag: string;
  body: Buffer;
}

/**
 * The last rendering of each (representation, language), kept until the
 * view's version changes: a request that hits costs no rendering, and the
 * same ETag always names the same bytes (a strong validator must, RFC 9110
 * §8.8.1). Memory is bounded by languages × representations.
 *
 * @example
 *   const page = cache.get('html', 'es', view.version, () => renderHtml(view, options));
 */
export class RenderCache {
  #entries = new Map<string, Rendered>();

  get(representation: string, language: string, version: string, render: () => string): Rendered {
    const key = `${representation}\0${language}`;
    const hit = this.#entries.get(key);
    if (hit?.version === version) return hit;
    const fresh = { version, etag: entityTag(version, language, representation), body: Buffer.from(render(), 'utf8') };
    this.#entries.set(key, fresh);
    return fresh;
  }

  /** The last rendering whatever its version: served when the view cannot be had. */
  last(representation: string, language: string): Rendered | undefined {
    return this.#entries.get(`${representation}\0${language}`);
  }
}
