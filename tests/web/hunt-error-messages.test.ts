/**
 * Bug hunt, actions that failed or told the user something useless: "Apply" on the CLI tools
 * page refused with a raw validation message, "Copy" answered with a JavaScript error where the
 * browser has no Clipboard API, a settings plugin enabled with an unusable config looked fine,
 * a refused config edit said where twice, the playground showed an old error.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
beforeAll(async () => {
  if (skip) return;
  h = await startHarness((up) => `providers:
  up: { type: openai, base_url: "${up}", keys: [sk-up-000000001], allow_private_network: true, models: [gpt-4o, gpt-4o-mini] }
plugins:
  - api-key
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const toasts = () => h.page.getByTestId('toast').allTextContents();

describe.skipIf(!!skip)('hunt: error messages and silent failures', () => {
  test('"Apply" on the CLI tools page works with the model field left empty: the snippets\' default model is written', async () => {
    const { page } = h;
    const home = mkdtempSync(join(tmpdir(), 'switchyard-tools-home-'));
    const before = process.env.SWITCHYARD_TOOLS_HOME;
    process.env.SWITCHYARD_TOOLS_HOME = home; // the gateway reads its environment at each apply
    try {
      await h.open('/tools');
      const card = page.getByTestId('tool-claude-code');
      await card.waitFor();
      const shown = (await card.locator('pre').first().textContent())!.match(/ANTHROPIC_MODEL="([^"]+)"/)![1];
      await page.getByLabel('Your Switchyard key').fill(h.t.key);
      await card.getByRole('button', { name: 'Apply to this machine' }).click();
      await until(async () => (await toasts()).some((x) => x.startsWith('Written')), 'the written toast');
      const written = JSON.parse(readFileSync(join(home, '.claude/settings.json'), 'utf8'));
      expect(written.env.ANTHROPIC_MODEL).toBe(shown);
      expect(written.env.ANTHROPIC_AUTH_TOKEN).toBe(h.t.key);
    } finally {
      if (before === undefined) delete process.env.SWITCHYARD_TOOLS_HOME;
      else process.env.SWITCHYARD_TOOLS_HOME = before;
      rmSync(home, { recursive: true, force: true });
    }
  });

  test('"Copy" in the new-key dialog works without the Clipboard API (a plain-http LAN address)', async () => {
    const { page } = h;
    await h.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.t.url });
    await h.open('/keys');
    await page.getByTestId('new-key-button').click();
    await page.getByTestId('key-name').fill('lan');
    await page.getByTestId('key-submit').click();
    const secret = (await page.getByTestId('key-secret').textContent())!.trim();
    // Outside a secure context (http://192.168.x.y) browsers have no navigator.clipboard.
    await page.evaluate(() => Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true }));
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await dialog.getByRole('button', { name: 'Copied', exact: true }).waitFor();
    expect(await toasts()).toEqual([]);
    const reader = await h.ctx.newPage(); // a page that still has the Clipboard API reads what was copied
    await reader.goto(h.t.url + '/login');
    expect(await reader.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await reader.close();
    await dialog.getByRole('button', { name: 'I copied it' }).click();
  });

  test('enabling a settings plugin that cannot start with its config says why on its card', async () => {
    const { page } = h;
    await h.open('/settings');
    const card = page.getByTestId('settings-system-prompt');
    await card.getByRole('checkbox').check();
    const error = card.getByTestId('plugin-error');
    await error.waitFor({ timeout: 5000 });
    expect(await error.textContent()).toContain('rules');
    await card.getByRole('checkbox').uncheck();
    await error.waitFor({ state: 'detached' });
  });

  test('a refused config edit says once where the problem is', async () => {
    const { page } = h;
    await h.open('/combos');
    await page.getByTestId('new-combo').click();
    const form = page.getByTestId('combo-new');
    await form.getByTestId('combo-name').fill('good');
    await form.getByTestId('combo-add-input').fill('nosuch/model');
    await form.getByTestId('combo-add').click();
    await form.getByTestId('combo-save').click();
    const text = (await form.locator('.alert.err').textContent())!;
    expect(text).toMatch(/^switchyard\.yaml:\d+:\d+: combos\.good\.models\[0\]: /);
    expect(text.split('combos.good.models[0]').length).toBe(2); // the path once
    expect(text).not.toMatch(/line \d+:\d+/);
  });

  test('the playground reports a body that is not JSON once, and does not keep an old error after a later success', async () => {
    const { page } = h;
    await h.open('/playground');
    await page.getByTestId('pg-body').fill('{ not json');
    await page.getByTestId('pg-translate').click();
    await until(async () => (await page.locator('.alert.err').count()) > 0, 'the JSON error');
    await page.waitForTimeout(100);
    expect(await page.locator('.alert.err').allTextContents()).toEqual([expect.stringContaining('not valid JSON')]);
    await page.getByTestId('pg-body').fill(JSON.stringify({ model: 'up/gpt-4o', messages: [{ role: 'user', content: 'hi' }] }));
    await page.getByTestId('pg-send').click();
    await page.getByTestId('pg-reply').waitFor();
    expect(await page.locator('.alert.err').count()).toBe(0);
    expect(h.pageErrors).toEqual([]);
  });
});
