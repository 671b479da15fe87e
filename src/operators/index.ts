// The operators context's only door: named operators with their own tokens, and the security mode they switch with four eyes.
export { createOperators, ADMIN_OPERATOR, type Operators, type OperatorsDeps, type OperatorInfo } from './create-operators.ts';
export { createSecurityModes, type SecurityModes, type SecurityModesDeps, type SecurityModeListener } from './security-mode.ts';
export { loadOperatorsFile, parseOperatorsFile, OPERATOR_NAME, type OperatorEntry } from './operators-file.ts';
export { operatorTokenKey, loadOperatorKey, hashOperatorToken, newOperatorToken } from './token-hash.ts';
export {
  SECURITY_MODES, type SecurityMode, type SecurityModeState, type SecurityChange, type SecurityChangeStatus, type ProposeInput,
  type AuditEntry, type AuditAction,
} from './types.ts';
