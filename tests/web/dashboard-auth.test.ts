/**
 * Dashboard in chromium: first-run setup from the console link, login, deep links through
 * login, logout, and the lockout message after five failed logins.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { PASSWORD, skipReason, startHarness, type Harness } from './dashboard-harness.ts';

const skip = skipReason();
if (skip) console.warn(skip);

let h: Harness;
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:\n  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true }\n`);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe.skipIf(!!skip)('dashboard: setup, login, lockout', () => {
  test('first run: any page leads to /setup; the token from the URL sets the password and logs in', async () => {
    const { page, t } = h;
    await h.open('/providers');
    await page.waitForURL('**/setup');
    await page.getByRole('heading', { name: 'Welcome to Switchyard' }).waitFor();
    // Without ?token= the form asks for it.
    expect(await page.locator('input[name=token]').count()).toBe(1);
    await h.shot('setup');

    const { token } = t.gw.dashboard.createSetupToken();
    await h.open(`/setup?token=${token}`);
    expect(await page.locator('input[name=token]').count()).toBe(0);
    expect(new URL(page.url()).search).toBe(''); // the token leaves the address bar at once
    await page.fill('input[name=password]', 'short');
    await page.getByText('Use at least 10 characters.').waitFor();
    await page.fill('input[name=password]', PASSWORD);
    await page.fill('input[name=confirm]', PASSWORD + 'x');
    expect(await page.getByRole('button', { name: 'Set password and sign in' }).isDisabled()).toBe(true);
    await page.fill('input[name=confirm]', PASSWORD);
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');

    const cookie = (await h.ctx.cookies()).find((c) => c.name === 'sy_session');
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe('Strict');
    expect(await page.evaluate(() => document.cookie)).not.toContain('sy_session');
    expect(t.gw.dashboard.needsSetup()).toBe(false);
  });

  test('a used setup link says setup is done', async () => {
    await h.open('/setup?token=whatever');
    await h.page.getByTestId('setup-done').waitFor();
  });

  test('logout, wrong password, then a deep link survives the login', async () => {
    const { page } = h;
    await h.open('/');
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    await h.open('/keys?x=1');
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/keys?x=1');
    await h.shot('login');
    await page.fill('input[name=password]', 'not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('login-error').getByText('Wrong password.').waitFor();
    await page.fill('input[name=password]', PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/keys');
  });

  test('five failed logins lock the login, with a clear message that survives a reload', async () => {
    const { page } = h;
    await page.getByTestId('logout').click();
    await page.waitForURL('**/login');
    const lock = page.getByTestId('lockout');
    for (let i = 0; i < 6 && !(await lock.isVisible()); i++) {
      await page.fill('input[name=password]', `wrong-${i}`);
      await Promise.all([page.waitForResponse('**/api/auth/login'), page.getByRole('button', { name: 'Sign in' }).click()]);
      // The answer is rendered after it arrives: wait until the form is ready again or locked.
      await page.waitForFunction(() => document.querySelector('[data-testid=lockout]') !== null
        || !(document.querySelector('input[name=password]') as HTMLInputElement | null)?.disabled);
    }
    await lock.waitFor();
    expect(await lock.textContent()).toContain('sign-in is locked until');
    expect(await page.locator('input[name=password]').isDisabled()).toBe(true);
    await h.shot('login-locked');
    // Even the right password is refused now (checked through the API: the form is disabled).
    const res = await h.ctx.request.post(`${h.t.url}/api/auth/login`, { data: { password: PASSWORD }, headers: { origin: h.t.url } });
    expect(res.status()).toBe(429);
    await h.open('/login');
    await lock.waitFor();
    expect(h.pageErrors).toEqual([]);
  }, 15_000); // six password checks and a reload in a real browser: ~1.3 s, more on a loaded machine
});
