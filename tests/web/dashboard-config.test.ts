/**
 * Dashboard in chromium, config edits: add a provider and a combo through the UI (the YAML
 * changes in place and the gateway routes through them, checked with the `openai` SDK), toggle
 * and configure plugins, and a drop-in plugin file appearing live on the plugins page.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { parse } from 'yaml';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();
const SECOND_KEY = 'sk-second-secret-key-9f3a';

let h: Harness;
let claude: MockClaude;
let yaml: () => string;
let sdk: OpenAI;
beforeAll(async () => {
  if (skip) return;
  claude = await startMockClaude();
  h = await startHarness((up) => `# dashboard config test: comments must survive edits
providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true }
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }

plugins:
  - api-key
  # breakers guard every provider
  - circuit-breaker: { failures: 5 }
  - telemetry
`);
  yaml = () => readFileSync(h.t.gw.configFile, 'utf8');
  sdk = new OpenAI({ baseURL: `${h.t.url}/v1`, apiKey: h.t.key, maxRetries: 0 });
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
  await claude?.stop();
});

describe.skipIf(!!skip)('dashboard: providers, combos, plugins', () => {
  test('adding a custom provider writes the YAML (never the key) and the gateway routes through it', async () => {
    const { page } = h;
    await h.open('/providers');
    await page.getByTestId('provider-up').waitFor();
    await page.getByTestId('add-provider').click();
    await page.getByTestId('mode-custom').click();
    await page.getByTestId('provider-name').fill('second');
    await page.locator('select[name=type]').selectOption('openai');
    await page.getByTestId('provider-base-url').fill(h.up.url);
    await page.getByTestId('provider-api-key').fill(SECOND_KEY);
    await page.getByTestId('provider-models').fill('gpt-4o-mini, gpt-4o');
    await page.getByTestId('provider-private').check();
    await page.getByTestId('provider-submit').click();
    const card = page.getByTestId('provider-second');
    await card.waitFor();

    const doc = parse(yaml());
    expect(doc.providers.second).toMatchObject({ type: 'openai', base_url: h.up.url, allow_private_network: true, models: ['gpt-4o-mini', 'gpt-4o'] });
    expect(yaml()).toContain('# dashboard config test: comments must survive edits');
    expect(yaml()).not.toContain(SECOND_KEY);
    const masked = await card.getByTestId('masked-key').first().textContent();
    expect(masked).not.toContain(SECOND_KEY);
    expect(masked).toContain(SECOND_KEY.slice(-4));
    expect(await page.content()).not.toContain(SECOND_KEY);

    const before = h.up.requests.length;
    const r = await sdk.chat.completions.create({ model: 'second/gpt-4o-mini', messages: [{ role: 'user', content: 'via second' }] });
    expect(r.choices[0]!.message.content).toBeTruthy();
    const sent = h.up.requests.slice(before).find((x) => x.path.endsWith('/chat/completions'));
    expect(sent?.headers.authorization).toBe(`Bearer ${SECOND_KEY}`);

    // Disable and enable again: `enabled: false` in the YAML, status shown on the card.
    await card.getByTestId('provider-enabled').uncheck();
    await card.locator('.badge[data-state=disabled]').waitFor();
    expect(parse(yaml()).providers.second.enabled).toBe(false);
    await card.getByTestId('provider-enabled').check();
    await card.locator('.badge[data-state=active]').first().waitFor();
    expect(parse(yaml()).providers.second.enabled).not.toBe(false);

    // Today's usage per account: the request above shows on the account's row after a reload.
    h.t.gw.usage.flush();
    await page.reload();
    const usedToday = page.getByTestId('provider-second').getByTestId('account-usage').first();
    await usedToday.filter({ hasText: /^\d+ · / }).waitFor();
    expect(Number((await usedToday.textContent())!.split(' · ')[0])).toBeGreaterThanOrEqual(1);

    await card.getByTestId('test-provider').click();
    await card.getByTestId('test-result').waitFor();
    expect(await card.getByTestId('test-result').getAttribute('class')).toContain('ok');
    await h.shot('providers');
    await page.getByTestId('add-provider').click();
    await page.getByTestId('mode-custom').click();
    await h.shot('providers-add', 'viewport');
    await page.keyboard.press('Escape');
  });

  test('a custom Bedrock provider needs no base URL (its endpoint comes from region:); an OpenAI one does', async () => {
    const { page } = h;
    await h.open('/providers');
    await page.getByTestId('add-provider').click();
    await page.getByTestId('mode-custom').click();
    await page.getByTestId('provider-name').fill('aws');
    await page.locator('select[name=type]').selectOption('openai');
    expect(await page.getByTestId('provider-submit').isDisabled()).toBe(true);
    await page.locator('select[name=type]').selectOption('bedrock');
    await page.getByTestId('provider-models').fill('anthropic.claude-sonnet-4-5');
    expect(await page.getByTestId('provider-submit').isDisabled()).toBe(false);
    await page.getByTestId('provider-submit').click();
    await page.getByTestId('provider-aws').waitFor();
    expect(parse(yaml()).providers.aws).toEqual({ type: 'bedrock', models: ['anthropic.claude-sonnet-4-5'] });
    const removed = await fetch(`${h.t.url}/api/providers/aws`, { method: 'DELETE', headers: { authorization: `Bearer ${h.t.gw.adminToken}` } });
    expect(removed.status).toBe(200);
  });

  test('an OAuth provider connects an account from its "connect" button (link, then pasted redirect)', async () => {
    const { page } = h;
    await h.open('/providers');
    const card = page.getByTestId('provider-cc');
    await card.getByTestId('oauth-connect').click();
    const modal = page.getByTestId('oauth-modal');
    await modal.getByRole('button', { name: 'Sign in in the browser' }).click();
    const link = modal.getByRole('link', { name: 'Open sign-in page' });
    const authUrl = (await link.getAttribute('href'))!;
    expect(authUrl).toStartWith(`${claude.url}/oauth/authorize?`);
    await h.shot('providers-oauth', 'viewport');
    const res = await fetch(authUrl, { redirect: 'manual' }); // the user approving at the provider
    const back = res.headers.get('location')!;
    await modal.locator('input').fill(back);
    await modal.getByRole('button', { name: 'Finish' }).click();
    await modal.waitFor({ state: 'detached' });
    await until(async () => (await card.getByTestId('accounts').textContent())?.includes('oauth'), 'the connected account on the card');
  });

  test('closing the OAuth dialog before the login ends cancels it on the gateway', async () => {
    const { page } = h;
    await h.open('/providers');
    await page.getByTestId('provider-cc').getByTestId('oauth-connect').click();
    const modal = page.getByTestId('oauth-modal');
    await modal.getByRole('button', { name: 'Sign in in the browser' }).click();
    const authUrl = (await modal.getByRole('link', { name: 'Open sign-in page' }).getAttribute('href'))!;
    const flowId = new URL(authUrl).searchParams.get('state')!;
    await page.keyboard.press('Escape');
    await modal.waitFor({ state: 'detached' });
    const status = async () => {
      const res = await fetch(`${h.t.url}/api/oauth/cc/status?flow=${flowId}`, { headers: { authorization: `Bearer ${h.t.gw.adminToken}` } });
      return ((await res.json()) as { flows: Array<{ status: string; error?: string }> }).flows[0];
    };
    await until(async () => (await status())?.status === 'error', 'the login cancelled');
    expect(await status()).toMatchObject({ status: 'error', error: 'the login was cancelled' });
  });

  test('a combo built in the UI (keyboard reorder, then drag) is written and serves requests in order', async () => {
    const { page } = h;
    await h.open('/combos');
    await page.getByTestId('new-combo').click();
    const form = page.getByTestId('combo-new');
    await form.getByTestId('combo-name').fill('duo');
    for (const m of ['up/gpt-4o', 'second/gpt-4o-mini']) {
      await form.getByTestId('combo-add-input').fill(m);
      await form.getByTestId('combo-add').click();
    }
    await form.getByTestId('combo-strategy').selectOption('fill-first');
    // Keyboard-accessible reorder: move the second target up.
    await form.locator('li[data-item="second/gpt-4o-mini"]').getByTestId('move-up').click();
    await form.getByTestId('combo-save').click();
    await page.getByTestId('combo-duo').waitFor();
    expect(parse(yaml()).combos.duo).toEqual({ strategy: 'fill-first', models: ['second/gpt-4o-mini', 'up/gpt-4o'] });

    let before = h.up.requests.length;
    await sdk.chat.completions.create({ model: 'duo', messages: [{ role: 'user', content: 'combo 1' }] });
    expect(h.up.requests.slice(before).at(-1)?.headers.authorization).toBe(`Bearer ${SECOND_KEY}`);

    // Drag the last target onto the first: HTML5 drag and drop.
    const card = page.getByTestId('combo-duo');
    await card.locator('li[data-item="up/gpt-4o"]').dragTo(card.locator('li[data-item="second/gpt-4o-mini"]'));
    expect(await card.locator('li').first().getAttribute('data-item')).toBe('up/gpt-4o');
    await card.getByTestId('combo-save').click();
    await until(() => parse(yaml()).combos.duo.models[0] === 'up/gpt-4o', 'the reordered combo in the YAML');
    await h.t.gw.reload(); // the file may be written a moment before the edit's own reload is applied
    before = h.up.requests.length;
    await sdk.chat.completions.create({ model: 'duo', messages: [{ role: 'user', content: 'combo 2' }] });
    expect(h.up.requests.slice(before).at(-1)?.headers.authorization).toBe('Bearer sk-up-000000001');
    await h.open('/combos');
    await page.getByTestId('combo-duo').getByText(/served/).first().waitFor();
    await h.shot('combos');
  });

  test('toggling and configuring a plugin edits its YAML entry in place', async () => {
    const { page } = h;
    await h.open('/plugins');
    const row = page.getByTestId('plugin-telemetry');
    await row.waitFor();
    await row.getByTestId('plugin-toggle').uncheck();
    await until(async () => (await row.getAttribute('data-state')) === 'disabled', 'telemetry disabled');
    expect(yaml()).toContain('  - telemetry: false\n');
    await row.getByTestId('plugin-toggle').check();
    await until(async () => (await row.getAttribute('data-state')) === 'active', 'telemetry active again');
    expect(yaml()).toContain('  - telemetry\n');

    await page.getByTestId('plugin-circuit-breaker').getByTestId('plugin-configure').click();
    const form = page.getByTestId('plugin-config-form');
    await form.locator('input[name=failures]').fill('7');
    await h.shot('plugins-config', 'viewport');
    await form.getByTestId('plugin-config-save').click();
    await form.waitFor({ state: 'detached' });
    await until(() => parse(yaml()).plugins.some((p: unknown) => (p as Record<string, { failures?: number }>)['circuit-breaker']?.failures === 7), 'failures: 7');
    expect(yaml()).toContain('  # breakers guard every provider\n');

    // A value the plugin's schema refuses (sent as JSON, past the form's own checks) is shown
    // with the failing field, and nothing is written.
    await page.getByTestId('plugin-circuit-breaker').getByTestId('plugin-configure').click();
    expect(await form.locator('input[name=failures]').inputValue()).toBe('7');
    await form.getByRole('button', { name: 'Edit as JSON' }).click();
    await form.getByTestId('plugin-config-json').fill('{ "failures": 0 }');
    await form.getByTestId('plugin-config-save').click();
    await form.locator('.alert.err').waitFor();
    expect(await form.locator('.alert.err').textContent()).toContain('failures');
    expect(yaml()).toContain('failures: 7');
    await page.keyboard.press('Escape');
  });

  test('a drop-in plugin file appears on the plugins page without a reload click', async () => {
    const { page } = h;
    await h.open('/plugins');
    await page.getByTestId('plugin-telemetry').waitFor();
    expect(await page.getByTestId('plugin-hello-dropin').count()).toBe(0);
    writeFileSync(join(h.t.dataDir, 'plugins', 'hello-dropin.ts'), `export default {
  name: 'hello-dropin', kind: 'observer', apiVersion: 1, description: 'Says hello from the plugins folder.',
  setup(ctx) { ctx.on('response:completed', () => {}); },
};
`);
    const row = page.getByTestId('plugin-hello-dropin');
    await row.waitFor({ timeout: 10_000 });
    expect(await row.textContent()).toContain('drop-in');
    await until(async () => (await row.getAttribute('data-state')) === 'active', 'the drop-in active');
    await h.shot('plugins');
    expect(h.pageErrors).toEqual([]);
  });
});
