/**
 * Bad input never reaches a 5xx: valid bodies of every client dialect (Chat with images, tools
 * and cache_control, a Responses-shaped Chat body, Responses with custom tools and a missing
 * previous response, Anthropic Messages with tool use) are mutated at random (fields replaced
 * by null, numbers, empty or odd objects and arrays, or removed), with a fixed seed, and sent
 * through a gateway with the request-rewriting plugins on. Every answer must be a client error
 * or a success; only a failure the upstream itself reports may be a 5xx. FUZZ_N and SEED vary it.
 */
import { test, expect } from 'bun:test';
import { startMockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startMockAnthropic } from '../helpers/mock-anthropic-upstream.ts';
import { startTestGateway } from '../helpers/test-gateway.ts';

let seed = Number(process.env.SEED ?? 1);
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T,>(a: T[]) => a[Math.floor(rnd() * a.length)]!;
const junk = () => pick<unknown>([null, 0, -1, 1.5, '', 'x', true, [], {}, [null], [{}], { type: 'x' }, 'a'.repeat(50), [1, 2], { a: null }]);
function mutate(v: unknown, depth = 0): unknown {
  if (rnd() < 0.15 || depth > 6) return junk();
  if (Array.isArray(v)) { const a = v.map((x) => (rnd() < 0.3 ? mutate(x, depth + 1) : x)); if (rnd() < 0.1) a.push(junk()); return a; }
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const k of Object.keys(o)) { if (rnd() < 0.3) o[k] = mutate(o[k], depth + 1); else if (rnd() < 0.05) delete o[k]; }
    return o;
  }
  return rnd() < 0.5 ? v : junk();
}
test('mutated bodies of every dialect never get a 5xx', async () => {
  const oai = await startMockOpenAI();
  const anth = await startMockAnthropic();
  const t = await startTestGateway(`providers:\n  oai: { type: openai, base_url: "${oai.url}", keys: [sk-oai-1234567], allow_private_network: true }\n  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }\nplugins:\n  - context-trim: {}\n  - prompt-cache: {}\n`);
  const tools = [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { a: { type: 'string' } } } } }];
  const seeds: Array<[string, unknown]> = [
    ['/v1/chat/completions', { model: 'oai/gpt-4o', stream: false, messages: [{ role: 'system', content: 's' }, { role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }, { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }] }, { role: 'tool', tool_call_id: 'c1', content: 'r' }], tools, tool_choice: 'auto' }],
    ['/v1/chat/completions', { model: 'anth/claude-sonnet-4-5', stream: true, messages: [{ role: 'user', content: 'hi' }], tools, max_tokens: 100 }],
    ['/v1/chat/completions', { model: 'anth/claude-sonnet-4-5', input: [{ role: 'user', content: [{ type: 'input_text', text: 'x' }] }, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: 'o' }], tools: [{ type: 'function', name: 'f', parameters: {} }], reasoning: { effort: 'low' }, text: { verbosity: 'low' } }],
    ['/v1/responses', { model: 'anth/claude-sonnet-4-5', input: [{ role: 'user', content: 'x' }, { type: 'custom_tool_call', call_id: 'c', name: 'apply_patch', input: 'p' }, { type: 'custom_tool_call_output', call_id: 'c', output: 'ok' }], tools: [{ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } }, { type: 'function', name: 'f', parameters: {} }], stream: true }],
    ['/v1/responses', { model: 'oai/gpt-4o', input: 'hi', instructions: 'be brief', previous_response_id: 'resp_nope', store: true }],
    ['/v1/messages', { model: 'anth/claude-sonnet-4-5', max_tokens: 100, system: [{ type: 'text', text: 's', cache_control: { type: 'ephemeral' } }], messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }, { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }] }], tools: [{ name: 'f', input_schema: { type: 'object' } }] }],
    ['/v1/messages', { model: 'oai/gpt-4o', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'x' }] }],
    ['/v1beta/models/anth%2Fclaude-sonnet-4-5:generateContent', { contents: [{ role: 'user', parts: [{ text: 'x' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] }, { role: 'user', parts: [{ functionResponse: { name: 'f', response: { r: 1 } } }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT' } }] }], systemInstruction: { parts: [{ text: 's' }] }, generationConfig: { maxOutputTokens: 50 } }],
    ['/v1/embeddings', { model: 'oai/text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' }],
    ['/v1/completions', { model: 'oai/gpt-4o', prompt: 'x', max_tokens: 5, stream: true }],
    ['/v1/conversations', { metadata: { a: 'b' }, items: [{ type: 'message', role: 'user', content: 'x' }, { type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }] }],
    ['/v1/responses', { model: 'anth/claude-sonnet-4-5', input: 'hi', conversation: { id: 'conv_nope' } }],
    ['/v1/responses/input_tokens', { model: 'anth/claude-sonnet-4-5', input: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', name: 'f' }], previous_response_id: 'resp_x' }],
  ];
  const bad: string[] = [];
  const N = Number(process.env.FUZZ_N ?? 1200);
  for (let i = 0; i < N; i++) {
    const [path, base] = pick(seeds);
    const body = mutate(base);
    const headers: Record<string, string> = path === '/v1/messages' ? { 'anthropic-version': '2023-06-01' } : {};
    const r = await t.fetch(path, { method: 'POST', json: body, headers });
    const text = await r.text();
    if (r.status >= 500 && !/upstream|Upstream/.test(text)) bad.push(`${path} ${r.status} ${text.slice(0, 160)} <- ${JSON.stringify(body).slice(0, 400)}`);
  }
  expect(bad.slice(0, 8)).toEqual([]);
  await t.stop(); await oai.stop(); await anth.stop();
}, 120000);
