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
};
