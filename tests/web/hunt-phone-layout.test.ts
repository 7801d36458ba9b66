/**
 * Bug hunt, a 390 px phone (light and dark): the controls of a table row (a key's Edit / Rotate
 * / Revoke, a plugin's switch and Configure, a dashboard key's remove button) sat past the right
 * edge, reachable only by scrolling the table sideways.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { skipReason, startHarness, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o] }
plugins:
  - api-key
  - circuit-breaker
`, { width: 390, height: 844 });
  await h.login();
  const res = await h.ctx.request.post(`${h.t.url}/api/providers/up/keys`, { data: { apiKey: 'sk-dashboard-key-0001', label: 'work' }, headers: { origin: h.t.url } });
  if (res.status() !== 201) throw new Error(`key not added: ${res.status()}`);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Controls inside `table` that end past the viewport's right edge, and tables that scroll sideways. */
const offScreen = () => h.page.evaluate(() => {
  const out: string[] = [];
  for (const el of document.querySelectorAll<HTMLElement>('table button, table input')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > window.innerWidth) out.push(`${el.closest('tr')?.getAttribute('data-testid') ?? 'row'}: ${el.textContent || el.getAttribute('aria-label')}`);
  }
  for (const w of document.querySelectorAll<HTMLElement>('.table-wrap')) if (w.scrollWidth > w.clientWidth + 1) out.push(`a table scrolls sideways (${w.scrollWidth} > ${w.clientWidth})`);
  return out;
});

describe.skipIf(!!skip)('hunt: a phone\'s width', () => {
  for (const theme of ['light', 'dark']) {
    test(`every row's controls are on screen on the keys, plugins and providers pages (${theme})`, async () => {
      const { page } = h;
      await h.open('/');
      await page.evaluate((t) => localStorage.setItem('sy.theme', t), theme);
      await h.open('/keys');
      await page.getByTestId('key-test').waitFor();
      expect(await page.getByTestId('key-test').getByRole('button', { name: 'Revoke' }).isVisible()).toBe(true);
      expect(await offScreen()).toEqual([]);
      await h.open('/plugins');
      await page.getByTestId('plugin-circuit-breaker').getByTestId('plugin-configure').waitFor();
      expect(await offScreen()).toEqual([]);
      await h.open('/providers');
      await page.getByTestId('provider-up').getByTestId('accounts').waitFor();
      expect(await offScreen()).toEqual([]);
      expect(h.pageErrors).toEqual([]);
    });
  }
});
