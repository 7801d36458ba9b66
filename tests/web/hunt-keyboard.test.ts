/**
 * Bug hunt, keyboard only: the phone navigation drawer opened from the keyboard left the focus
 * behind it (Tab went to the page under the backdrop, Escape did nothing), and a request in the
 * log could only be opened with a mouse.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o] }
plugins:
  - api-key
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const focused = () => h.page.evaluate(() => {
  const a = document.activeElement as HTMLElement | null;
  return { inNav: !!a?.closest('nav'), text: a?.textContent?.trim() ?? null, testid: a?.getAttribute('data-testid') ?? null };
});

describe.skipIf(!!skip)('hunt: keyboard', () => {
  test('phone drawer: opened from the keyboard it takes the focus, keeps Tab inside, and Escape closes it', async () => {
    const { page } = h;
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await h.open('/keys');
      await page.getByTestId('new-key-button').waitFor();
      const menu = page.getByTestId('menu');
      await menu.focus();
      await page.keyboard.press('Enter');
      await page.locator('nav.open').waitFor();
      expect(await focused()).toMatchObject({ inNav: true, text: 'API keys' }); // the current page's link
      expect(await menu.getAttribute('aria-expanded')).toBe('true');
      for (let i = 0; i < 16; i++) {
        await page.keyboard.press('Tab');
        expect((await focused()).inNav).toBe(true);
      }
      await page.keyboard.press('Shift+Tab');
      expect((await focused()).inNav).toBe(true);
      await page.keyboard.press('Escape');
      await page.locator('nav.open').waitFor({ state: 'detached' });
      expect((await focused()).testid).toBe('menu');
      // And from the drawer to another page with the keyboard only.
      await page.keyboard.press('Enter');
      await page.locator('nav.open').waitFor();
      await page.keyboard.press('Shift+Tab'); // API keys → Logs
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Logs' }).waitFor();
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });

  test('a request in the log opens from the keyboard', async () => {
    const { page } = h;
    expect((await h.t.fetch('/v1/chat/completions', { method: 'POST', json: { model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] } })).status).toBe(200);
    h.t.gw.usage.flush();
    await h.open('/logs');
    const row = page.getByTestId('log-row').first();
    await row.waitFor();
    const id = await row.getAttribute('data-request-id');
    await page.getByRole('button', { name: 'Filter' }).focus();
    await page.keyboard.press('Tab'); // the next stop is the first request
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="log-row"]'))).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('log-detail').waitFor();
    await until(() => new URL(page.url()).pathname === `/logs/${id}`, 'the request\'s address');
    expect(h.pageErrors).toEqual([]);
  });
});
