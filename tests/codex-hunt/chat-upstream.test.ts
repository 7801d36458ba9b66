/**
 * Codex → gateway → OpenAI Chat Completions upstream (translated): a two-turn Codex session
 * (reasoning, a shell function call and an `apply_patch` custom call, then their outputs sent
 * back), parsed by the `openai` SDK, and what the upstream received.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import { chatSse, codexBody, codexReplay, codexPreamble, MODEL, parseSse, postRaw, startCodexGateway, type CodexGateway, type Json } from './codex-kit.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});

const PATCH = '*** Begin Patch\n*** Add File: a.txt\n+hi "there"\n*** End Patch\n';
const chunk = (delta: Json, finish: string | null = null, extra: Json = {}): Json => ({
  id: 'chatcmpl-codex1', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-5-chat',
  choices: [{ index: 0, delta, finish_reason: finish }], ...extra,
});

/** A streamed reply: reasoning, then a shell call and an apply_patch call, arguments in fragments. */
function toolTurnFrames(): string[] {
  const patchArgs = JSON.stringify({ input: PATCH });
  return chatSse([
    chunk({ role: 'assistant', content: null, reasoning_content: 'I should list ' }),
    chunk({ reasoning_content: 'the files first.' }),
    chunk({ tool_calls: [{ index: 0, id: 'call_shell1', type: 'function', function: { name: 'shell', arguments: '' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '{"command":["bash",' } }] }),
    chunk({ tool_calls: [{ index: 0, function: { arguments: '"-lc","ls"]}' } }] }),
    chunk({ tool_calls: [{ index: 1, id: 'call_patch1', type: 'function', function: { name: 'apply_patch', arguments: patchArgs.slice(0, 20) } }] }),
    chunk({ tool_calls: [{ index: 1, function: { arguments: patchArgs.slice(20) } }] }),
    chunk({}, 'tool_calls'),
    { id: 'chatcmpl-codex1', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-5-chat', choices: [],
      usage: { prompt_tokens: 1200, completion_tokens: 300, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 120 } } },
  ]);
}

function textTurnFrames(text: string): string[] {
  return chatSse([
    chunk({ role: 'assistant', content: '' }),
    chunk({ content: text }),
    chunk({}, 'stop'),
    { id: 'chatcmpl-codex1', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-5-chat', choices: [],
      usage: { prompt_tokens: 1400, completion_tokens: 5, total_tokens: 1405 } },
  ]);
}

