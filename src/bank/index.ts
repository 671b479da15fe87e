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
