import { describe, expect, it } from 'vitest';
import { languageTag, renderHtmlBody } from './html-layout.ts';

describe('renderHtmlBody', () => {
  it('escapes the text into paragraphs and line breaks, with a footer in the language', () => {
    const html = renderHtmlBody('Hola <b>Ana</b> & "Luis":\n\nLínea uno\nLínea dos\n', 'es-ES');
    expect(html).toContain('<html lang="es-ES">');
    expect(html).toContain('<p>Hola &#60;b&#62;Ana&#60;/b&#62; &#38; &#34;Luis&#34;:</p>\n<p>Línea uno<br>\nLínea dos</p>');
    expect(html).toContain('<p style="font-size: 12px; color: #666666;">Este es un mensaje automático de la línea telefónica de tu banco. Por favor, no respondas a este correo.</p>');
    expect(html).not.toMatch(/<img|<script|https?:/);
  });

  it('falls back to the English footer, marked as English, and never puts a malformed tag in lang', () => {
    const html = renderHtmlBody('Ciao', 'it');
    expect(html).toContain('<html lang="it">');
    expect(html).toContain('<p lang="en" style="font-size: 12px; color: #666666;">This is an automated message');
    const bad = renderHtmlBody('Hi', 'en"><script>');
    expect(bad).toContain('<html lang="en">');
    expect(bad).not.toContain('<script>');
    expect(languageTag('x')).toBe('en');
    expect(languageTag('pt-BR')).toBe('pt-BR');
  });
});
