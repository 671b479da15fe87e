/** A dot path into parsed JSON: names for object keys, digits for array indexes (`messages.0.id`). */
export const JSON_PATH = /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/;

/**
 * The value at a dot path, or undefined when any step is missing. Only own
 * properties are followed, so `constructor` or `__proto__` never reach a prototype.
 *
 * @example
 *   readPath({ messages: [{ id: 'm-1' }] }, 'messages.0.id') // 'm-1'
 */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const step of path.split('.')) {
    if (Array.isArray(current)) {
      if (!/^[0-9]+$/.test(step)) return undefined;
      current = current[Number(step)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, step)) {
      current = (current as Record<string, unknown>)[step];
    } else {
      return undefined;
    }
  }
  return current;
}

/** A provider id read at a path: a non-empty string, or a number as its decimal string. */
export function readId(value: unknown, path: string): string | null {
  const found = readPath(value, path);
  if (typeof found === 'string' && found.length > 0) return found;
  if (typeof found === 'number' && Number.isFinite(found)) return String(found);
  return null;
}
