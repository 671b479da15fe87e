import type { LanguageCatalog } from './catalog.ts';

/**
 * Spanish. The SMS texts leave out the accents GSM 03.38 lacks (á, í, ó, ú):
 * one such letter switches the whole message to UCS-2 and cuts it from 160
 * to 70 characters, which would split the secret across parts. Where a
 * wording without accents reads naturally it is preferred; é, ñ, ü, ¿ and ¡
 * are in the GSM alphabet. E-mails keep full spelling.
 */
export const es: LanguageCatalog = {
  ebanking_username: {
    subject: 'Tu usuario de banca online',
    text:
      'Hola, {name}:\n\n' +
      'Como nos pediste por teléfono, hemos desbloqueado tu usuario de banca online. Tu nombre de usuario es: {username}\n\n' +
      'Te hemos enviado aparte una contraseña temporal por SMS a tu móvil. ' +
      'Tendrás que cambiarla la próxima vez que entres.\n\n' +
      'Si no lo has pedido tú, llama a tu banco cuanto antes.\n',
  },
  ebanking_temporary_password: {
    text: 'Tu contraseña temporal de banca online es {secret} y caduca en {validMinutes} min. Debes cambiarla en tu siguiente acceso. No la compartas.',
  },
  phonebanking_username: {
    subject: 'Tu usuario de banca telefónica',
    text:
      'Hola, {name}:\n\n' +
      'Como nos pediste por teléfono, hemos desbloqueado tu usuario de banca telefónica. Tu nombre de usuario es: {username}\n\n' +
      'Te hemos enviado aparte una clave de acceso temporal por SMS a tu móvil.\n\n' +
      'Si no lo has pedido tú, llama a tu banco cuanto antes.\n',
  },
  phonebanking_access_code: {
    text: 'Tu clave de acceso temporal a banca telefonica es {secret} y caduca en {validMinutes} min. No la compartas con nadie.',
  },
  operation_unlock_code: {
    text: 'Para desbloquear la operacion {reference}, escribe en tu banca online la clave {secret}. Caduca en {validMinutes} min. No la compartas.',
  },
  signature_unlocked: {
    text: 'Tu firma de operaciones ha sido desbloqueada. Si no lo has pedido, llama a tu banco cuanto antes.',
  },
  password_changed: {
    text: 'Se ha cambiado la contraseña de banca online del usuario {username}. Si no reconoces este cambio, llama a tu banco cuanto antes.',
  },
};
