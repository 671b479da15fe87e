import { describe, expect, it } from 'vitest';
import { parseOperatorsFile } from './index.ts';

const HASH = 'a'.repeat(64);

describe('CLAVE_OPERATORS_FILE', () => {
  it('reads a YAML list of names and token hashes', () => {
    expect(parseOperatorsFile(`- name: alice\n  tokenHash: ${HASH}\n- name: bob.smith\n  tokenHash: ${'0'.repeat(64)}\n`)).toEqual([
      { name: 'alice', tokenHash: HASH },
      { name: 'bob.smith', tokenHash: '0'.repeat(64) },
    ]);
    expect(parseOperatorsFile('')).toEqual([]);
  });

  it.each([
    ['a token in clear instead of its hash', `- name: alice\n  tokenHash: clv_op_abc\n`, '0.tokenHash: must be 64 lowercase hex digits'],
    ['an unknown field', `- name: alice\n  token: x\n  tokenHash: ${HASH}\n`, 'Unrecognized key'],
    ['a bad name', `- name: Alice\n  tokenHash: ${HASH}\n`, '0.name: lower-case letters'],
    ['a name twice', `- name: a\n  tokenHash: ${HASH}\n- name: a\n  tokenHash: ${HASH}\n`, 'operator "a" is declared twice'],
    ['the admin name', `- name: admin\n  tokenHash: ${HASH}\n`, '"admin" is the admin token\'s name'],
    ['not a list', 'alice: x\n', 'expected array'],
    ['not YAML', '- [unclosed\n', 'not valid YAML'],
  ])('refuses %s with INVALID_CONFIG', (_what, text, message) => {
    expect(() => parseOperatorsFile(text, 'ops.yaml')).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', message: expect.stringContaining(message) as string }) as Error);
  });
});
