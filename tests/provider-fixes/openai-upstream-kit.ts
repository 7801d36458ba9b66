/**
 * The set-up of the tests of what the gateway sets right before a request reaches an
 * OpenAI-compatible upstream: one mock OpenAI upstream (which refuses what the API refuses, as
 * `options` ask) and a gateway in front of it, its provider named `name`.
 */
import { startMockOpenAI, type MockOpenAI, type MockOpenAIOptions } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { useKit } from '../helpers/use-kit.ts';

/** The upstream's key, for a client that talks to the mock directly (to show what the API refuses). */
export const UPSTREAM_KEY = 'sk-up-000001';

/** The kit, started before the file's tests and stopped after them. */
export function useOpenAIKit(options: MockOpenAIOptions = {}, name = 'oai'): { readonly mock: MockOpenAI; readonly t: TestGateway } {
  return useKit(async () => {
    const mock = await startMockOpenAI({ apiKey: UPSTREAM_KEY, ...options });
    const t = await startTestGateway(`providers:
  ${name}: { type: openai, base_url: "${mock.url}", keys: [${UPSTREAM_KEY}], allow_private_network: true }
`);
    return { mock, t };
  }, async ({ mock, t }) => {
    await t.stop();
    await mock.stop();
  });
}
