import { describe, expect, it } from 'vitest';
import { fillBodyTemplate, placeholdersOf, type PlaceholderValues } from './body-template.ts';
import { readPath } from './json-path.ts';

const values: PlaceholderValues = { to: '+34600000001', text: 'Línea "1"\n\\2 {{id}}', id: 'm-1', from: 'BANCO', validitySeconds: 600, callbackUrl: null };

describe('fillBodyTemplate', () => {
  it('substitutes string leaves only, typed when a leaf is one placeholder', () => {
    const filled = fillBodyTemplate({ '{{to}}': ['{{to}}', 'x {{validitySeconds}} s', '{{validitySeconds}}', '{{callbackUrl}}', 'cb={{callbackUrl}}'], n: 3, b: true, z: null }, values);
    expect(filled).toEqual({ '{{to}}': ['+34600000001', 'x 600 s', 600, null, 'cb='], n: 3, b: true, z: null });
  });

  it('does not expand placeholders that arrive inside a value', () => {
    const filled = fillBodyTemplate({ body: '{{text}}' }, values);
    expect(filled).toEqual({ body: 'Línea "1"\n\\2 {{id}}' });
    expect(JSON.parse(JSON.stringify(filled))).toEqual(filled);
  });

  it('lists the placeholders a template uses', () => {
    expect(placeholdersOf({ a: ['{{to}} {{text}}', { b: '{{to}}{{from}}' }] })).toEqual(['to', 'text', 'from']);
  });
});

describe('readPath', () => {
  it('follows keys and indexes, never the prototype', () => {
    expect(readPath({ messages: [{ id: 'a' }, { id: 'b' }] }, 'messages.1.id')).toBe('b');
    expect(readPath({ messages: { '0': { id: 'c' } } }, 'messages.0.id')).toBe('c');
    expect(readPath({ a: [] }, 'a.x')).toBeUndefined();
    expect(readPath({}, 'constructor')).toBeUndefined();
    expect(readPath({ a: 'x' }, 'a.length')).toBeUndefined();
  });
});
