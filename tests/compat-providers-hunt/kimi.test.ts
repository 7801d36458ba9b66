/**
 * A thinking model no preset marks for `echo_reasoning` (a newer Kimi, served by the `moonshot`
 * preset) refuses a tool loop whose tool-calling turns come back without their reasoning:
 * "thinking is enabled but reasoning_content is missing in assistant tool call message at index
 * N" (CLIProxyAPI #3601, with Claude Code). The gateway sends the refused request once more with
 * an empty reasoning on those turns, and remembers: that model's later requests echo each turn's
 * own reasoning, with no refusal first.
 */
import { afterAll, beforeAll, beforeEach, expect, test } from 'bun:test';
import { CLAUDE_CODE_HEADERS, claudeCodeRequest } from '../conformance/kit/claude-code-traffic.ts';
import { readMessagesStream } from '../conformance/kit/read-client-stream.ts';
import { json, openaiChunk, openaiStream, openaiUsage, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';

type Json = Record<string, any>;

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  kimi: { preset: moonshot, base_url: UPSTREAM/v1, keys: [sk-kimi-upstream-1], allow_private_network: true }
  resold: { type: openai, base_url: UPSTREAM/v1, keys: [sk-resold-upstream-1], allow_private_network: true }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

/** Kimi's check: every assistant turn that made tool calls carries `reasoning_content`. */
function strictKimi(reply: Reply): Reply {
  return (rec) => {
    const messages = (rec.body as Json).messages as Json[];
    const bare = messages.findIndex((m) => m.role === 'assistant' && Array.isArray(m.tool_calls) && typeof m.reasoning_content !== 'string');
    if (bare >= 0) return json({ error: { message: `thinking is enabled but reasoning_content is missing in assistant tool call message at index ${bare}`, type: 'invalid_request_error' } }, 400)(rec);
    return reply(rec);
  };
}

const thinksThenCalls: Reply = openaiStream([
  openaiChunk({ role: 'assistant', reasoning_content: 'I should run curl.' }),
  openaiChunk({ tool_calls: [{ index: 0, id: 'functions.Bash:0', type: 'function', function: { name: 'Bash', arguments: '{"command":"curl wttr.in/Paris"}' } }] }),
  openaiChunk({}, 'tool_calls'), openaiUsage(50, 12),
]);
const answers = (text: string): Reply => openaiStream([openaiChunk({ role: 'assistant', content: text }), openaiChunk({}, 'stop'), openaiUsage(60, 6)]);

async function post(body: Json): Promise<Response> {
  const res = await fetch(`${h.gw.url}/v1/messages?beta=true`, { method: 'POST', headers: { ...CLAUDE_CODE_HEADERS, 'x-api-key': h.gw.key }, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return res;
}

/** Claude Code's first turn to `model` (the upstream checks with `strict`), and the history of its tool loop after it. */
async function toolLoop(model: string, strict: (reply: Reply) => Reply): Promise<{ first: Json; loop: Json[] }> {
  const first = claudeCodeRequest(model);
  h.up.next(strict(thinksThenCalls));
  const turn1 = await readMessagesStream(await post(first));
  const call = turn1.content.find((b) => b.type === 'tool_use')!;
  const loop = [
    ...(first.messages as Json[]),
    { role: 'assistant', content: turn1.content },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 22 C' }] },
  ];
  return { first, loop };
}

test('Claude Code → a newer Kimi thinking model: the refused tool loop goes again with the reasoning, and later turns echo theirs at once', async () => {
  const { first, loop } = await toolLoop('kimi/kimi-k2.6', strictKimi);
  // Refused once (the model is unknown to the preset), then served.
  h.up.next(strictKimi(answers('Sunny.')), strictKimi(answers('Sunny.')));
  const turn2 = await readMessagesStream(await post({ ...first, messages: loop }));
  expect(turn2.content.find((b) => b.type === 'text')?.text).toBe('Sunny.');
  const callTurns = (i: number) => (h.up.requests[i]!.body.messages as Json[]).filter((m) => m.tool_calls).map((m) => m.reasoning_content);
  expect(h.up.requests).toHaveLength(3);
  expect([callTurns(1), callTurns(2)]).toEqual([[undefined], ['']]);

  // Learned: the next turn goes with the call's own reasoning, first time.
  const next = [...loop, { role: 'assistant', content: turn2.content }, { role: 'user', content: 'And tomorrow?' }];
  h.up.next(strictKimi(answers('Rain.')));
  const turn3 = await readMessagesStream(await post({ ...first, messages: next }));
  expect(turn3.content.find((b) => b.type === 'text')?.text).toBe('Rain.');
  expect(h.up.requests).toHaveLength(4);
  expect(callTurns(3)).toEqual(['I should run curl.']);
});

/** DeepSeek V4's wording (through a reseller no preset knows: opencode-go, an aggregator). */
function strictDeepSeek(reply: Reply): Reply {
  return (rec) => {
    const messages = (rec.body as Json).messages as Json[];
    if (messages.some((m) => m.role === 'assistant' && Array.isArray(m.tool_calls) && typeof m.reasoning_content !== 'string')) {
      return json({ error: { message: 'The `reasoning_content` in the thinking mode must be passed back to the API.', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } }, 400)(rec);
    }
    return reply(rec);
  };
}

test('DeepSeek V4 through a reseller ("must be passed back to the API"): learned the same way', async () => {
  const { first, loop } = await toolLoop('resold/deepseek-v4-pro', strictDeepSeek);
  h.up.next(strictDeepSeek(answers('Sunny.')), strictDeepSeek(answers('Sunny.')));
  const turn2 = await readMessagesStream(await post({ ...first, messages: loop }));
  expect(turn2.content.find((b) => b.type === 'text')?.text).toBe('Sunny.');
  expect(h.up.requests).toHaveLength(3);
});
