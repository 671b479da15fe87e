import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Linter, type ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import rules from './bounded-contexts.js';

const clave = rules as unknown as ESLint.Plugin;

const root = fileURLToPath(new URL('../../', import.meta.url));

function lint(file: string, code: string): string[] {
  const linter = new Linter({ cwd: root });
  return linter
    .verify(
      code,
      [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { clave }, rules: { 'clave/bounded-contexts': 'error' } }],
      { filename: join(root, file) },
    )
    .map((m) => m.message);
}

describe('bounded-contexts lint rule', () => {
  it('lets a context import a lower one through its index', () => {
    expect(lint('src/identity/x.ts', "import { x } from '../bank/index.ts';")).toEqual([]);
  });

  it('refuses a deep import into another context', () => {
    expect(lint('src/identity/x.ts', "import { x } from '../bank/reference-bank.ts';")).toEqual([
      "Import '../bank/reference-bank.ts' reaches inside context 'bank': import its index.ts instead.",
    ]);
  });

  it('refuses an import upwards', () => {
    expect(lint('src/flow/x.ts', "import type { X } from '../call/index.ts';")[0]).toMatch(/Context 'flow' may not import context 'call'/);
    expect(lint('src/bank/x.ts', "export * from '../services/index.ts';")[0]).toMatch(/Context 'bank' may not import context 'services'/);
  });
});
