/**
 * The set-up of the tests of what the gateway sets right before a request reaches the Messages
 * API: one mock Anthropic upstream (which refuses what the API refuses) and a gateway in front
 * of it, its provider named `claude`.
 */
import { afterAll, beforeAll } from 'bun:test';
import { startMockAnthropic, type MockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

/** The upstream's key, for a client that talks to the mock directly (to show what the API refuses). */
export const UPSTREAM_KEY = 'sk-ant-up-000001';

export interface AnthropicKit {
  mock: MockAnthropic;
  t: TestGateway;
  stop(): Promise<void>;
}

export async function startAnthropicKit(): Promise<AnthropicKit> {
  const mock = await startMockAnthropic({ apiKey: UPSTREAM_KEY });
  const t = await startTestGateway(`providers:
  claude: { type: anthropic, base_url: "${mock.origin}", keys: [${UPSTREAM_KEY}], allow_private_network: true }
`);
  return {
    mock, t,
    async stop() {
      await t.stop();
      await mock.stop();
    },
  };
}

/** The kit, started before the file's tests and stopped after them. */
export function useAnthropicKit(): { readonly mock: MockAnthropic; readonly t: TestGateway } {
  let kit: AnthropicKit | undefined;
  beforeAll(async () => {
    kit = await startAnthropicKit();
  });
  afterAll(async () => {
    await kit?.stop();
  });
  return {
    get mock() {
      return kit!.mock;
    },
    get t() {
      return kit!.t;
    },
  };
}
