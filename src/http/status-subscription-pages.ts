/**
 * The small pages behind the status-alert links: plain HTML, no JavaScript,
 * readable on a phone, every dynamic value escaped. Words per language; a
 * language without words falls back to English.
 */

export type PageKind =
  | 'subscribed' | 'invalid' | 'confirmed' | 'updated' | 'already_confirmed' | 'link_invalid' | 'link_expired'
  | 'unsubscribe_ask' | 'unsubscribed' | 'not_subscribed';

interface Words {
  title: Record<PageKind, string>;
  subscribed(address: string, channel: 'email' | 'sms'): string;
  invalid: { address: Record<'email' | 'sms', string>; choice: string; channel: string; other: string };
  confirmed: string;
  updated: string;
  already_confirmed: string;
  unsubscribeLater: string;
  link_invalid: string;
  link_expired: string;
  unsubscribe_ask: string;
  unsubscribeButton: string;
  unsubscribed: string;
  not_subscribed: string;
  back: string;
}

const EN: Words = {
  title: {
    subscribed: 'Check your messages', invalid: 'We could not subscribe you', confirmed: 'Subscription confirmed', updated: 'Alerts updated',
    already_confirmed: 'Already confirmed', link_invalid: 'This link does not work', link_expired: 'This link has expired',
    unsubscribe_ask: 'Stop status alerts?', unsubscribed: 'Unsubscribed', not_subscribed: 'Not subscribed',
  },
  subscribed: (address, channel) =>
    `We are sending a confirmation link to ${address} by ${channel === 'sms' ? 'SMS' : 'e-mail'}, unless we sent one there a few minutes ago. ` +
    'Alerts start only once you open it.',
  invalid: {
    address: { email: 'The e-mail address is not valid.', sms: 'The phone number is not valid: write it with its country code, e.g. +34 600 000 000.' },
    choice: 'One of the services or markets chosen does not exist.',
    channel: 'Choose e-mail or SMS.',
    other: 'The form was incomplete.',
  },
  confirmed: 'You will receive an alert when an incident or planned maintenance concerns the services you chose.',
  updated: 'Your new choice of alerts is in place.',
  already_confirmed: 'This link was used already: nothing has changed.',
  unsubscribeLater: 'To stop the alerts at any time, open:',
  link_invalid: 'The link is not valid, or a newer one replaced it. Subscribe again from the status page if you want alerts.',
  link_expired: 'Confirmation links work for 24 hours. Subscribe again from the status page to get a new one.',
  unsubscribe_ask: 'You will receive no more service status alerts at this address.',
  unsubscribeButton: 'Unsubscribe',
  unsubscribed: 'You will receive no more service status alerts. Your address is off the alert list.',
  not_subscribed: 'This address receives no status alerts (any more).',
  back: 'Back to the status page',
};

const ES: Words = {
  title: {
    subscribed: 'Revisa tus mensajes', invalid: 'No hemos podido suscribirte', confirmed: 'Suscripción confirmada', updated: 'Avisos actualizados',
    already_confirmed: 'Ya estaba confirmado', link_invalid: 'Este enlace no funciona', link_expired: 'Este enlace ha caducado',
    unsubscribe_ask: '¿Dejar de recibir avisos?', unsubscribed: 'Baja completada', not_subscribed: 'Sin suscripción',
  },
  subscribed: (address, channel) =>
    `Te enviamos un enlace de confirmación a ${address} por ${channel === 'sms' ? 'SMS' : 'correo electrónico'}, salvo que te hayamos enviado otro hace unos minutos. ` +
    'Los avisos empiezan solo cuando lo abras.',
  invalid: {
    address: { email: 'La dirección de correo no es válida.', sms: 'El número de teléfono no es válido: escríbelo con su prefijo internacional, p. ej. +34 600 000 000.' },
    choice: 'Alguno de los servicios o mercados elegidos no existe.',
    channel: 'Elige correo electrónico o SMS.',
    other: 'El formulario estaba incompleto.',
  },
  confirmed: 'Recibirás un aviso cuando una incidencia o un mantenimiento programado afecte a los servicios que elegiste.',
  updated: 'Tu nueva selección de avisos ya está activa.',
  already_confirmed: 'Este enlace ya se había usado: no ha cambiado nada.',
  unsubscribeLater: 'Para dejar de recibir avisos en cualquier momento, abre:',
  link_invalid: 'El enlace no es válido o uno más reciente lo ha sustituido. Vuelve a suscribirte desde la página de estado si quieres avisos.',
  link_expired: 'Los enlaces de confirmación valen 24 horas. Vuelve a suscribirte desde la página de estado para recibir uno nuevo.',
  unsubscribe_ask: 'No recibirás más avisos del estado del servicio en esta dirección.',
  unsubscribeButton: 'Darme de baja',
  unsubscribed: 'No recibirás más avisos del estado del servicio. Tu dirección ya no está en la lista de avisos.',
  not_subscribed: 'Esta dirección no recibe avisos del estado del servicio (o ya no).',
  back: 'Volver a la página de estado',
};

export const PAGE_WORDS: Readonly<Record<string, Words>> = { en: EN, es: ES };

export function wordsFor(language: string): { language: string; words: Words } {
  return Object.hasOwn(PAGE_WORDS, language) ? { language, words: PAGE_WORDS[language] as Words } : { language: 'en', words: EN };
}

/** HTML-escapes text for element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One page: a heading, paragraphs of plain text, an optional link and an
 * optional one-button form (the unsubscribe POST, RFC 8058 field included so
 * the page and mail clients send the same request).
 *
 * @example renderPage('es', 'confirmed', ['Recibirás un aviso…'], { link: url })
 */
export function renderPage(
  language: string,
  kind: PageKind,
  paragraphs: string[],
  extra: { link?: { intro: string; href: string }; form?: { action: string; button: string } } = {},
): string {
  const { language: lang, words } = wordsFor(language);
  const title = words.title[kind];
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${escapeHtml(title)}</title>`,
    '<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}' +
      'button{font-size:1rem;padding:.6rem 1.2rem;cursor:pointer}a{color:#0645ad;overflow-wrap:anywhere}</style>',
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...(extra.link ? [`<p>${escapeHtml(extra.link.intro)} <a href="${escapeHtml(extra.link.href)}">${escapeHtml(extra.link.href)}</a></p>`] : []),
    ...(extra.form
      ? [
        `<form method="post" action="${escapeHtml(extra.form.action)}">`,
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">',
        `<button type="submit">${escapeHtml(extra.form.button)}</button>`,
        '</form>',
      ]
      : []),
    `<p><a href="/status?lang=${encodeURIComponent(lang)}">${escapeHtml(words.back)}</a></p>`,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
