export { type Clock, type TimerHandle, systemClock, SimulatedClock, sleep } from './clock.ts';
export { ClaveError, type ClaveErrorCode, isClaveError } from './errors.ts';
export { Sensitive, mask } from './sensitive.ts';
export { repeat } from './repeat.ts';
