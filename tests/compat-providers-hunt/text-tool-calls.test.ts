/**
 * Local models that write their tool calls into their text (the `ollama` preset, whose
 * `text_tool_calls` quirk reads them back): Qwen3-Coder through Ollama leaves out its opening
 * `<tool_call>` and the server passes the whole call on as content (ollama/ollama#16686), and a
 * model in the Hermes format whose server has no tool parser does the same. Claude Code then
 * got prose and ran nothing. Every client dialect, through its SDK, gets a real tool call,
 * streamed and not; the OpenAI client's request leaves the passthrough lane for it.
 */
import Anthropic from '@anthropic-ai/sdk';
import { FunctionCallingConfigMode } from '@google/genai';
import { expect, test } from 'bun:test';
import { json, openaiChunk, openaiCompletion, openaiStream, openaiUsage } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';

const hunt = useCompatHunt(`
providers:
  local: { preset: ollama, base_url: UPSTREAM/v1 }
  plain: { type: openai, base_url: UPSTREAM/v1, keys: [sk-plain-0000001], allow_private_network: true }
`);

const READ = { name: 'Read', description: 'Reads a file', parameters: { type: 'object', properties: { file_path: { type: 'string' }, limit: { type: 'integer' } }, required: ['file_path'] } };
/** Qwen3-Coder's call as Ollama passes it on: no opening tag, typed values on their own lines. */
const QWEN = 'Let me read it.\n\n<function=Read>\n<parameter=file_path>\n/src/a.ts\n</parameter>\n<parameter=limit>\n20\n</parameter>\n</function>\n</tool_call>';
const HERMES = '<tool_call>\n{"name": "Read", "arguments": {"file_path": "/src/a.ts", "limit": 20}}\n</tool_call>';
/** Devstral's call through a server without Mistral's parser: the special tokens as text, no closing tag. */
const MISTRAL = 'Reading.[TOOL_CALLS]Read[ARGS]{"file_path": "/src/a.ts", "limit": 20}</s>';
/** gpt-oss's Harmony messages through a server without its parser: reasoning, then the call. */
const HARMONY = '<|channel|>analysis<|message|>The user wants a.ts; read it.<|end|><|start|>assistant<|channel|>commentary to=functions.Read <|constrain|>json<|message|>{"file_path": "/src/a.ts", "limit": 20}<|call|>';
const MEANT = { file_path: '/src/a.ts', limit: 20 };

/** `text` streamed in pieces of 6 characters, as a local server streams tokens. */
function streamedText(text: string) {
  const pieces = text.match(/[\s\S]{1,6}/g)!.map((t) => openaiChunk({ content: t }));
  return openaiStream([openaiChunk({ role: 'assistant', content: '' }), ...pieces, openaiChunk({}, 'stop'), openaiUsage(30, 12)]);
}

test.each([['Qwen3-Coder', QWEN, 'Let me read it.\n\n'], ['Hermes', HERMES, ''], ['Mistral', MISTRAL, 'Reading.'], ['gpt-oss Harmony', HARMONY, '']])('Claude Code (Anthropic SDK), %s form: a tool_use block, streamed and not', async (_form, text, prose) => {
  const client = new Anthropic({ apiKey: hunt.h.gw.key, baseURL: hunt.h.gw.url, maxRetries: 0 });
  const tools = [{ name: READ.name, description: READ.description, input_schema: READ.parameters as Anthropic.Tool.InputSchema }];
  hunt.h.up.next(streamedText(text));
  const streamed = await client.messages.stream({ model: 'local/qwen3-coder:30b', max_tokens: 1000, tools, messages: [{ role: 'user', content: 'Read a.ts' }] }).finalMessage();
  hunt.h.up.next(openaiCompletion({ content: text }, 'stop'));
  const whole = await client.messages.create({ model: 'local/qwen3-coder:30b', max_tokens: 1000, tools, messages: [{ role: 'user', content: 'Read a.ts' }] });
  for (const m of [streamed, whole]) {
    expect(m.stop_reason).toBe('tool_use');
    const use = m.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect([use.name, use.input]).toEqual(['Read', MEANT]);
    expect(JSON.stringify(m.content)).not.toMatch(/<parameter=|\[TOOL_CALLS\]|<\|channel\|>/);
    expect(m.content.filter((b) => b.type === 'text').map((b) => b.text).join('')).toBe(prose);
  }
});

