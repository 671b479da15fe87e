export type {
  BankPort,
  BankCallOptions,
  DocumentType,
  IdentityDocument,
  CardKind,
  CardStatus,
  UserStatus,
  Customer,
  OperationStatus,
  Operation,
  SimSwapAnswer,
  CredentialReset,
  OperationCode,
} from './port.ts';
export type { BankMessage, BankNotifier } from './notifier.ts';
export {
  createReferenceBank,
  type ReferenceBank,
  type ReferenceBankDeps,
  type ReferenceBankKeys,
} from './reference-bank.ts';
export type { Ebanking, LoginResult, PasswordChangeResult, CodeError, CodeResult } from './ebanking.ts';
export { importDataset, isBankEmpty, validateDataset, type ImportDeps, type ImportSummary } from './dataset.ts';
export { documentProblem } from './documents.ts';
export { synthesisePan, luhnValid, TEST_BIN } from './pan.ts';
export {
  createResilientBank,
  type ResilientBank,
  type ResilientBankOptions,
  type BankBreakerOptions,
  type BankHealth,
  type BankHealthCheck,
} from './resilient-bank.ts';
export { bankProbe, PROBE_CUSTOMER_ID } from './bank-probe.ts';
export { createDrillableBank, DRILL_MODES, DEFAULT_SLOW_MS, type Drill, type DrillMode, type DrillableBank, type DrillableBankDeps } from './drill.ts';
