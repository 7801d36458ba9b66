/**
 * One gateway in front of every kind of upstream the count routes meet: an Anthropic API (the
 * helper mock, whose `count_tokens` answers chars/4 of what it got), the same API behind a
 * Claude subscription (`claude-code`, a long-lived token), a Gemini API and a Responses API
 * (this folder's counting mocks, answering a count the test sets), an OpenAI Chat API that
 * cannot count, and one provider of each counting type with a 300 ms limit (the timeout cases).
 */
import type Anthropic from '@anthropic-ai/sdk';
import { startMockAnthropic, type MockAnthropic, type RecordedRequest } from '../helpers/mock-anthropic-upstream.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { startGeminiCounter, startResponsesCounter, type CountingMock } from './counting-mocks.ts';

export const ANTHROPIC_KEY = 'sk-ant-count-1234567';
export const GEMINI_KEY = 'AIza-count-key-1234567';
export const RESPONSES_KEY = 'sk-resp-count-1234567';
/** What the Gemini and Responses mocks answer unless a test sets another count. */
export const GEMINI_COUNT = 4321;
export const RESPONSES_COUNT = 5432;

export interface CountKit {
  gw: TestGateway;
  anth: MockAnthropic;
  gem: CountingMock;
  resp: CountingMock;
  oai: MockOpenAI;
  /** A client key whose scopes are `claude/*` only. */
  scopedKey: string;
  /** The `count_tokens` requests the Anthropic mock received. */
  anthropicCounts(): RecordedRequest[];
  /** Forgets recorded requests and queued faults; counts back to their defaults. */
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountKit(): Promise<CountKit> {
  const anth = await startMockAnthropic({ apiKey: ANTHROPIC_KEY });
  const gem = await startGeminiCounter(GEMINI_KEY, GEMINI_COUNT);
  const resp = await startResponsesCounter(RESPONSES_KEY, RESPONSES_COUNT);
  const oai = await startMockOpenAI();
  const gw = await startTestGateway(`
providers:
  claude: { type: anthropic, base_url: "${anth.origin}", keys: [${ANTHROPIC_KEY}], allow_private_network: true, models: [claude-sonnet-4-5], pricing: { claude-sonnet-4-5: { input: 3, output: 15 } } }
  cc: { type: claude-code, base_url: "${anth.origin}", keys: [${ANTHROPIC_KEY}], allow_private_network: true, models: [claude-sonnet-4-5] }
  gem: { type: gemini, base_url: "${gem.url}", keys: [${GEMINI_KEY}], allow_private_network: true, models: [gemini-2.5-flash] }
  resp: { type: openai-responses, base_url: "${resp.url}", keys: [${RESPONSES_KEY}], allow_private_network: true, models: [gpt-5.4] }
  chat: { type: openai, base_url: "${oai.url}", keys: [sk-chat-count-1234567], allow_private_network: true, models: [gpt-4o-mini] }
  slow: { type: anthropic, base_url: "${anth.origin}", keys: [${ANTHROPIC_KEY}], allow_private_network: true, models: [claude-sonnet-4-5], timeouts: { total_ms: 300 } }
  glm: { type: anthropic, base_url: "${anth.origin}", keys: [${ANTHROPIC_KEY}], allow_private_network: true, models: [glm-4.6, glm-4.5] }
  gslow: { type: gemini, base_url: "${gem.url}", keys: [${GEMINI_KEY}], allow_private_network: true, models: [gemini-2.5-flash], timeouts: { total_ms: 300 } }
  rslow: { type: openai-responses, base_url: "${resp.url}", keys: [${RESPONSES_KEY}], allow_private_network: true, models: [gpt-5.4], timeouts: { total_ms: 300 } }
aliases:
  sonnet: claude/claude-sonnet-4-5
combos:
  chat-then-gemini: { models: [chat/gpt-4o-mini, gem/gemini-2.5-flash] }
`);
  const { secret: scopedKey } = gw.gw.keys.createKey({ name: 'scoped', scopes: ['claude/*'] });
  return {
    gw, anth, gem, resp, oai, scopedKey,
    anthropicCounts: () => anth.requests.filter((r) => r.path.startsWith('/v1/messages/count_tokens')),
    reset() {
      anth.reset();
      gem.reset();
      resp.reset();
      oai.requests.length = 0;
      gem.count = GEMINI_COUNT;
      resp.count = RESPONSES_COUNT;
    },
    async stop() {
      await gw.stop();
      await Promise.all([anth.stop(), gem.stop(), resp.stop(), oai.stop()]);
    },
  };
}

/** The usage rows of count calls (operation `countTokens`) once the writer flushed: there must be none. */
export async function countRows(kit: CountKit) {
  await kit.gw.settled();
  kit.gw.gw.usage.flush();
  return kit.gw.gw.usage.recent(500).filter((r) => r.operation === 'countTokens');
}

/** The tool of `claudeCodeTurn`. */
export const WEATHER_TOOL: Anthropic.Tool = {
  name: 'get_weather', description: 'Weather of a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

/**
 * A Claude Code-like turn to count for `model`: system, a tool, a finished call of it, then its
 * result followed by `next` (what the user adds beside the result).
 */
export function claudeCodeTurn(model: string, next: Anthropic.ContentBlockParam[]): Anthropic.MessageCountTokensParams {
  return {
    model,
    system: 'You are a careful assistant.',
    tools: [WEATHER_TOOL],
    messages: [
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'Sunny, 21 °C' }, ...next] },
    ],
  };
}