test('OpenAI SDK (Cline, OpenCode): tool_calls and finish_reason tool_calls, streamed and not', async () => {
  const tools = [{ type: 'function' as const, function: READ }];
  hunt.h.up.next(streamedText(QWEN));
  const chunks = await Array.fromAsync(await hunt.oai.chat.completions.create({ model: 'local/qwen3-coder:30b', stream: true, tools, messages: [{ role: 'user', content: 'Read a.ts' }] }));
  const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join('');
  expect(JSON.parse(args)).toEqual(MEANT);
  expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('Let me read it.\n\n');
  hunt.h.up.next(openaiCompletion({ content: HERMES }, 'stop'));
  const r = await hunt.oai.chat.completions.create({ model: 'local/qwen3-coder:30b', tools, messages: [{ role: 'user', content: 'Read a.ts' }] });
  expect(r.choices[0]!.finish_reason).toBe('tool_calls');
  const call = r.choices[0]!.message.tool_calls![0]! as { function: { name: string; arguments: string } };
  expect([call.function.name, JSON.parse(call.function.arguments)]).toEqual(['Read', MEANT]);
  // The client's own fields still reach the upstream (the converted lane keeps unknown extras).
  hunt.h.up.next(openaiCompletion({ content: 'ok' }, 'stop'));
  await hunt.oai.chat.completions.create({ model: 'local/qwen3-coder:30b', tools, messages: [{ role: 'user', content: 'x' }], top_k: 20 } as never);
  expect(hunt.h.up.requests.at(-1)!.body.top_k).toBe(20);
});

test('OpenAI SDK on gpt-oss (Harmony as text): the analysis channel as reasoning_content, the final channel as the answer, a call as tool_calls', async () => {
  const tools = [{ type: 'function' as const, function: READ }];
  hunt.h.up.next(streamedText(HARMONY));
  const chunks = await Array.fromAsync(await hunt.oai.chat.completions.create({ model: 'local/gpt-oss:20b', stream: true, tools, messages: [{ role: 'user', content: 'Read a.ts' }] }));
  const deltas = chunks.map((c) => c.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined);
  expect(deltas.map((d) => d?.reasoning_content ?? '').join('')).toBe('The user wants a.ts; read it.');
  expect(deltas.map((d) => d?.content ?? '').join('')).toBe('');
  const args = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? '').join('');
  expect(JSON.parse(args)).toEqual(MEANT);
  expect(chunks.some((c) => c.choices[0]?.finish_reason === 'tool_calls')).toBe(true);
  hunt.h.up.next(openaiCompletion({ content: '<|channel|>analysis<|message|>Easy.<|end|><|start|>assistant<|channel|>final<|message|>Hi!<|return|>' }, 'stop'));
  const r = await hunt.oai.chat.completions.create({ model: 'local/gpt-oss:20b', tools, messages: [{ role: 'user', content: 'Say hi' }] });
  const message = r.choices[0]!.message as { content: string | null; reasoning_content?: string };
  expect([r.choices[0]!.finish_reason, message.content, message.reasoning_content]).toEqual(['stop', 'Hi!', 'Easy.']);
});

test('Gemini CLI (@google/genai): a functionCall part', async () => {
  hunt.h.up.next(streamedText(QWEN));
  const chunks = await Array.fromAsync(await hunt.h.ai.models.generateContentStream({
    model: 'local/qwen3-coder:30b', contents: 'Read a.ts',
    config: { tools: [{ functionDeclarations: [{ name: 'Read', description: 'Reads a file', parametersJsonSchema: READ.parameters }] }], toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } } },
  }));
  const calls = chunks.flatMap((c) => c.functionCalls ?? []);
  expect(calls.map((c) => [c.name, c.args])).toEqual([['Read', MEANT]]);
});

test('what stays as it was: a provider without the quirk (passthrough, bytes as sent), a request without tools, a tool the request did not declare', async () => {
  const tools = [{ type: 'function' as const, function: READ }];
  hunt.h.up.next(openaiCompletion({ content: HERMES }, 'stop'));
  const plain = await hunt.oai.chat.completions.create({ model: 'plain/qwen3', tools, messages: [{ role: 'user', content: 'Read a.ts' }] });
  expect(plain.choices[0]!.message.content).toBe(HERMES);
  hunt.h.up.next(openaiCompletion({ content: HERMES }, 'stop'));
  const noTools = await hunt.oai.chat.completions.create({ model: 'local/qwen3', messages: [{ role: 'user', content: 'How do you call tools?' }] });
  expect(noTools.choices[0]!.message.content).toBe(HERMES);
  hunt.h.up.next(json({ id: 'x', object: 'chat.completion', created: 1, model: 'q', choices: [{ index: 0, message: { role: 'assistant', content: HERMES.replace('Read', 'Bash') }, finish_reason: 'stop' }] }));
  const other = await hunt.oai.chat.completions.create({ model: 'local/qwen3', tools, messages: [{ role: 'user', content: 'x' }] });
  expect([other.choices[0]!.finish_reason, other.choices[0]!.message.content]).toEqual(['stop', HERMES.replace('Read', 'Bash')]);
});
