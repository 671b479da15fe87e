// Enforces the shape described in ARCHITECTURE.md: each bounded context under
// src/ is entered through its index.ts only, and a context imports only the
// contexts listed below it (layers look down, never up).
import path from 'node:path';

/** Which contexts each context may import (besides itself). */
export const ALLOWED = {
  shared: [],
  log: [],
  crypto: ['shared'],
  store: ['shared'],
  config: ['shared'],
  flow: ['shared'],
  speech: ['log', 'shared'],
  bank: ['log', 'shared', 'crypto', 'store'],
  identity: ['log', 'shared', 'crypto', 'store', 'bank'],
  notify: ['log', 'shared', 'crypto', 'store'],
  incidents: ['log', 'shared', 'crypto', 'store', 'notify'],
  operators: ['log', 'shared', 'crypto', 'store'],
  services: ['log', 'shared', 'crypto', 'store', 'bank', 'identity', 'notify'],
  callback: ['log', 'shared', 'store'],
  call: ['log', 'shared', 'store', 'flow', 'services', 'identity', 'notify', 'bank', 'operators'],
  channel: ['log', 'shared', 'flow', 'call', 'speech'],
  http: ['log', 'shared', 'store', 'bank', 'notify', 'call', 'channel', 'config', 'incidents', 'operators', 'callback'],
  cli: ['log', 'shared', 'channel', 'config', 'store', 'bank', 'flow', 'incidents', 'operators'],
};

function contextOf(file, srcRoot) {
  const rel = path.relative(srcRoot, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0] : '(root)';
}

const rule = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports across bounded contexts go through index.ts and look down only' },
    schema: [],
    messages: {
      deep: "Import '{{spec}}' reaches inside context '{{target}}': import its index.ts instead.",
      upward: "Context '{{from}}' may not import context '{{target}}' (allowed: {{allowed}}).",
    },
  },
  create(context) {
    const file = context.filename;
    const srcRoot = path.join(context.cwd, 'src');
    const from = contextOf(file, srcRoot);
    if (from === undefined || from === '(root)') return {};
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), spec);
      const to = contextOf(target, srcRoot);
      if (to === undefined || to === from) return;
      const rel = path.relative(path.join(srcRoot, to), target);
      if (rel !== 'index.ts' && rel !== 'index.js' && rel !== '') {
        context.report({ node, messageId: 'deep', data: { spec, target: to } });
      }
      const allowed = ALLOWED[from];
      if (allowed && !allowed.includes(to)) {
        context.report({ node, messageId: 'upward', data: { from, target: to, allowed: allowed.join(', ') || 'none' } });
      }
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};

export default { rules: { 'bounded-contexts': rule } };
