/**
 * Bug hunt, OAuth "connect": each subscription provider carries a notice about its vendor's
 * terms (docs/providers.md, "Terms of service"), returned by the gateway for the connect dialog,
 * which never showed it. Checked with the mock Claude OAuth server and the mock GitHub Copilot
 * device flow.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockClaude, type MockClaude } from '../helpers/mock-oauth-claude.ts';
import { startMockCopilot, type MockCopilot } from '../helpers/mock-oauth-copilot.ts';
import { skipReason, startHarness, until, type Harness } from './dashboard-harness.ts';

const skip = skipReason();

let h: Harness;
let claude: MockClaude;
let copilot: MockCopilot;
beforeAll(async () => {
  if (skip) return;
  claude = await startMockClaude();
  copilot = await startMockCopilot();
  h = await startHarness(() => `providers:
  cc: { base_url: "${claude.url}", allow_private_network: true, oauth: ${claude.oauthYaml()} }
  gh: { type: copilot, base_url: "${copilot.url}", allow_private_network: true, oauth: ${copilot.oauthYaml()} }
plugins:
  - api-key
`);
  await h.login();
}, 60_000);
afterAll(async () => {
  await h?.close();
  await claude?.stop();
  await copilot?.stop();
});

/** The provider's notice as the gateway words it. */
const notice = async (provider: string) => {
  const res = await h.ctx.request.get(`${h.t.url}/api/oauth/${provider}/status`);
  return ((await res.json()) as { riskNotice: string }).riskNotice;
};

describe.skipIf(!!skip)('hunt: the OAuth connect dialog', () => {
  for (const [provider, login] of [['cc', 'Sign in in the browser'], ['gh', 'Sign in with a device code']] as const) {
    test(`the dialog shows the vendor's terms notice before a login starts (${provider})`, async () => {
      const { page } = h;
      const expected = await notice(provider);
      expect(expected.length).toBeGreaterThan(20);
      await h.open('/providers');
      await page.getByTestId(`provider-${provider}`).getByTestId('oauth-connect').click();
      const modal = page.getByTestId('oauth-modal');
      await until(async () => (await modal.getByTestId('oauth-risk').count()) > 0, 'the notice');
      expect(await modal.getByTestId('oauth-risk').textContent()).toBe(expected);
      await modal.getByRole('button', { name: login }).click();
      await modal.getByTestId('oauth-risk').waitFor({ state: 'detached' });
      await page.keyboard.press('Escape');
      await modal.waitFor({ state: 'detached' });
    });
  }

  test('a device-code login completes once the code is approved', async () => {
    const { page } = h;
    await h.open('/providers');
    const card = page.getByTestId('provider-gh');
    await card.getByTestId('oauth-connect').click();
    const modal = page.getByTestId('oauth-modal');
    await modal.getByRole('button', { name: 'Sign in with a device code' }).click();
    const code = (await modal.getByTestId('device-code').textContent())!.trim();
    copilot.github.device(code, 'approve'); // the user entering the code at GitHub
    await modal.waitFor({ state: 'detached', timeout: 15_000 });
    await until(async () => (await card.getByTestId('accounts').textContent())?.includes('octocat'), 'the connected account');
    expect(h.pageErrors).toEqual([]);
  }, 30_000);
});
