/**
 * Tool names a translated upstream refuses. Claude Code names MCP tools `mcp__<server>__<tool>`,
 * which passes OpenAI's and Gemini's 64 characters; Gemini CLI's MCP tools may hold `.` or `:`,
 * which OpenAI and Anthropic refuse. Each upstream here checks names as the real API does and
 * answers its 400 otherwise; the gateway must send valid, stable names everywhere (tools, tool
 * choice, the history's calls and results) and give the client its own names back, streamed or
 * not. Names that are valid reach the upstream exactly as written.
 */
import Anthropic from '@anthropic-ai/sdk';
import { FunctionCallingConfigMode, type Content, type FunctionDeclaration } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { anthropicMessage, openaiCompletion, json } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';
import {
  anthropicCallsTool, ARGS, geminiCallsTool, openaiCallsTool, responsesCallsTool, strictAnthropic, strictGemini, strictOpenAI, strictResponses,
} from './strict-upstream.ts';

type Json = Record<string, any>;

let h: Hunt;
let claude: Anthropic;
beforeAll(async () => {
  h = await startHunt(`
providers:
  oai: { type: openai, base_url: UPSTREAM/v1, keys: [sk-oai-upstream-1], allow_private_network: true, models: [gpt-4o] }
  ant: { type: anthropic, base_url: UPSTREAM, keys: [sk-ant-upstream-1], allow_private_network: true, models: [claude-sonnet-4-5] }
  gem: { type: gemini, base_url: UPSTREAM, keys: [gem-upstream-key-1], allow_private_network: true, models: [gemini-2.5-flash] }
  rsp: { type: openai-responses, base_url: UPSTREAM/v1, keys: [sk-rsp-upstream-1], allow_private_network: true, models: [gpt-5] }
`);
  claude = new Anthropic({ apiKey: h.gw.key, baseURL: h.gw.url, maxRetries: 0 });
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

/** 80 characters: a real Claude Code MCP tool name shape (server `claude_ai_Atlassian_Production`). */
const MCP_LONG = 'mcp__claude_ai_Atlassian_Production__getConfluencePageFooterCommentsWithReplies';
const schema = { type: 'object' as const, properties: { path: { type: 'string' as const } }, required: ['path'] };
const ccTools: Anthropic.Tool[] = [
  { name: 'Read', description: 'Reads a file', input_schema: schema },
  { name: MCP_LONG, description: 'Footer comments of a Confluence page', input_schema: schema },
  { name: 'mcp__github__create_issue', description: 'Creates an issue', input_schema: schema },
];

function toolUses(msg: Anthropic.Message): Array<{ name: string; input: unknown }> {
  return msg.content.flatMap((b) => (b.type === 'tool_use' ? [{ name: b.name, input: b.input }] : []));
}

/** The tool names the upstream got declared, in whatever format it speaks. */
function sentToolNames(i = 0): string[] {
  const b = h.up.requests[i]!.body as Json;
  if (Array.isArray(b.contents)) return b.tools[0].functionDeclarations.map((d: Json) => d.name);
  return b.tools.map((t: Json) => t.function?.name ?? t.name);
}

/** Claude Code's second turn: the call it got, then its result. */
function ccHistory(name: string): Anthropic.MessageParam[] {
  return [
    { role: 'user', content: 'Show the comments.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_01A', name, input: ARGS }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: 'Two comments.' }] },
  ];
}

