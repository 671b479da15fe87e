import type { AnnouncerPort, CallAnnouncement } from './call/index.ts';

/** The catalog prompt each security mode is announced with, before the menu. */
const NOTICE: Readonly<Record<string, string | undefined>> = {
  heightened: 'security_heightened_notice',
  lockdown: 'self_service_suspended',
};

/**
 * Announces the security mode to every caller before the menu, with the
 * incidents: in lockdown a caller hears that self-service is suspended
 * before keying a document and a PIN for nothing; in heightened, what is
 * limited. The notice comes first and is never shortened for repeat callers.
 *
 * @example
 *   const announcer = withSecurityNotice(incidentsAnnouncer, modes, bundle.catalogs);
 */
export function withSecurityNotice(
  inner: AnnouncerPort,
  modes: { current(): { mode: string } },
  catalogs: ReadonlyMap<string, Readonly<Record<string, string>>>,
): AnnouncerPort {
  return {
    async announcementFor(call) {
      const announced = await inner.announcementFor(call);
      const promptId = NOTICE[modes.current().mode];
      const text = promptId ? catalogs.get(call.language)?.[promptId] : undefined;
      if (!promptId || !text) return announced;
      const notice = { key: `security:${modes.current().mode}`, text, language: call.language };
      const base: CallAnnouncement = announced ?? { pieces: [], incidentIds: [], maintenanceIds: [], version: 'full' };
      return { ...base, pieces: [notice, ...base.pieces] };
    },
  };
}
