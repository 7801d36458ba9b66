/**
 * Codex's tool declarations since 0.147: the top-level `tools` list is empty and the tools come
 * as an `additional_tools` input item at the head of `input`, MCP servers' tools grouped in
 * `namespace` tools; a call of a namespaced tool comes back (and is replayed) as a
 * `function_call` with a `namespace` field. A Chat or Anthropic upstream gets every tool flat
 * (`<namespace>__<name>`), and Codex gets its calls back in its own form. Before, the gateway
 * took `additional_tools` for a feature only OpenAI's Responses API has, and refused every
 * current Codex request for any other provider; so it did the web search Codex offers on every
 * request since 0.92, and the tool search behind which 0.144 puts MCP tools.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { ResponseOutputItem } from 'openai/resources/responses/responses';
import {
  APPLY_PATCH_TOOL, CODEX_FUNCTION_TOOLS, chatSse, codexBody, codexPreamble, MODEL, namedSse, parseSse, postRaw, startCodexGateway,
  type CodexGateway, type Json,
} from './codex-kit.ts';

let g: CodexGateway;
beforeAll(async () => {
  g = await startCodexGateway();
});
afterAll(async () => {
  await g?.stop();
});

const CREATE_ISSUE: Json = {
  type: 'function', name: 'create_issue', description: 'Creates a GitHub issue.', strict: false,
  parameters: { type: 'object', properties: { title: { type: 'string' } }, required: ['title'] },
};
/** The item Codex puts first in `input`: its own tools, then each MCP server's in a namespace. */
const ADDITIONAL_TOOLS: Json = {
  type: 'additional_tools', role: 'developer', id: 'at_0199f6a2',
  tools: [...CODEX_FUNCTION_TOOLS, APPLY_PATCH_TOOL, { type: 'namespace', name: 'mcp__github', description: 'Tools of the github MCP server.', tools: [CREATE_ISSUE] }],
};

/** A Codex ≥ 0.147 request: no top-level tools, the declarations in the input. */
function body(model: string, input: Json[]): Json {
  return codexBody(model, [ADDITIONAL_TOOLS, ...input], []);
}

const chatChunk = (delta: Json, finish: string | null = null): Json => ({
  id: 'chatcmpl-ns1', object: 'chat.completion.chunk', created: 1760000000, model: 'gpt-5-chat', choices: [{ index: 0, delta, finish_reason: finish }],
});
const ISSUE_ARGS = '{"title":"Flaky test in app.ts"}';

/** The chat upstream calls the namespaced tool by its flat name. */
function chatIssueCall(): string[] {
  return chatSse([
    chatChunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_issue1', type: 'function', function: { name: 'mcp__github__create_issue', arguments: '' } }] }),
    chatChunk({ tool_calls: [{ index: 0, function: { arguments: ISSUE_ARGS } }] }),
    chatChunk({}, 'tool_calls'),
  ]);
}

function toolNames(sent: Json): string[] {
  return ((sent.tools ?? []) as Json[]).map((t) => ((t.function as Json | undefined)?.name ?? t.name) as string);
}

