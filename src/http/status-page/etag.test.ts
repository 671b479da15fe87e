import { describe, expect, it } from 'vitest';
import { entityTag, ifNoneMatchHits } from './etag.ts';
import { RenderCache } from './render-cache.ts';

describe('entity tags', () => {
  it('differ by version, language and representation, and use only ETag characters', () => {
    const tags = [entityTag('v1', 'es', 'html'), entityTag('v2', 'es', 'html'), entityTag('v1', 'en', 'html'), entityTag('v1', 'es', 'json')];
    expect(new Set(tags).size).toBe(4);
    for (const tag of tags) expect(tag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(entityTag('"quoted" \u0001 version', 'es', 'atom')).toMatch(/^"atom-es-[A-Za-z0-9_-]{22}"$/);
  });

  it('If-None-Match compares weakly, lists and "*"', () => {
    expect(ifNoneMatchHits('"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('W/"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"x", W/"y" ,"a"', '"a"')).toBe(true);
    expect(ifNoneMatchHits('*', '"a"')).toBe(true);
    expect(ifNoneMatchHits('"ab"', '"a"')).toBe(false);
    expect(ifNoneMatchHits('a', '"a"')).toBe(false);
    expect(ifNoneMatchHits(undefined, '"a"')).toBe(false);
  });
});

describe('RenderCache', () => {
  it('renders once per version and language, and keeps the last for a failing view', () => {
    const cache = new RenderCache();
    let renders = 0;
    const render = () => `body ${++renders}`;
    const first = cache.get('html', 'es', 'v1', render);
    expect(cache.get('html', 'es', 'v1', render)).toBe(first);
    expect(renders).toBe(1);
    expect(cache.get('html', 'en', 'v1', render).body.toString()).toBe('body 2');
    const second = cache.get('html', 'es', 'v2', render);
    expect(second.body.toString()).toBe('body 3');
    expect(second.etag).not.toBe(first.etag);
    expect(cache.last('html', 'es')).toBe(second);
    expect(cache.last('json', 'es')).toBeUndefined();
  });
});