describe('Claude Code (MCP names over 64 characters) → OpenAI-compatible upstream', () => {
  test('streamed: valid names as they are, the long one fits; the call comes back under the MCP name', async () => {
    h.up.next(strictOpenAI(openaiCallsTool(1, true)));
    const msg = await claude.messages.stream({
      model: 'oai/gpt-4o', max_tokens: 4096, tools: ccTools, messages: [{ role: 'user', content: 'Show the comments.' }],
    }).finalMessage();
    expect(h.up.requests).toHaveLength(1);
    const [read, long, github] = sentToolNames();
    expect([read, github]).toEqual(['Read', 'mcp__github__create_issue']);
    expect(long!.length).toBeLessThanOrEqual(64);
    expect(long!.startsWith('mcp__claude_ai_Atlassian_Production__')).toBe(true);
    expect(toolUses(msg)).toEqual([{ name: MCP_LONG, input: ARGS }]);
    expect(msg.stop_reason).toBe('tool_use');
  });

  test('next turn, not streamed: the history call and a forced choice use the same upstream name as the tools', async () => {
    h.up.next(strictOpenAI(openaiCompletion({ content: 'Two comments.' }, 'stop')), strictOpenAI(openaiCallsTool(1, false)));
    const text = await claude.messages.create({ model: 'oai/gpt-4o', max_tokens: 4096, tools: ccTools, messages: ccHistory(MCP_LONG) });
    expect(text.content).toMatchObject([{ type: 'text', text: 'Two comments.' }]);
    const long = sentToolNames(0)[1]!;
    const history = (h.up.requests[0]!.body.messages as Json[]).find((m) => m.tool_calls)!;
    expect(history.tool_calls[0].function.name).toBe(long);

    const forced = await claude.messages.create({
      model: 'oai/gpt-4o', max_tokens: 4096, tools: ccTools, tool_choice: { type: 'tool', name: MCP_LONG }, messages: [{ role: 'user', content: 'Go.' }],
    });
    expect((h.up.requests[1]!.body.tool_choice as Json).function.name).toBe(long);
    expect(sentToolNames(1)[1]).toBe(long);
    expect(toolUses(forced)).toEqual([{ name: MCP_LONG, input: ARGS }]);
  });

  test('names that are valid reach the upstream unchanged', async () => {
    h.up.next(strictOpenAI(openaiCallsTool(0, false)));
    const valid = [ccTools[0]!, ccTools[2]!];
    const msg = await claude.messages.create({ model: 'oai/gpt-4o', max_tokens: 4096, tools: valid, messages: ccHistory('mcp__github__create_issue') });
    expect(sentToolNames()).toEqual(['Read', 'mcp__github__create_issue']);
    const history = (h.up.requests[0]!.body.messages as Json[]).find((m) => m.tool_calls)!;
    expect(history.tool_calls[0].function.name).toBe('mcp__github__create_issue');
    expect(toolUses(msg)).toEqual([{ name: 'Read', input: ARGS }]);
  });
});

describe('Claude Code → Gemini and OpenAI Responses upstreams (64 characters too)', () => {
  test('Gemini, streamed then the next turn: declarations, the history call and its response fit; the call comes back', async () => {
    h.up.next(strictGemini(geminiCallsTool(1, true)));
    const msg = await claude.messages.stream({
      model: 'gem/gemini-2.5-flash', max_tokens: 4096, tools: ccTools, messages: [{ role: 'user', content: 'Show the comments.' }],
    }).finalMessage();
    expect(toolUses(msg)).toEqual([{ name: MCP_LONG, input: ARGS }]);
    const long = sentToolNames(0)[1]!;
    expect(long.length).toBeLessThanOrEqual(64);

    h.up.next(strictGemini(json({ candidates: [{ content: { role: 'model', parts: [{ text: 'Two comments.' }] }, finishReason: 'STOP' }] })));
    const next = await claude.messages.create({ model: 'gem/gemini-2.5-flash', max_tokens: 4096, tools: ccTools, messages: ccHistory(MCP_LONG) });
    expect(next.content).toMatchObject([{ type: 'text', text: 'Two comments.' }]);
    const parts = (h.up.requests[1]!.body.contents as Json[]).flatMap((c) => c.parts);
    expect(parts.find((p) => p.functionCall)!.functionCall.name).toBe(long);
    expect(parts.find((p) => p.functionResponse)!.functionResponse.name).toBe(long);
  });

  test('OpenAI Responses (Codex plan, API), streamed and not: the call comes back under the MCP name', async () => {
    for (const stream of [true, false]) {
      h.up.reset();
      h.up.next(strictResponses(responsesCallsTool(1, stream)));
      const params = { model: 'rsp/gpt-5', max_tokens: 4096, tools: ccTools, messages: ccHistory(MCP_LONG) };
      const msg = stream ? await claude.messages.stream(params).finalMessage() : await claude.messages.create(params);
      expect(toolUses(msg)).toEqual([{ name: MCP_LONG, input: ARGS }]);
      const call = (h.up.requests[0]!.body.input as Json[]).find((i) => i.type === 'function_call')!;
      expect(call.name).toBe(sentToolNames(0)[1]!);
    }
  });
});

