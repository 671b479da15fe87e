import { describe, expect, it } from 'vitest';
import type { CallAnnouncement } from './call/index.ts';
import { withSecurityNotice } from './security-notice.ts';

const CATALOGS = new Map([
  ['en', { self_service_suspended: 'Self-service is suspended.', security_heightened_notice: 'Some services are limited.' }],
  ['es', { self_service_suspended: 'El servicio automático está suspendido.', security_heightened_notice: 'Algunos servicios están limitados.' }],
]);
const CALL = { dialed: '950183313', caller: '+34600111222', language: 'es' };
const INCIDENT: CallAnnouncement = { pieces: [{ key: 'title', text: 'Banca online caída', language: 'es' }], incidentIds: ['inc-1'], maintenanceIds: [], version: 'short' };

describe('the security mode announced before the menu', () => {
  it('says nothing more in normal mode, and puts the notice first otherwise, in the caller\'s language', async () => {
    let mode = 'normal';
    const announcer = withSecurityNotice({ announcementFor: () => Promise.resolve(INCIDENT) }, { current: () => ({ mode }) }, CATALOGS);
    expect(await announcer.announcementFor(CALL)).toEqual(INCIDENT);
    mode = 'lockdown';
    expect(await announcer.announcementFor(CALL)).toEqual({
      ...INCIDENT,
      pieces: [{ key: 'security:lockdown', text: 'El servicio automático está suspendido.', language: 'es' }, ...INCIDENT.pieces],
    });
    mode = 'heightened';
    const quiet = withSecurityNotice({ announcementFor: () => Promise.resolve(null) }, { current: () => ({ mode }) }, CATALOGS);
    expect(await quiet.announcementFor({ ...CALL, language: 'en' })).toEqual({
      pieces: [{ key: 'security:heightened', text: 'Some services are limited.', language: 'en' }], incidentIds: [], maintenanceIds: [], version: 'full',
    });
  });
});
