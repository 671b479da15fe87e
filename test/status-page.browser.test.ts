/**
 * Issue 5: the status page in a real browser (Debian's Chromium driven by
 * playwright-core): Spanish and English, an incident appearing and
 * resolving, no script and JavaScript off, a phone's width. Screenshots go
 * to test-artifacts/ (not in git).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusPage } from '../src/http/status-page/index.ts';
import { fakeStatus } from '../src/http/status-page/test-fixtures.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const TITLE = HAS_CHROMIUM ? 'status page in Chromium' : `status page in Chromium: SKIPPED, ${CHROMIUM} is missing (apt-get install -y chromium)`;

describe.skipIf(!HAS_CHROMIUM)(TITLE, () => {
  const status = fakeStatus('calm');
  let app: FastifyInstance;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    app = Fastify();
    await app.register(statusPage({ status, languages: ['es', 'en'], timeZone: 'Europe/Madrid' }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

  it('shows an incident appear and resolve, in Spanish then English, with JavaScript off', async () => {
    const context = await browser.newContext({ locale: 'es-ES', javaScriptEnabled: false, viewport: { width: 1024, height: 900 } });
    try {
      const page = await context.newPage();
      status.scenario = 'calm';
      const first = await page.goto(`${base}/status`);
      expect(first?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await text(page, 'h1')).toBe('Estado del servicio');
      expect(await text(page, '.banner')).toContain('Todos los servicios funcionan con normalidad');
      expect(await text(page, '#active + p')).toBe('No hay incidencias en curso.');
      expect(await page.locator('script').count()).toBe(0);

      status.scenario = 'incident';
      await page.reload();
      expect(await text(page, '.banner')).toContain('Hay servicios que no funcionan');
      const outage = page.locator('#incident-inc-outage');
      expect(await outage.locator('h3').isVisible()).toBe(true);
      expect(await outage.locator('h3').innerText()).toBe('Banca online y app no disponibles');
      expect(await outage.locator('.cause').innerText()).toBe('Causa: fallo técnico. No se trata de un ciberataque.');
      expect(await outage.locator('.workaround').innerText()).toContain('Las retiradas de efectivo en cajeros y los pagos con tarjeta en comercios funcionan con normalidad.');
      expect(await outage.locator('.workaround').isVisible()).toBe(true);
      expect(await outage.innerText()).toContain('Próxima actualización: 12 mar 2025, 10:30 CET');
      expect(await page.locator('script').count()).toBe(0);
      await page.screenshot({ path: `${ARTIFACTS}status-es-incident.png`, fullPage: true });

      await page.getByRole('link', { name: 'English' }).click();
      await page.waitForURL(/\?lang=en$/);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      expect(await text(page, 'h1')).toBe('Service status');
      expect(await page.locator('#incident-inc-outage h3').innerText()).toBe('Online banking and app unavailable');
      expect(await page.locator('#incident-inc-topups .note').innerText()).toBe('Only available in Spanish.');
      expect(await page.locator('#incident-inc-topups .cause').innerText()).toBe('Cause: cyberattack.');
      await page.screenshot({ path: `${ARTIFACTS}status-en-incident.png`, fullPage: true });

      status.scenario = 'resolved';
      await page.reload();
      expect(await text(page, '#active + p')).toBe('No current incidents.');
      expect(await page.locator('#history ~ #incident-inc-outage').innerText()).toContain('The service is fully restored.');
      expect(await page.locator('#incident-inc-outage').count()).toBe(1);
      await page.screenshot({ path: `${ARTIFACTS}status-en-resolved.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('fits a phone (390×844) without horizontal scrolling', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    try {
      const page = await context.newPage();
      status.scenario = 'incident';
      await page.goto(`${base}/status`);
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
      // A long unbroken link in the cyberattack's message must wrap, not widen the page.
      expect(await page.locator('#incident-inc-topups').innerText()).toContain('https://www.bancodemo.example/ayuda/incidencias/');
      // A string, evaluated in the page: this project's TypeScript has no DOM types.
      const widths = await page.evaluate<{ scroll: number; client: number }>('({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })');
      expect(widths.client).toBe(390);
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
      await page.screenshot({ path: `${ARTIFACTS}status-phone-en.png`, fullPage: true });
    } finally {
      await context.close();
    }
  });
});