/** Gemini CLI's MCP tools: a `server.tool` and a `server:tool` name, and a native one. */
const gcTools: FunctionDeclaration[] = [
  { name: 'read_file', description: 'Reads a file', parametersJsonSchema: schema },
  { name: 'github.search_issues', description: 'Searches issues', parametersJsonSchema: schema },
  { name: 'jira:get_issue', description: 'Gets an issue', parametersJsonSchema: schema },
];
/** Gemini CLI's next turn: the model's call, then the function response. */
const gcHistory: Content[] = [
  { role: 'user', parts: [{ text: 'Find the issue.' }] },
  { role: 'model', parts: [{ functionCall: { name: 'github.search_issues', args: ARGS } }] },
  { role: 'user', parts: [{ functionResponse: { name: 'github.search_issues', response: { output: 'Issue 7.' } } }] },
];

describe('Gemini CLI (MCP names with . and :) → OpenAI-compatible and Anthropic upstreams', () => {
  for (const [label, model, strict, calls] of [
    ['OpenAI', 'oai/gpt-4o', strictOpenAI, openaiCallsTool],
    ['Anthropic', 'ant/claude-sonnet-4-5', strictAnthropic, anthropicCallsTool],
  ] as const) {
    test(`${label}, not streamed: both MCP names fit and stay apart; the call comes back as github.search_issues`, async () => {
      h.up.next(strict(calls(1, false)));
      const r = await h.ai.models.generateContent({ model, contents: 'Find the issue.', config: { tools: [{ functionDeclarations: gcTools }] } });
      expect(r.functionCalls).toEqual([expect.objectContaining({ name: 'github.search_issues', args: ARGS })]);
      const [read, gh, jira] = sentToolNames();
      expect(read).toBe('read_file');
      expect(gh).toMatch(/^[a-zA-Z0-9_-]+$/);
      expect(jira).toMatch(/^[a-zA-Z0-9_-]+$/);
      expect(new Set([read, gh, jira]).size).toBe(3);
    });

    test(`${label}, streamed, next turn with a forced tool: history and choice renamed alike`, async () => {
      // ANY with one allowed name: that tool alone, forced.
      h.up.next(strict(calls(0, true)));
      const config = {
        tools: [{ functionDeclarations: gcTools }],
        toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['jira:get_issue'] } },
      };
      const calls2 = [];
      for await (const chunk of await h.ai.models.generateContentStream({ model, contents: gcHistory, config })) calls2.push(...(chunk.functionCalls ?? []));
      expect(calls2).toEqual([expect.objectContaining({ name: 'jira:get_issue', args: ARGS })]);
      const [jira] = sentToolNames();
      expect(jira).toMatch(/^jira_get_issue/);
      const body = h.up.requests[0]!.body as Json;
      let historyCall: string;
      if (label === 'OpenAI') {
        expect(body.tool_choice.function.name).toBe(jira);
        historyCall = (body.messages as Json[]).find((m) => m.tool_calls)!.tool_calls[0].function.name;
      } else {
        expect(body.tool_choice).toEqual({ type: 'tool', name: jira });
        historyCall = (body.messages as Json[]).flatMap((m) => m.content).find((c: Json) => c.type === 'tool_use').name;
      }
      expect(historyCall).toMatch(/^github_search_issues/);
    });
  }

  test('Anthropic answers in text after the function response: no rename shows', async () => {
    h.up.next(strictAnthropic(anthropicMessage([{ type: 'text', text: 'Issue 7 it is.' }], 'end_turn')));
    const r = await h.ai.models.generateContent({ model: 'ant/claude-sonnet-4-5', contents: gcHistory, config: { tools: [{ functionDeclarations: gcTools }] } });
    expect(r.text).toBe('Issue 7 it is.');
  });
});
