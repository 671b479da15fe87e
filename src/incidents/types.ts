/**
 * The incident model shared by the operations API, the status page, the
 * announcement callers hear and the notifications: one source of truth,
 * every public text in each language the line speaks.
 */

/** A component's condition, worst last (the order is used to pick the worst). */
export type ComponentStatus = 'operational' | 'degraded' | 'partial_outage' | 'major_outage' | 'under_maintenance';
/** What an incident does to a component (operational is never an impact). */
export type Impact = Exclude<ComponentStatus, 'operational'>;

export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export type IncidentCause = 'technical_fault' | 'planned_maintenance' | 'third_party' | 'cyberattack' | 'under_investigation';
/** draft: written, not public (a maintenance overrun, a detector's suspicion); published: public until resolved. */
export type Visibility = 'draft' | 'published';

/** A public text in one language. */
export interface IncidentText {
  title: string;
  message: string;
  /** What still works and what to do meanwhile. */
  workaround?: string;
}

/** Text per language code ("es", "en", …). */
export type Texts = Record<string, IncidentText>;

/** A configured component (status.yaml): its id is stable configuration, its name per language. */
export interface ComponentDef {
  id: string;
  name: Record<string, string>;
  /** Dialed numbers whose callers this component concerns; absent: every line. */
  lines?: string[];
}

/** A market (country or region), with the calling codes that place a caller in it. */
export interface MarketDef {
  id: string;
  name: Record<string, string>;
  /** E.164 country calling codes, e.g. ["34"]. */
  callingCodes: string[];
}

export interface StatusConfig {
  components: ComponentDef[];
  markets: MarketDef[];
  /** The languages public texts must have; the first is the fallback. */
  languages: string[];
  /** IANA time zone in which spoken times ("next update at 14:30") are said; default Europe/Madrid. */
  timeZone?: string;
}

export interface AffectedComponent {
  component: string;
  impact: Impact;
}

export interface IncidentUpdate {
  id: string;
  status: IncidentStatus;
  /** The texts this update published; absent when the update only changed the status. */
  text?: Texts;
  /** Who said it (the operator's name). */
  author: string;
  at: Date;
}

export interface Incident {
  id: string;
  visibility: Visibility;
  status: IncidentStatus;
  cause: IncidentCause;
  components: AffectedComponent[];
  /** Market ids; empty: every market. */
  markets: string[];
  /** The current texts (the latest update's, else the first). */
  text: Texts;
  updates: IncidentUpdate[];
  /** When the next update is due, if promised. */
  nextUpdateAt: Date | null;
  /** What made it: an operator, a maintenance window that overran, the outage detector. */
  source: 'operator' | 'maintenance_overrun' | 'detector';
  maintenanceId: string | null;
  createdAt: Date;
  publishedAt: Date | null;
  resolvedAt: Date | null;
}

/** A window's schedule: one-off, or repeated (every week on given days, or every day) until a date. */
export interface Recurrence {
  freq: 'daily' | 'weekly';
  /** For weekly: 0 = Sunday … 6 = Saturday. */
  byWeekday?: number[];
  /** No occurrence starts after this. */
  until?: Date;
}

export type MaintenanceState = 'scheduled' | 'in_progress' | 'completed' | 'overrun' | 'cancelled';

export interface Maintenance {
  id: string;
  components: AffectedComponent[];
  markets: string[];
  text: Texts;
  /** The first (or only) occurrence. */
  startsAt: Date;
  endsAt: Date;
  recurrence: Recurrence | null;
  /** Announced (page, callers, subscribers) from this long before each start. */
  announceBeforeMs: number;
  /** The occurrence that matters now: running, or the next one. */
  current: { startsAt: Date; endsAt: Date; state: MaintenanceState } | null;
  /** The latest occurrence that is over (completed, overrun and ended, cancelled); null before the first. */
  previous?: { startsAt: Date; endsAt: Date; state: MaintenanceState; endedAt: Date | null } | null;
  /** Set when the whole window (every future occurrence) was cancelled. */
  cancelledAt?: Date | null;
  createdAt: Date;
}

export interface Alert {
  id: string;
  kind: 'maintenance_overrun' | 'outage_suspected';
  message: string;
  /** The incident drafted for an operator to confirm and publish. */
  draftIncidentId: string | null;
  /** The window that overran, for maintenance_overrun alerts. */
  maintenanceId?: string | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
}

/** What the status page, its feed and its JSON show, in one language. */
export interface StatusView {
  language: string;
  generatedAt: Date;
  /** Changes whenever anything public changes: the page's ETag. */
  version: string;
  /** Per market (and "all"): each component's worst status now. */
  grid: { market: string | null; marketName: string | null; components: { id: string; name: string; status: ComponentStatus }[] }[];
  active: PublicIncident[];
  maintenance: PublicMaintenance[];
  /** Resolved incidents of the last 90 days, newest first. */
  history: PublicIncident[];
}

