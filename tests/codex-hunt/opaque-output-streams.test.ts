/**
 * A streamed turn whose first output is something the hub does not model reaches the client as
 * it comes, on the passthrough lane: Codex's `apply_patch` (a Responses custom tool call) and
 * Claude's server tools (web search). The gateway holds a stream until its commit point, so a
 * turn of only such output used to reach the client at its very end: a patch the model wrote
 * for a minute showed nothing for that minute. Each upstream here stops after the first item
 * (a gate the test opens), and the client must already hold that item.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

const frame = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
const RESPONSE = { id: 'resp_op1', object: 'response', created_at: 1764230000, model: 'gpt-5-codex', error: null, incomplete_details: null, store: false, tools: [], parallel_tool_calls: true, text: { format: { type: 'text' } } };
const REASONING = { id: 'rs_01', type: 'reasoning', summary: [], encrypted_content: 'gAAAAABo-encrypted==' };
const CALL = { id: 'ctc_01', type: 'custom_tool_call', call_id: 'call_patch1', name: 'apply_patch' };

/** Codex's patch turn: encrypted reasoning, then the custom tool call; the gate falls after the call's first frame. */
const responsesTurn = (): [string[], string[]] => [[
  frame('response.created', { sequence_number: 0, response: { ...RESPONSE, status: 'in_progress', output: [], usage: null } }),
  frame('response.output_item.added', { sequence_number: 1, output_index: 0, item: REASONING }),
  frame('response.output_item.done', { sequence_number: 2, output_index: 0, item: REASONING }),
  frame('response.output_item.added', { sequence_number: 3, output_index: 1, item: { ...CALL, status: 'in_progress', input: '' } }),
], [
  frame('response.custom_tool_call_input.delta', { sequence_number: 4, item_id: 'ctc_01', output_index: 1, delta: PATCH }),
  frame('response.custom_tool_call_input.done', { sequence_number: 5, item_id: 'ctc_01', output_index: 1, input: PATCH }),
  frame('response.output_item.done', { sequence_number: 6, output_index: 1, item: { ...CALL, status: 'completed', input: PATCH } }),
  frame('response.completed', {
    sequence_number: 7,
    response: { ...RESPONSE, status: 'completed', output: [REASONING, { ...CALL, status: 'completed', input: PATCH }], usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 42 } },
  }),
]];

const SEARCH = { type: 'server_tool_use', id: 'srvtoolu_01', name: 'web_search', input: {} };
const RESULT = { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_01', content: [{ type: 'web_search_result', url: 'https://bun.sh/blog', title: 'Bun blog', encrypted_content: 'EqgfCioI', page_age: null }] };

/** Claude searching the web (a server tool), paused for the client to continue; the gate falls after the search block starts. */
const anthropicTurn = (): [string[], string[]] => [[
  frame('message_start', { message: { id: 'msg_op1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 } } }),
  frame('content_block_start', { index: 0, content_block: SEARCH }),
], [
  frame('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: '{"query":"bun 1.4"}' } }),
  frame('content_block_stop', { index: 0 }),
  frame('content_block_start', { index: 1, content_block: RESULT }),
  frame('content_block_stop', { index: 1 }),
  frame('message_delta', { delta: { stop_reason: 'pause_turn', stop_sequence: null }, usage: { output_tokens: 20 } }),
  frame('message_stop', {}),
]];

let gate: { open(): void; opened: Promise<void> };
function newGate(): void {
  let open = () => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  gate = { open, opened };
}

let upstream: ReturnType<typeof Bun.serve>;
let t: TestGateway;
beforeAll(async () => {
  upstream = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const [before, after] = new URL(req.url).pathname.endsWith('/responses') ? responsesTurn() : anthropicTurn();
      const enc = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async start(ctl) {
          ctl.enqueue(enc.encode(before.join('')));
          await gate.opened;
          ctl.enqueue(enc.encode(after.join('')));
          ctl.close();
        },
      });
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    },
  });
  const base = `http://127.0.0.1:${upstream.port}`;
  t = await startTestGateway(`
providers:
  resp: { type: openai-responses, base_url: "${base}/v1", keys: ["sk-resp-0000001"], allow_private_network: true }
  resp2: { type: openai-responses, base_url: "${base}/v1", keys: ["sk-resp-0000002"], allow_private_network: true }
  claude: { type: anthropic, base_url: "${base}", keys: ["sk-ant-0000001"], allow_private_network: true }
  claude2: { type: anthropic, base_url: "${base}", keys: ["sk-ant-0000002"], allow_private_network: true }
combos:
  codex-pool: { strategy: fill-first, models: [resp/gpt-5-codex, resp2/gpt-5-codex] }
  claude-pool: { strategy: fill-first, models: [claude/claude-sonnet-4-5, claude2/claude-sonnet-4-5] }
`);
});
afterAll(async () => {
  await t?.stop();
  upstream?.stop(true);
});

/**
 * Runs `read` while the upstream is held at its gate: it rejects when the client had to wait for
 * the rest of the turn. The gate opens afterwards either way.
 */
async function beforeGate<T>(read: () => Promise<T>): Promise<T> {
  const timeout = Bun.sleep(2000).then(() => {
    throw new Error('the client got nothing before the upstream finished');
  });
  try {
    return await Promise.race([read(), timeout]);
  } finally {
    gate.open();
  }
}

describe('a turn that starts with output the hub does not model streams as it comes (passthrough)', () => {
  test.each(['resp/gpt-5-codex', 'codex-pool'])('Codex: the apply_patch call reaches Codex before the upstream finishes it (%s)', async (model) => {
    newGate();
    const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
    let events!: AsyncIterator<unknown>;
    const seen = await beforeGate(async () => {
      events = (await client.responses.create({ model, input: 'add a.txt', store: false, stream: true }))[Symbol.asyncIterator]();
      const types: string[] = [];
      for (;;) {
        const e = (await events.next()).value as { type: string; item?: { type: string } };
        types.push(e.item ? `${e.type}:${e.item.type}` : e.type);
        if (e.item?.type === 'custom_tool_call') return types;
      }
    });
    expect(seen).toEqual(['response.created', 'response.output_item.added:reasoning', 'response.output_item.done:reasoning', 'response.output_item.added:custom_tool_call']);
    let input = '';
    let last = '';
    for (let r = await events.next(); !r.done; r = await events.next()) {
      const e = r.value as { type: string; delta?: string };
      if (e.type === 'response.custom_tool_call_input.delta') input += e.delta;
      last = e.type;
    }
    expect(input).toBe(PATCH);
    expect(last).toBe('response.completed');
  });

  test.each(['claude/claude-sonnet-4-5', 'claude-pool'])('Claude: a web search block reaches the client before the upstream finishes it (%s)', async (model) => {
    newGate();
    const client = new Anthropic({ baseURL: t.url, apiKey: t.key, maxRetries: 0 });
    const events = client.messages.stream({ model, max_tokens: 100, messages: [{ role: 'user', content: 'search' }] })[Symbol.asyncIterator]();
    const seen = await beforeGate(async () => {
      const types: string[] = [];
      for (;;) {
        const e = (await events.next()).value as { type: string; content_block?: { type: string } };
        types.push(e.content_block ? `${e.type}:${e.content_block.type}` : e.type);
        if (e.type === 'content_block_start') return types;
      }
    });
    expect(seen).toEqual(['message_start', 'content_block_start:server_tool_use']);
    const rest: string[] = [];
    for (let r = await events.next(); !r.done; r = await events.next()) rest.push(r.value.type);
    expect(rest.at(-1)).toBe('message_stop');
    expect(rest).toContain('message_delta');
  });
});
