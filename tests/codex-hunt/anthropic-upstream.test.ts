/**
 * Codex → gateway → Anthropic Messages upstream (translated): a two-turn Codex session with
 * extended thinking, a shell function call and an `apply_patch` custom call, replayed the way
 * Codex replays it (items without ids), parsed by the `openai` SDK.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { APPLY_PATCH_TOOL, codexBody, codexPreamble, codexReplay, MODEL, namedSse, postRaw, startCodexGateway, type CodexGateway, type Json } from './codex-kit.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});

const PATCH = '*** Begin Patch\n*** Update File: src/app.ts\n@@\n-const a = 1;\n+const a = "two";\n*** End Patch\n';
const SIGNATURE = 'EqQBCkYIBxgCKkBsig-of-the-thinking-block==';

/** Thinking, then a shell call and an apply_patch call whose JSON input streams in fragments. */
function toolTurnFrames(): string[] {
  const patchJson = JSON.stringify({ input: PATCH });
  return namedSse([
    { type: 'message_start', message: { id: 'msg_01Codex', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: 900, cache_creation_input_tokens: 0, cache_read_input_tokens: 2000, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'List first, ' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'then patch.' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: SIGNATURE } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_shell1', name: 'shell', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"command": ["bash", "-lc",' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ' "ls"]}' } },
    { type: 'content_block_stop', index: 1 },
    { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'toolu_patch1', name: 'apply_patch', input: {} } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: patchJson.slice(0, 25) } },
    { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: patchJson.slice(25) } },
    { type: 'content_block_stop', index: 2 },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 180 } },
    { type: 'message_stop' },
  ]);
}

function textTurnFrames(text: string, stop = 'end_turn'): string[] {
  return namedSse([
    { type: 'message_start', message: { id: 'msg_02Codex', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null,
      usage: { input_tokens: 1000, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text } },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 12 } },
    { type: 'message_stop' },
  ]);
}

describe('Codex → Anthropic upstream (translated)', () => {
  let turn1: ResponseOutputItem[] = [];

  test('turn 1: thinking, a shell call and an apply_patch custom call; arguments are valid JSON; usage counts cache reads', async () => {
    g.up.next({ sse: toolTurnFrames() });
    const stream = g.client.responses.stream(codexBody(MODEL.anthropic, codexPreamble('Fix src/app.ts.')) as never);
    let args = '';
    for await (const e of stream) if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    const final = await stream.finalResponse();
    turn1 = final.output;
    expect(final.output.map((i) => i.type)).toEqual(['reasoning', 'function_call', 'custom_tool_call']);
    expect(JSON.parse(args)).toEqual({ command: ['bash', '-lc', 'ls'] });
    expect((final.output[2] as { input: string }).input).toBe(PATCH);
    const reasoning = final.output[0] as Extract<ResponseOutputItem, { type: 'reasoning' }>;
    expect(reasoning.summary.map((s) => s.text).join('')).toBe('List first, then patch.');
    expect(reasoning.encrypted_content).toMatch(/^switchyard\.reasoning\.v1:/);
    expect(final.usage).toMatchObject({ input_tokens: 2900, input_tokens_details: { cached_tokens: 2000 }, output_tokens: 180 });

    const sent = g.up.lastBody();
    expect(sent.thinking).toMatchObject({ type: 'enabled' });
    expect((sent.tools as Json[]).map((t) => t.name)).toEqual(['shell', 'update_plan', 'apply_patch']);
    const patchTool = (sent.tools as Json[])[2];
    expect(String(patchTool.description)).toContain('*** Begin Patch');
    expect(sent.system).toBeDefined();
  });

  test('turn 2: the replayed thinking (signature restored), tool calls and both outputs reach Anthropic in order', async () => {
    g.up.next({ sse: textTurnFrames('Patched.') });
    const replay = codexReplay(turn1 as unknown as Json[]);
    const input = [
      ...codexPreamble('Fix src/app.ts.'),
      ...replay,
      { type: 'function_call_output', call_id: 'toolu_shell1', output: 'src/app.ts' },
      { type: 'custom_tool_call_output', call_id: 'toolu_patch1', output: 'Success. Updated the following files:\nM src/app.ts' },
    ];
    const final = await g.client.responses.stream(codexBody(MODEL.anthropic, input) as never).finalResponse();
    expect(final.output_text).toBe('Patched.');
    const messages = g.up.lastBody().messages as Array<{ role: string; content: Json[] | string }>;
    const assistant = messages.at(-2)!;
    expect(assistant.role).toBe('assistant');
    expect((assistant.content as Json[]).map((b) => b.type)).toEqual(['thinking', 'tool_use', 'tool_use']);
    expect((assistant.content as Json[])[0]).toMatchObject({ thinking: 'List first, then patch.', signature: SIGNATURE });
    expect((assistant.content as Json[])[2]).toMatchObject({ id: 'toolu_patch1', name: 'apply_patch', input: { input: PATCH } });
    const results = (messages.at(-1)!.content as Json[]);
    expect(results.map((b) => [b.type, b.tool_use_id])).toEqual([['tool_result', 'toolu_shell1'], ['tool_result', 'toolu_patch1']]);
  });

  test('max_output_tokens: stop_reason max_tokens ends as response.incomplete with the message marked incomplete', async () => {
    g.up.next({ sse: textTurnFrames('The file', 'max_tokens') });
    const stream = g.client.responses.stream({ ...codexBody(MODEL.anthropic, codexPreamble('Explain.')), reasoning: { effort: 'none' }, max_output_tokens: 20 } as never);
    const final = await stream.finalResponse();
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
    expect(final.output.at(-1)).toMatchObject({ type: 'message', status: 'incomplete' });
    expect(g.up.lastBody().max_tokens).toBe(20);
  });

  test('non-streamed: responses.create gives the reasoning, the text and the custom tool call as JSON; output_text is the text', async () => {
    g.up.next({ json: {
      id: 'msg_03Codex', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', stop_reason: 'tool_use', stop_sequence: null,
      content: [
        { type: 'thinking', thinking: 'Patch it.', signature: SIGNATURE },
        { type: 'text', text: 'Patching src/app.ts.' },
        { type: 'tool_use', id: 'toolu_patch2', name: 'apply_patch', input: { input: PATCH } },
      ],
      usage: { input_tokens: 100, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 40 },
    } });
    const res = await g.client.responses.create({ ...codexBody(MODEL.anthropic, codexPreamble('Fix src/app.ts.')), stream: false } as never);
    expect(res.status).toBe('completed');
    expect(res.output.map((i) => i.type)).toEqual(['reasoning', 'message', 'custom_tool_call']);
    expect(res.output[2]).toMatchObject({ call_id: 'toolu_patch2', name: 'apply_patch', input: PATCH });
    expect(res.output_text).toBe('Patching src/app.ts.');
    expect(g.up.lastBody().stream).toBeUndefined();
  });

  test.each([
    ['file_search', { type: 'file_search', vector_store_ids: ['vs_1'] }],
    ['local_shell', { type: 'local_shell' }],
  ])('a %s tool (Responses-only) is refused with a clear 400 before any upstream call', async (name, tool) => {
    const calls = g.up.server.requests.length;
    const res = await postRaw(g.gw, codexBody(MODEL.anthropic, codexPreamble('Search.'), [APPLY_PATCH_TOOL, tool]));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Json };
    expect(body.error.type).toBe('invalid_request_error');
    expect(String(body.error.message)).toContain(`"${name}"`);
    expect(g.up.server.requests.length).toBe(calls);
  });
});
