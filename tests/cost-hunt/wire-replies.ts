/**
 * Upstream replies with known usage, in each provider's wire shape (as in the recorded samples
 * of shared/fixtures), and what the gateway must bill for them.
 */
import { geminiSse, namedSse, openaiSse, type Scripted } from './scripted-upstream.ts';

export type Upstream = 'openai' | 'anthropic' | 'gemini' | 'responses';

/** Token figures in the hub's sense: input includes cache reads and writes, output includes reasoning. */
export interface Billed {
  input: number;
  output: number;
  cached: number;
  reasoning: number;
  cacheWrite: number;
}

/** USD per 1M tokens, the same for every model of the tests. */
export const PRICE = { input: 2, output: 8, cachedInput: 0.5, cacheWrite: 2.5 };
export const PRICE_YAML = '{ input: 2, output: 8, cached_input: 0.5, cache_write: 2.5 }';

/** The cost of `b` at `PRICE`: fresh input, cache reads, cache writes and output each at their price. */
export function costOf(b: Billed, p = PRICE): number {
  const fresh = b.input - b.cached - b.cacheWrite;
  return (fresh * p.input + b.cached * p.cachedInput + b.cacheWrite * p.cacheWrite + b.output * p.output) / 1e6;
}

/** What each upstream's reply below reports, in hub terms. */
export const BILLED: Record<Upstream, Billed> = {
  // prompt_tokens include the cached ones; completion_tokens include reasoning.
  openai: { input: 1200, output: 300, cached: 1000, reasoning: 200, cacheWrite: 0 },
  // input_tokens exclude cache reads (1000) and writes (50); output_tokens include thinking.
  anthropic: { input: 1200, output: 300, cached: 1000, reasoning: 200, cacheWrite: 50 },
  // promptTokenCount includes cachedContentTokenCount; thoughts are counted apart from candidates.
  gemini: { input: 1200, output: 300, cached: 1000, reasoning: 200, cacheWrite: 0 },
  responses: { input: 1200, output: 300, cached: 1000, reasoning: 200, cacheWrite: 0 },
};

const TEXT = ['Hello', ' there'];

export const OPENAI_USAGE = {
  prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1000, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 200, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

const ANTHROPIC_START_USAGE = {
  input_tokens: 150, cache_creation_input_tokens: 50, cache_read_input_tokens: 1000,
  cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 0 }, output_tokens: 1,
};
const ANTHROPIC_USAGE = { ...ANTHROPIC_START_USAGE, output_tokens: 300, output_tokens_details: { thinking_tokens: 200 } };

const geminiUsage = (candidates: number) => ({
  promptTokenCount: 1200, cachedContentTokenCount: 1000, candidatesTokenCount: candidates, thoughtsTokenCount: 200,
  totalTokenCount: 1200 + candidates + 200,
});

const RESPONSES_USAGE = {
  input_tokens: 1200, input_tokens_details: { cached_tokens: 1000 },
  output_tokens: 300, output_tokens_details: { reasoning_tokens: 200 }, total_tokens: 1500,
};

const openaiHead = { id: 'chatcmpl-cost1', object: 'chat.completion.chunk', created: 1723031665, model: 'gpt-x', system_fingerprint: 'fp_1' };
const openaiChunk = (delta: object, finish: string | null = null, usage: unknown = null) =>
  ({ ...openaiHead, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], usage });

/** The OpenAI stream of the reply; `usageIn`: the usage chunk (include_usage) or on the finish chunk. */
export function openaiStream(usage: unknown = OPENAI_USAGE, usageIn: 'usage-chunk' | 'finish-chunk' = 'usage-chunk'): string[] {
  const chunks: unknown[] = [
    openaiChunk({ role: 'assistant', content: '', refusal: null }),
    ...TEXT.map((t) => openaiChunk({ content: t })),
    openaiChunk({}, 'stop', usageIn === 'finish-chunk' ? usage : null),
  ];
  if (usageIn === 'usage-chunk') chunks.push({ ...openaiHead, choices: [], usage });
  return openaiSse(chunks);
}

