import type { Identity } from '../identity/index.ts';
import type { ServiceRequest, ServiceResult, Services } from '../services/index.ts';

/** What the call layer asks of identity: the identity context as it is. */
export type IdentityPort = Pick<Identity, 'identify' | 'verifyCard'>;

/** What the call layer asks of the services context. */
export type ServicesPort = Pick<Services, 'run'>;
export type { ServiceRequest, ServiceResult as ServiceAnswer };

/** Where transfers go: flow target name ("agent") → address. Empty when no agent is configured. */
export type AgentDirectory = Readonly<Record<string, string>>;

/** What a caller hears before the menu (the incidents context's Announcement, structurally). */
export interface CallAnnouncement {
  pieces: { key: string; text: string; language: string }[];
  incidentIds: string[];
  maintenanceIds: string[];
  version: 'full' | 'short';
  /** The store did not answer: this is the last announcement known for the line, market and language. */
  stale?: boolean;
}

/** What the call layer asks of the incidents context: the announcement that concerns one call, or null. */
export interface AnnouncerPort {
  announcementFor(call: { dialed: string; caller: string; language: string }): Promise<CallAnnouncement | null>;
}

/** Where a caller's "report a problem" goes (the outage detector). */
export interface ProblemReporterPort {
  report(input: { component: string; dialed: string; caller: string }): Promise<void>;
}