/** An incident as the public sees it in one language; `fallback` names the language shown when the asked one is missing. */
export interface PublicIncident {
  id: string;
  status: IncidentStatus;
  cause: IncidentCause;
  components: (AffectedComponent & { name: string })[];
  markets: { id: string; name: string }[];
  title: string;
  message: string;
  workaround: string | null;
  fallback: string | null;
  timeline: { status: IncidentStatus; message: string | null; at: Date }[];
  nextUpdateAt: Date | null;
  publishedAt: Date;
  resolvedAt: Date | null;
}

export interface PublicMaintenance {
  id: string;
  components: (AffectedComponent & { name: string })[];
  markets: { id: string; name: string }[];
  title: string;
  message: string;
  workaround: string | null;
  fallback: string | null;
  startsAt: Date;
  endsAt: Date;
  state: MaintenanceState;
}

/** What a caller hears before the menu: the pieces of speech, in order, and what was announced. */
export interface Announcement {
  /** Each piece is spoken as one prompt (text in the caller's language, or the fallback). */
  pieces: { key: string; text: string; language: string }[];
  incidentIds: string[];
  maintenanceIds: string[];
  /** 'short' for a caller who heard the same announcement a short while ago. */
  version: 'full' | 'short';
}

/** Published, updated or resolved: what subscribers and webhooks are told. */
export interface IncidentEvent {
  type: 'incident.published' | 'incident.updated' | 'incident.resolved' | 'maintenance.scheduled' | 'maintenance.started' | 'maintenance.completed' | 'maintenance.cancelled'
    /** For operators' tools only (webhooks that name it); subscribers are never told. */
    | 'alert.raised';
  incident?: Incident;
  maintenance?: Maintenance;
  alert?: Alert;
  at: Date;
}

export interface CreateIncidentInput {
  status: Exclude<IncidentStatus, 'resolved'>;
  cause: IncidentCause;
  components: AffectedComponent[];
  markets?: string[];
  text: Texts;
  /** false (default true via the API's `publish: true`): keep it a draft. */
  publish: boolean;
  nextUpdateAt?: Date | null;
}

export interface UpdateIncidentInput {
  status: IncidentStatus;
  text?: Texts;
  components?: AffectedComponent[];
  nextUpdateAt?: Date | null;
}

export interface ScheduleMaintenanceInput {
  components: AffectedComponent[];
  markets?: string[];
  text: Texts;
  startsAt: Date;
  endsAt: Date;
  recurrence?: Recurrence | null;
  announceBeforeMs?: number;
}

/** One audited change: who said what, when. */
export interface AuditEntry {
  at: Date;
  author: string;
  action: string;
  subject: string;
  /** The request as given (public texts, statuses); never a secret. */
  detail: unknown;
}

/**
 * The incidents context's service (src/incidents/index.ts exports
 * `createIncidents(deps): IncidentsService`). All times come from the
 * injected clock; every change is audited and emits an IncidentEvent.
 */
export interface IncidentsService {
  readonly config: StatusConfig;
  create(input: CreateIncidentInput, author: string): Promise<Incident>;
  update(id: string, input: UpdateIncidentInput, author: string): Promise<Incident>;
  /** A draft goes public. */
  publish(id: string, author: string): Promise<Incident>;
  get(id: string): Promise<Incident | null>;
  list(query?: { visibility?: Visibility; active?: boolean; limit?: number }): Promise<Incident[]>;
  scheduleMaintenance(input: ScheduleMaintenanceInput, author: string): Promise<Maintenance>;
  /** The work is done: the current occurrence ends now (or it is cancelled if it had not started). */
  completeMaintenance(id: string, author: string): Promise<Maintenance>;
  cancelMaintenance(id: string, author: string): Promise<Maintenance>;
  listMaintenance(): Promise<Maintenance[]>;
  alerts(): Promise<Alert[]>;
  acknowledgeAlert(id: string, author: string): Promise<Alert>;
  /** The outage detector's alert, with a drafted incident for an operator to confirm (never published by itself). */
  raiseOutageAlert(input: { message: string; draft: Omit<CreateIncidentInput, 'publish'> }, author: string): Promise<Alert>;
  audit(limit?: number): Promise<AuditEntry[]>;
  /** Starts and ends windows on time; an occurrence past its end and not completed becomes an alert and a draft incident. Idempotent. */
  tick(): Promise<void>;
  /** The public view in one language (cached; `version` changes with any public change). */
  statusView(language: string): Promise<StatusView>;
  /** What a caller of `dialed` from `caller` (E.164) hears in `language` now; null when nothing concerns them. */
  announcementFor(call: { dialed: string; caller: string; language: string }): Promise<Announcement | null>;
  /** Exactly what the page will show and callers will hear, per language, for an incident not yet saved. */
  preview(input: CreateIncidentInput): { page: Record<string, PublicIncident>; spoken: Record<string, Announcement['pieces']> };
  onEvent(listener: (event: IncidentEvent) => void): () => void;
}
