// The identity context's only door: who is calling, and whether they hold the card.
export { createIdentity, type Identity, type IdentityDeps, type LockState } from './create-identity.ts';
export type { IdentifyRequest, IdentifyResult } from './identify.ts';
export type { VerifyCardRequest, VerificationResult } from './verification.ts';
export { DEFAULT_LIMITS, type VerificationLimits } from './limits.ts';
export { dniFromDigits, nieFromKeys, isValidDni, isValidNie, normaliseDocumentNumber } from './document.ts';
export { normalisePhone, callerMatches, type PhoneOptions } from './phone.ts';