describe('Codex → OpenAI Chat upstream (translated)', () => {
  let turn1: ResponseOutputItem[] = [];

  test('turn 1: reasoning, a function call and a custom tool call stream back; arguments assemble into valid JSON; usage has reasoning tokens', async () => {
    g.up.next({ sse: toolTurnFrames() });
    const body = codexBody(MODEL.chat, codexPreamble('List the files, then add a.txt.'));
    const stream = g.client.responses.stream(body as never);
    const deltas = new Map<string, string>();
    const customInputs = new Map<string, string>();
    for await (const e of stream) {
      if (e.type === 'response.function_call_arguments.delta') deltas.set(e.item_id, (deltas.get(e.item_id) ?? '') + e.delta);
      if (e.type === 'response.custom_tool_call_input.delta') customInputs.set(e.item_id, (customInputs.get(e.item_id) ?? '') + e.delta);
    }
    const final = await stream.finalResponse();
    turn1 = final.output;
    expect(final.status).toBe('completed');
    expect(final.output.map((i) => i.type)).toEqual(['reasoning', 'function_call', 'custom_tool_call']);
    const fc = final.output[1] as Extract<ResponseOutputItem, { type: 'function_call' }>;
    expect(JSON.parse(fc.arguments)).toEqual({ command: ['bash', '-lc', 'ls'] });
    expect(JSON.parse(deltas.get(fc.id!)!)).toEqual({ command: ['bash', '-lc', 'ls'] });
    const ctc = final.output[2] as Extract<ResponseOutputItem, { type: 'custom_tool_call' }>;
    expect(ctc.input).toBe(PATCH);
    expect(customInputs.get(ctc.id!)).toBe(PATCH);
    expect(final.usage).toMatchObject({ input_tokens: 1200, output_tokens: 300, output_tokens_details: { reasoning_tokens: 120 }, input_tokens_details: { cached_tokens: 1024 } });

    const sent = g.up.lastBody();
    expect(sent.model).toBe('gpt-5-chat');
    expect((sent.tools as Json[]).map((t) => (t.function as Json).name)).toEqual(['shell', 'update_plan', 'apply_patch']);
    expect(sent.reasoning_effort).toBe('medium');
    expect(sent.parallel_tool_calls).toBe(false);
    for (const k of ['store', 'include', 'prompt_cache_key', 'service_tier', 'text', 'reasoning', 'instructions', 'input']) expect(sent[k]).toBeUndefined();
  });

  test('turn 2: the replayed reasoning, calls and outputs (function and custom) reach the upstream as one assistant turn and two tool results', async () => {
    g.up.next({ sse: textTurnFrames('a.txt added.') });
    const replay = codexReplay(turn1 as unknown as Json[]);
    const input = [
      ...codexPreamble('List the files, then add a.txt.'),
      ...replay,
      { type: 'function_call_output', call_id: 'call_shell1', output: 'a.txt\nb.txt' },
      { type: 'custom_tool_call_output', call_id: 'call_patch1', output: 'Success. Updated the following files:\nA a.txt' },
    ];
    const stream = g.client.responses.stream(codexBody(MODEL.chat, input) as never);
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('a.txt added.');
    const messages = g.up.lastBody().messages as Json[];
    const assistant = messages.find((m) => m.role === 'assistant')!;
    expect((assistant.tool_calls as Json[]).map((c) => [c.id, (c.function as Json).name, JSON.parse((c.function as Json).arguments as string)])).toEqual([
      ['call_shell1', 'shell', { command: ['bash', '-lc', 'ls'] }],
      ['call_patch1', 'apply_patch', { input: PATCH }],
    ]);
    expect(messages.filter((m) => m.role === 'tool').map((m) => [m.tool_call_id, m.content])).toEqual([
      ['call_shell1', 'a.txt\nb.txt'],
      ['call_patch1', 'Success. Updated the following files:\nA a.txt'],
    ]);
  });

  test('max_output_tokens: a cut reply ends as response.incomplete (reason max_output_tokens) and the SDK still resolves', async () => {
    g.up.next({ sse: chatSse([chunk({ role: 'assistant', content: 'The files a' }), chunk({}, 'length'),
      { id: 'chatcmpl-codex1', object: 'chat.completion.chunk', created: 1, model: 'gpt-5-chat', choices: [], usage: { prompt_tokens: 10, completion_tokens: 16, total_tokens: 26 } }]) });
    const stream = g.client.responses.stream({ ...codexBody(MODEL.chat, codexPreamble('List.')), max_output_tokens: 16 } as never);
    const types: string[] = [];
    for await (const e of stream) types.push(e.type);
    const final = await stream.finalResponse();
    expect(types.at(-1)).toBe('response.incomplete');
    expect(final.status).toBe('incomplete');
    expect(final.incomplete_details?.reason).toBe('max_output_tokens');
    expect(final.output_text).toBe('The files a');
    expect(g.up.lastBody().max_tokens ?? g.up.lastBody().max_completion_tokens).toBe(16);
  });

  test('parallel calls whose argument fragments interleave are kept apart (keyed by call, not by arrival)', async () => {
    g.up.next({ sse: chatSse([
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'shell', arguments: '{"command":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'shell', arguments: '{"command":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '["ls"]}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '["pwd"]}' } }] }),
      chunk({}, 'tool_calls'),
    ]) });
    const stream = g.client.responses.stream({ ...codexBody(MODEL.chat, codexPreamble('Where am I, what is here?')), parallel_tool_calls: true } as never);
    const deltas = new Map<string, string>();
    for await (const e of stream) if (e.type === 'response.function_call_arguments.delta') deltas.set(e.item_id, (deltas.get(e.item_id) ?? '') + e.delta);
    const calls = (await stream.finalResponse()).output as Array<Extract<ResponseOutputItem, { type: 'function_call' }>>;
    expect(calls.map((c) => [c.call_id, JSON.parse(c.arguments)])).toEqual([['call_a', { command: ['ls'] }], ['call_b', { command: ['pwd'] }]]);
    expect(calls.map((c) => JSON.parse(deltas.get(c.id!)!))).toEqual([{ command: ['ls'] }, { command: ['pwd'] }]);
    expect(g.up.lastBody().parallel_tool_calls).toBe(true);
  });

  test('a call made without arguments carries {} (what Codex parses), streamed and not', async () => {
    g.up.next({ sse: chatSse([
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_list', type: 'function', function: { name: 'list_mcp_resources', arguments: '' } }] }),
      chunk({}, 'tool_calls'),
    ]) });
    const tools = [{ type: 'function', name: 'list_mcp_resources', description: 'Lists MCP resources.', strict: false, parameters: { type: 'object', properties: { server: { type: 'string' } } } }];
    const stream = g.client.responses.stream(codexBody(MODEL.chat, codexPreamble('What resources are there?'), tools) as never);
    let args = '';
    for await (const e of stream) if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    const streamed = (await stream.finalResponse()).output[0] as Extract<ResponseOutputItem, { type: 'function_call' }>;
    expect(JSON.parse(streamed.arguments)).toEqual({});
    expect(args).toBe(streamed.arguments);

    g.up.next({ json: {
      id: 'chatcmpl-list', object: 'chat.completion', created: 1760000000, model: 'gpt-5-chat',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_list2', type: 'function', function: { name: 'list_mcp_resources', arguments: '' } }] } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    } });
    const res = await g.client.responses.create({ ...codexBody(MODEL.chat, codexPreamble('What resources are there?'), tools), stream: false } as never);
    expect(JSON.parse((res.output[0] as { arguments: string }).arguments)).toEqual({});
  });

  test('slips in a weak model\'s arguments (a fence, a raw newline, a trailing comma, an end-of-call token) reach Codex as the JSON meant, streamed and not', async () => {
    const slipped = '```json\n{"command": ["bash", "-lc", "printf \'a\nb\'"],\n}\n```<|tool_call_end|>';
    const meant = { command: ['bash', '-lc', "printf 'a\nb'"] };
    const fragments = slipped.match(/[\s\S]{1,7}/g)!;
    g.up.next({ sse: chatSse([
      chunk({ role: 'assistant', tool_calls: [{ index: 0, id: 'call_sh', type: 'function', function: { name: 'shell', arguments: '' } }] }),
      ...fragments.map((f) => chunk({ tool_calls: [{ index: 0, function: { arguments: f } }] })),
      chunk({}, 'tool_calls'),
    ]) });
    const stream = g.client.responses.stream(codexBody(MODEL.chat, codexPreamble('Print two lines.')) as never);
    let args = '';
    for await (const e of stream) if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    const streamed = (await stream.finalResponse()).output[0] as Extract<ResponseOutputItem, { type: 'function_call' }>;
    expect(JSON.parse(streamed.arguments)).toEqual(meant);
    expect(JSON.parse(args)).toEqual(meant);

    g.up.next({ json: {
      id: 'chatcmpl-sh', object: 'chat.completion', created: 1760000000, model: 'gpt-5-chat',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_sh2', type: 'function', function: { name: 'shell', arguments: slipped } }] } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    } });
    const res = await g.client.responses.create({ ...codexBody(MODEL.chat, codexPreamble('Print two lines.')), stream: false } as never);
    expect(JSON.parse((res.output[0] as { arguments: string }).arguments)).toEqual(meant);
  });

  test('the raw stream numbers its events 0, 1, 2… and every item added is done', async () => {
    g.up.next({ sse: toolTurnFrames() });
    const res = await postRaw(g.gw, codexBody(MODEL.chat, codexPreamble('List.')));
    const frames = parseSse(await res.text());
    expect(frames.map((f) => f.data.sequence_number)).toEqual(frames.map((_, i) => i));
    expect(frames.every((f) => f.event === f.data.type)).toBe(true);
    const added = frames.filter((f) => f.data.type === 'response.output_item.added').map((f) => f.data.output_index);
    const done = frames.filter((f) => f.data.type === 'response.output_item.done').map((f) => f.data.output_index);
    expect(done).toEqual(added);
  });
});
