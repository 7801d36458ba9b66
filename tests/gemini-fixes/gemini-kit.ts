/**
 * The set-up of the tests of what the gateway sets right before a request reaches the Gemini
 * API: one mock Gemini upstream (which refuses what the API refuses), a gateway in front of it
 * with its provider named `gem`, the official SDKs pointed at the gateway (Claude Code's and
 * Gemini CLI's), and the mock's record cleared before each test.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import { beforeEach } from 'bun:test';
import { startMockGemini, type MockGemini, type MockGeminiOptions } from '../helpers/mock-gemini-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { useKit } from '../helpers/use-kit.ts';

/** The upstream's key, for a client that talks to the mock directly (to show what the API refuses). */
export const UPSTREAM_KEY = 'AIza-test-key';

export interface GeminiKit {
  readonly mock: MockGemini;
  readonly t: TestGateway;
  readonly anthropic: Anthropic;
  readonly gemini: GoogleGenAI;
}

/** The kit, started before the file's tests and stopped after them; `config` is more config after the `gem` provider. */
export function useGeminiKit(mockOptions: MockGeminiOptions = {}, config = ''): GeminiKit {
  const kit = useKit(async () => {
    const mock = await startMockGemini(mockOptions);
    const t = await startTestGateway(`
providers:
  gem: { type: gemini, base_url: "${mock.url}", keys: [${UPSTREAM_KEY}], allow_private_network: true }
${config}`);
    return {
      mock, t,
      anthropic: new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 }),
      gemini: new GoogleGenAI({ apiKey: t.key, httpOptions: { baseUrl: t.url, apiVersion: 'v1beta' } }),
    };
  }, async ({ mock, t }) => {
    await t.stop();
    await mock.stop();
  });
  beforeEach(() => kit.mock.reset());
  return kit;
}