function anthropicEvents(finalUsage: object = { output_tokens: 300, output_tokens_details: { thinking_tokens: 200 } }) {
  return [
    {
      type: 'message_start',
      message: {
        id: 'msg_cost1', type: 'message', role: 'assistant', content: [], model: 'claude-x', stop_reason: null, stop_sequence: null,
        usage: ANTHROPIC_START_USAGE,
      },
    },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    ...TEXT.map((text) => ({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } })),
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: finalUsage },
    { type: 'message_stop' },
  ];
}

/** The Anthropic stream; `finalUsage` is the `message_delta` usage. */
export function anthropicStream(finalUsage?: object): string[] {
  return namedSse(anthropicEvents(finalUsage));
}

/** The Gemini stream: cumulative usageMetadata on every chunk, the finish on the last. */
export function geminiStream(): string[] {
  return geminiSse([
    { candidates: [{ content: { parts: [{ text: TEXT[0] }], role: 'model' }, index: 0 }], usageMetadata: geminiUsage(50), modelVersion: 'gemini-x', responseId: 'resp_cost1' },
    { candidates: [{ content: { parts: [{ text: TEXT[1] }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: geminiUsage(100), modelVersion: 'gemini-x', responseId: 'resp_cost1' },
  ]);
}

function responsesObject(status: 'in_progress' | 'completed', usage: unknown) {
  return {
    id: 'resp_cost1', object: 'response', created_at: 1741476542, status, model: 'resp-x', error: null, incomplete_details: null,
    output: status === 'completed'
      ? [{ id: 'msg_cost1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: TEXT.join(''), annotations: [] }] }]
      : [],
    usage,
  };
}

function responsesEvents() {
  const item = { id: 'msg_cost1', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  let seq = 0;
  const e = (x: { type: string; [k: string]: unknown }) => ({ ...x, sequence_number: seq++ });
  return [
    e({ type: 'response.created', response: responsesObject('in_progress', null) }),
    e({ type: 'response.output_item.added', output_index: 0, item }),
    e({ type: 'response.content_part.added', item_id: 'msg_cost1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }),
    ...TEXT.map((delta) => e({ type: 'response.output_text.delta', item_id: 'msg_cost1', output_index: 0, content_index: 0, delta })),
    e({ type: 'response.output_text.done', item_id: 'msg_cost1', output_index: 0, content_index: 0, text: TEXT.join('') }),
    e({ type: 'response.output_item.done', output_index: 0, item: { ...item, status: 'completed', content: [{ type: 'output_text', text: TEXT.join(''), annotations: [] }] } }),
    e({ type: 'response.completed', response: responsesObject('completed', RESPONSES_USAGE) }),
  ];
}

/** The reply of `upstream` with the usage of `BILLED[upstream]`. */
export function replyOf(upstream: Upstream, stream: boolean): Scripted {
  switch (upstream) {
    case 'openai':
      return stream ? { sse: openaiStream() } : {
        json: {
          id: 'chatcmpl-cost1', object: 'chat.completion', created: 1723031665, model: 'gpt-x',
          choices: [{ index: 0, message: { role: 'assistant', content: TEXT.join(''), refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
          usage: OPENAI_USAGE, service_tier: 'default',
        },
      };
    case 'anthropic':
      return stream ? { sse: anthropicStream() } : {
        json: {
          id: 'msg_cost1', type: 'message', role: 'assistant', model: 'claude-x', content: [{ type: 'text', text: TEXT.join('') }],
          stop_reason: 'end_turn', stop_sequence: null, usage: ANTHROPIC_USAGE,
        },
      };
    case 'gemini':
      return stream ? { sse: geminiStream() } : {
        json: {
          candidates: [{ content: { parts: [{ text: TEXT.join('') }], role: 'model' }, finishReason: 'STOP', index: 0 }],
          usageMetadata: geminiUsage(100), modelVersion: 'gemini-x', responseId: 'resp_cost1',
        },
      };
    case 'responses':
      return stream ? { sse: namedSse(responsesEvents()) } : { json: responsesObject('completed', RESPONSES_USAGE) };
  }
}

export { anthropicEvents, responsesEvents, geminiUsage, TEXT };
