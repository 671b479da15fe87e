import { ClaveError } from '../shared/index.ts';
import type { IncidentStatus, MaintenanceState, Visibility } from './types.ts';

/**
 * An incident's status moves freely while it is open (monitoring can fall
 * back to investigating when the fault returns); resolved ends it.
 *
 * @example
 *   transitionStatus('inc-1', 'investigating', 'resolved'); // 'resolved'
 *   transitionStatus('inc-1', 'resolved', 'monitoring');    // throws INCIDENT_RESOLVED
 */
export function transitionStatus(id: string, from: IncidentStatus, to: IncidentStatus): IncidentStatus {
  if (from === 'resolved') throw new ClaveError('INCIDENT_RESOLVED', `incident ${id} is resolved: it takes no more updates (create a new incident)`, { id, to });
  return to;
}

/** draft → published, once. A resolved draft (a false alarm) is never published. */
export function transitionVisibility(id: string, from: Visibility, status: IncidentStatus): Visibility {
  if (status === 'resolved') throw new ClaveError('INCIDENT_RESOLVED', `incident ${id} is resolved: it cannot be published`, { id });
  if (from === 'published') throw new ClaveError('INCIDENT_ALREADY_PUBLISHED', `incident ${id} is already published`, { id });
  return 'published';
}

const OCCURRENCE_MOVES: Readonly<Record<MaintenanceState, readonly MaintenanceState[]>> = {
  scheduled: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'overrun', 'cancelled'],
  completed: [],
  overrun: [],
  cancelled: [],
};

/**
 * One occurrence of a maintenance window: scheduled → in_progress at its
 * start, then completed (an operator said it is done) or overrun (its planned
 * end passed first); cancelled before or while it runs. An overrun occurrence
 * stays open (shown, components under maintenance) until an operator
 * completes or cancels it, or resolves the incident it drafted; that sets its
 * end time, not its state.
 *
 * @example
 *   transitionOccurrence('mnt-1', 'in_progress', 'overrun'); // 'overrun'
 *   transitionOccurrence('mnt-1', 'completed', 'overrun');   // throws MAINTENANCE_ENDED
 */
export function transitionOccurrence(id: string, from: MaintenanceState, to: MaintenanceState): MaintenanceState {
  if (!OCCURRENCE_MOVES[from].includes(to)) throw new ClaveError('MAINTENANCE_ENDED', `maintenance ${id}: cannot go from ${from} to ${to}`, { id, from, to });
  return to;
}