describe('Codex ≥ 0.147: tools declared in an additional_tools item, MCP tools in namespaces', () => {
  test('Chat upstream: every tool reaches it flat; the call of a namespaced tool comes back with its namespace (streamed)', async () => {
    g.up.next({ sse: chatIssueCall() });
    const stream = g.client.responses.stream(body(MODEL.chat, codexPreamble('File an issue about the flaky test.')) as never);
    let args = '';
    for await (const e of stream) if (e.type === 'response.function_call_arguments.delta') args += e.delta;
    const final = await stream.finalResponse();
    const sent = g.up.lastBody();
    expect(toolNames(sent)).toEqual([...CODEX_FUNCTION_TOOLS.map((t) => t.name as string), 'apply_patch', 'mcp__github__create_issue']);
    expect(JSON.stringify(sent.messages)).not.toContain('additional_tools');
    const call = final.output[0] as Extract<ResponseOutputItem, { type: 'function_call' }> & { namespace?: string };
    expect([call.type, call.name, call.namespace, call.arguments]).toEqual(['function_call', 'create_issue', 'mcp__github', ISSUE_ARGS]);
    expect(args).toBe(ISSUE_ARGS);
  });

  test('Chat upstream, not streamed: the same item; turn 2 replays the call with its namespace and the upstream sees its flat name', async () => {
    g.up.next({ json: {
      id: 'chatcmpl-ns2', object: 'chat.completion', created: 1760000000, model: 'gpt-5-chat',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_issue2', type: 'function', function: { name: 'mcp__github__create_issue', arguments: ISSUE_ARGS } }] } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    } });
    const res = await g.client.responses.create({ ...body(MODEL.chat, codexPreamble('File an issue.')), stream: false } as never);
    const call = res.output[0] as { name: string; namespace?: string; call_id: string };
    expect([call.name, call.namespace]).toEqual(['create_issue', 'mcp__github']);

    g.up.next({ sse: chatSse([chatChunk({ role: 'assistant', content: 'Filed #42.' }), chatChunk({}, 'stop')]) });
    const replay: Json[] = [
      ...codexPreamble('File an issue.'),
      { type: 'function_call', name: 'create_issue', namespace: 'mcp__github', arguments: ISSUE_ARGS, call_id: call.call_id },
      { type: 'function_call_output', call_id: call.call_id, output: '{"number":42}' },
    ];
    const turn2 = await g.client.responses.stream(body(MODEL.chat, replay) as never).finalResponse();
    expect(turn2.output_text).toBe('Filed #42.');
    const messages = g.up.lastBody().messages as Json[];
    const assistant = messages.find((m) => m.role === 'assistant') as { tool_calls: Array<{ id: string; function: { name: string } }> };
    expect(assistant.tool_calls.map((c) => [c.id, c.function.name])).toEqual([[call.call_id, 'mcp__github__create_issue']]);
    expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: call.call_id, content: '{"number":42}' });
  });

  test('Anthropic upstream: the tools, apply_patch still a custom call, and the namespaced call', async () => {
    g.up.next({ sse: namedSse([
      { type: 'message_start', message: { id: 'msg_ns1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 900, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_issue1', name: 'mcp__github__create_issue', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ISSUE_ARGS } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 20 } },
      { type: 'message_stop' },
    ]) });
    const final = await g.client.responses.stream(body(MODEL.anthropic, codexPreamble('File an issue.')) as never).finalResponse();
    expect(toolNames(g.up.lastBody())).toContain('mcp__github__create_issue');
    expect(toolNames(g.up.lastBody())).toContain('apply_patch');
    const call = final.output[0] as { type: string; name: string; namespace?: string; arguments: string };
    expect([call.type, call.name, call.namespace, JSON.parse(call.arguments)]).toEqual(['function_call', 'create_issue', 'mcp__github', JSON.parse(ISSUE_ARGS)]);
  });

  test('Codex\'s default web search and its MCP tool search (client-run) do not keep a Chat upstream from serving; a forced web search does', async () => {
    const tools = [...(ADDITIONAL_TOOLS.tools as Json[]), { type: 'web_search', external_web_access: false }, { type: 'tool_search', execution: 'client', description: 'Search MCP tools.' }];
    const input = [
      { ...ADDITIONAL_TOOLS, tools },
      ...codexPreamble('Look up the bun release and file an issue.'),
      { type: 'web_search_call', id: 'ws_01', status: 'completed', action: { type: 'search', query: 'bun 1.4 release' } },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Bun 1.4 is out.' }] },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'File it.' }] },
    ];
    g.up.next({ sse: chatIssueCall() });
    const final = await g.client.responses.stream(codexBody(MODEL.chat, input, []) as never).finalResponse();
    expect((final.output[0] as { namespace?: string }).namespace).toBe('mcp__github');
    const sent = g.up.lastBody();
    expect(toolNames(sent)).not.toContain('web_search');
    expect(JSON.stringify(sent)).not.toContain('ws_01');
    expect((sent.messages as Json[]).map((m) => m.role)).toEqual(['system', 'system', 'user', 'user', 'assistant', 'user']);

    const forced = await postRaw(g.gw, { ...codexBody(MODEL.chat, input, []), tool_choice: { type: 'web_search' } });
    expect(forced.status).toBe(400);
    expect(((await forced.json()) as { error: Json }).error.message).toContain('web_search');
  });

  test('Codex\'s client-run tool search on a Chat upstream: the model calls it as a function, Codex runs it, the tools it found are called next', async () => {
    const search = { type: 'tool_search', execution: 'client', description: 'Search the MCP tools.' };
    const tools = [...CODEX_FUNCTION_TOOLS, APPLY_PATCH_TOOL, search];
    // Turn 1: the model searches.
    g.up.next({ sse: chatSse([
      chatChunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_ts1', type: 'function', function: { name: 'tool_search', arguments: '{"query":"create github issue","limit":2}' } }] }),
      chatChunk({}, 'tool_calls'),
    ]) });
    const stream = g.client.responses.stream(codexBody(MODEL.chat, [{ ...ADDITIONAL_TOOLS, tools }, ...codexPreamble('File an issue.')], []) as never);
    const added: Json[] = [];
    for await (const e of stream) if (e.type === 'response.output_item.done') added.push(e.item as unknown as Json);
    expect(added).toEqual([{ type: 'tool_search_call', id: expect.any(String), call_id: 'call_ts1', execution: 'client', arguments: { query: 'create github issue', limit: 2 }, status: 'completed' }]);
    const sent1 = g.up.lastBody();
    expect(toolNames(sent1)).toContain('tool_search');
    // Not streamed: the same item.
    g.up.next({ json: {
      id: 'chatcmpl-ts', object: 'chat.completion', created: 1760000000, model: 'gpt-5-chat',
      choices: [{ index: 0, finish_reason: 'tool_calls', message: { role: 'assistant', content: null, tool_calls: [{ id: 'call_ts2', type: 'function', function: { name: 'tool_search', arguments: '{"query":"issue"}' } }] } }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    } });
    const whole = await g.client.responses.create({ ...codexBody(MODEL.chat, [{ ...ADDITIONAL_TOOLS, tools }, ...codexPreamble('File an issue.')], []), stream: false } as never);
    expect(whole.output[0]).toMatchObject({ type: 'tool_search_call', call_id: 'call_ts2', execution: 'client', arguments: { query: 'issue' } });
    // Turn 2: Codex sends the call, the tools its search found, and the model calls one of them.
    g.up.next({ sse: chatIssueCall() });
    const input = [
      { ...ADDITIONAL_TOOLS, tools },
      ...codexPreamble('File an issue.'),
      { type: 'tool_search_call', call_id: 'call_ts1', execution: 'client', arguments: { query: 'create github issue', limit: 2 }, status: 'completed' },
      { type: 'tool_search_output', call_id: 'call_ts1', execution: 'client', status: 'completed', tools: [{ type: 'namespace', name: 'mcp__github', description: 'GitHub', tools: [CREATE_ISSUE] }] },
    ];
    const final = await g.client.responses.stream(codexBody(MODEL.chat, input, []) as never).finalResponse();
    const call = final.output[0] as { name: string; namespace?: string };
    expect([call.name, call.namespace]).toEqual(['create_issue', 'mcp__github']);
    const sent2 = g.up.lastBody();
    expect(toolNames(sent2)).toContain('mcp__github__create_issue');
    const messages = sent2.messages as Json[];
    expect(messages.at(-2)).toMatchObject({ role: 'assistant', tool_calls: [{ id: 'call_ts1', function: { name: 'tool_search', arguments: '{"query":"create github issue","limit":2}' } }] });
    expect(messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_ts1' });
    expect(String(messages.at(-1)!.content)).toContain('mcp__github__create_issue: Creates a GitHub issue.');
  });

  test('Responses upstream (passthrough): the body goes as Codex sent it', async () => {
    g.up.next({ json: { id: 'resp_1', object: 'response', created_at: 1, status: 'completed', model: 'gpt-5-codex', output: [], usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } });
    const sent = { ...body(MODEL.responses, codexPreamble('Hi.')), stream: false };
    await postRaw(g.gw, sent);
    expect(g.up.lastBody()).toEqual({ ...sent, model: 'gpt-5-codex' });
  });

  test('the raw stream: the function_call item carries its namespace in added and done', async () => {
    g.up.next({ sse: chatIssueCall() });
    const frames = parseSse(await (await postRaw(g.gw, body(MODEL.chat, codexPreamble('File an issue.')))).text());
    const items = frames.filter((f) => f.data.type === 'response.output_item.added' || f.data.type === 'response.output_item.done').map((f) => f.data.item as Json);
    expect(items.map((i) => [i.type, i.name, i.namespace])).toEqual([['function_call', 'create_issue', 'mcp__github'], ['function_call', 'create_issue', 'mcp__github']]);
  });
});
