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
  status_confirm_email: {
    subject: 'Confirma tus avisos del estado del servicio',
    text:
      'Hola:\n\n' +
      'Alguien, esperamos que tú, ha pedido recibir en esta dirección avisos sobre el estado del servicio. ' +
      'Para confirmarlo, abre este enlace antes de {validHours} horas:\n\n' +
      '{confirmUrl}\n\n' +
      'Si no lo has pedido tú, ignora este correo: no recibirás nada más.\n',
  },
  status_confirm_sms: {
    text: 'Confirma tus avisos del estado del servicio: {confirmUrl} El enlace caduca en {validHours} h. Si no los has pedido, ignora este SMS.',
  },
  status_incident_published_email: {
    subject: 'Incidencia en el servicio: {title}',
    text:
      '{title}\n\n' +
      '{message}{workaround}\n\n' +
      'Sigue la incidencia en la página de estado: {statusUrl}\n\n' +
      'Recibes este correo porque te suscribiste a los avisos del estado del servicio. Para darte de baja, abre: {unsubscribeUrl}\n',
  },
  status_incident_published_sms: {
    text: 'Incidencia: {title}{workaround}\nDetalles: {statusUrl}\nBaja de avisos: {unsubscribeUrl}',
  },
  status_incident_updated_email: {
    subject: 'Novedades: {title}',
    text:
      'Hay novedades sobre una incidencia en el servicio.\n\n' +
      '{title}\n\n' +
      '{message}{workaround}\n\n' +
      'Sigue la incidencia en la página de estado: {statusUrl}\n\n' +
      'Recibes este correo porque te suscribiste a los avisos del estado del servicio. Para darte de baja, abre: {unsubscribeUrl}\n',
  },
  status_incident_updated_sms: {
    text: 'Novedades: {title}{workaround}\nDetalles: {statusUrl}\nBaja de avisos: {unsubscribeUrl}',
  },
  status_incident_resolved_email: {
    subject: 'Resuelta: {title}',
    text:
      'La incidencia en el servicio está resuelta.\n\n' +
      '{title}\n\n' +
      '{message}\n\n' +
      'La página de estado guarda el historial: {statusUrl}\n\n' +
      'Recibes este correo porque te suscribiste a los avisos del estado del servicio. Para darte de baja, abre: {unsubscribeUrl}\n',
  },
  status_incident_resolved_sms: {
    text: 'Resuelta: {title}\nDetalles: {statusUrl}\nBaja de avisos: {unsubscribeUrl}',
  },
  status_maintenance_scheduled_email: {
    subject: 'Mantenimiento programado: {title}',
    text:
      '{title}\n\n' +
      'Cuándo: {window}\n\n' +
      '{message}{workaround}\n\n' +
      'La página de estado lo muestra mientras dure: {statusUrl}\n\n' +
      'Recibes este correo porque te suscribiste a los avisos del estado del servicio. Para darte de baja, abre: {unsubscribeUrl}\n',
  },
  status_maintenance_scheduled_sms: {
    text: 'Mantenimiento programado: {title}, {window}\nDetalles: {statusUrl}\nBaja de avisos: {unsubscribeUrl}',
  },
  status_maintenance_cancelled_email: {
    subject: 'Mantenimiento cancelado: {title}',
    text:
      'El mantenimiento programado que te indicamos no se hará; los servicios siguen disponibles.\n\n' +
      '{title}\n\n' +
      'Estaba previsto: {window}\n\n' +
      'La página de estado: {statusUrl}\n\n' +
      'Recibes este correo porque te suscribiste a los avisos del estado del servicio. Para darte de baja, abre: {unsubscribeUrl}\n',
  },
  status_maintenance_cancelled_sms: {
    text: 'Mantenimiento cancelado: {title}, {window}\nDetalles: {statusUrl}\nBaja de avisos: {unsubscribeUrl}',
  },
};
