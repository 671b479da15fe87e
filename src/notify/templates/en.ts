import type { LanguageCatalog } from './catalog.ts';

/**
 * English, the fallback language: it must stay complete. SMS texts stay
 * within one 160-character GSM 03.38 message so a secret is never split
 * across parts (a test checks it with long parameter values).
 */
export const en: LanguageCatalog = {
  ebanking_username: {
    subject: 'Your e-banking user name',
    text:
      'Hello {name},\n\n' +
      'As you asked on the phone, your e-banking user has been unlocked. Your user name is: {username}\n\n' +
      'A temporary password has been sent separately, by SMS to your mobile phone. ' +
      'You must change it the next time you log in.\n\n' +
      'If you did not ask for this, call your bank at once.\n',
  },
  ebanking_temporary_password: {
    text: 'Your temporary e-banking password is {secret} and is valid for {validMinutes} min. You must change it at your next login. Never share it.',
  },
  phonebanking_username: {
    subject: 'Your phone-banking user name',
    text:
      'Hello {name},\n\n' +
      'As you asked on the phone, your phone-banking user has been unlocked. Your user name is: {username}\n\n' +
      'A temporary access code has been sent separately, by SMS to your mobile phone.\n\n' +
      'If you did not ask for this, call your bank at once.\n',
  },
  phonebanking_access_code: {
    text: 'Your temporary phone-banking access code is {secret} and is valid for {validMinutes} min. Never share it with anyone.',
  },
  operation_unlock_code: {
    text: 'Unlock code for operation {reference}: {secret}. Type it into e-banking within {validMinutes} min. Never share it.',
  },
  signature_unlocked: {
    text: 'Your operation-signing signature has been unlocked. If you did not ask for this, call your bank at once.',
  },
  password_changed: {
    text: 'The e-banking password of user {username} has been changed. If it was not you, call your bank at once.',
  },
  status_confirm_email: {
    subject: 'Confirm your service status alerts',
    text:
      'Hello,\n\n' +
      'Someone, we hope you, asked to receive service status alerts at this address. ' +
      'To confirm, open this link within {validHours} hours:\n\n' +
      '{confirmUrl}\n\n' +
      'If you did not ask for this, ignore this e-mail: you will receive nothing else.\n',
  },
  status_confirm_sms: {
    text: 'Confirm your service status alerts: {confirmUrl} The link is valid for {validHours} h. If you did not ask for them, ignore this SMS.',
  },
  status_incident_published_email: {
    subject: 'Service incident: {title}',
    text:
      '{title}\n\n' +
      '{message}{workaround}\n\n' +
      'Follow the incident on the status page: {statusUrl}\n\n' +
      'You receive this because you subscribed to service status alerts. To stop them, open: {unsubscribeUrl}\n',
  },
  status_incident_published_sms: {
    text: 'Service incident: {title}{workaround}\nMore: {statusUrl}\nStop alerts: {unsubscribeUrl}',
  },
  status_incident_updated_email: {
    subject: 'Update: {title}',
    text:
      'There is news about a service incident.\n\n' +
      '{title}\n\n' +
      '{message}{workaround}\n\n' +
      'Follow the incident on the status page: {statusUrl}\n\n' +
      'You receive this because you subscribed to service status alerts. To stop them, open: {unsubscribeUrl}\n',
  },
  status_incident_updated_sms: {
    text: 'Update: {title}{workaround}\nMore: {statusUrl}\nStop alerts: {unsubscribeUrl}',
  },
  status_incident_resolved_email: {
    subject: 'Resolved: {title}',
    text:
      'The service incident is resolved.\n\n' +
      '{title}\n\n' +
      '{message}\n\n' +
      'The status page keeps its history: {statusUrl}\n\n' +
      'You receive this because you subscribed to service status alerts. To stop them, open: {unsubscribeUrl}\n',
  },
  status_incident_resolved_sms: {
    text: 'Resolved: {title}\nMore: {statusUrl}\nStop alerts: {unsubscribeUrl}',
  },
  status_maintenance_scheduled_email: {
    subject: 'Planned maintenance: {title}',
    text:
      '{title}\n\n' +
      'When: {window}\n\n' +
      '{message}{workaround}\n\n' +
      'The status page shows it while it lasts: {statusUrl}\n\n' +
      'You receive this because you subscribed to service status alerts. To stop them, open: {unsubscribeUrl}\n',
  },
  status_maintenance_scheduled_sms: {
    text: 'Planned maintenance: {title}, {window}\nMore: {statusUrl}\nStop alerts: {unsubscribeUrl}',
  },
  status_maintenance_cancelled_email: {
    subject: 'Maintenance cancelled: {title}',
    text:
      'The planned maintenance below will not take place; the services stay available.\n\n' +
      '{title}\n\n' +
      'It was planned for: {window}\n\n' +
      'The status page: {statusUrl}\n\n' +
      'You receive this because you subscribed to service status alerts. To stop them, open: {unsubscribeUrl}\n',
  },
  status_maintenance_cancelled_sms: {
    text: 'Maintenance cancelled: {title}, {window}\nMore: {statusUrl}\nStop alerts: {unsubscribeUrl}',
  },
};
