/**
 * Coding tools routed to DeepSeek's thinking mode (`deepseek/deepseek-reasoner`), against an
 * upstream that checks what DeepSeek checks: every assistant message that made tool calls
 * carries `reasoning_content` in every later request (api-docs.deepseek.com/guides/thinking_mode
 * #tool-calls), not only inside its own tool loop. Claude Code's next question after a finished
 * tool loop, a tool loop whose results come with Claude Code's own text, and calls whose
 * reasoning the client never kept (Gemini CLI) must all be accepted.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { CLAUDE_CODE_HEADERS, claudeCodeRequest } from '../conformance/kit/claude-code-traffic.ts';
import { readMessagesStream } from '../conformance/kit/read-client-stream.ts';
import { openaiChunk, openaiStream, openaiUsage, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';
import { geminiCliToolTurn, strictDeepSeek } from './strict-compat-upstreams.ts';

type Json = Record<string, any>;

let h: Hunt;
beforeAll(async () => {
  h = await startHunt(`
providers:
  deepseek: { preset: deepseek, base_url: UPSTREAM, keys: [sk-ds-upstream-1], allow_private_network: true }
`);
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

const headers = () => ({ ...CLAUDE_CODE_HEADERS, 'x-api-key': h.gw.key });

async function post(body: Json): Promise<Response> {
  const res = await fetch(`${h.gw.url}/v1/messages?beta=true`, { method: 'POST', headers: headers(), body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return res;
}

/** DeepSeek thinking, then a call of Bash. */
const thinksThenCalls: Reply = openaiStream([
  openaiChunk({ role: 'assistant', reasoning_content: 'I should run curl.' }),
  openaiChunk({ tool_calls: [{ index: 0, id: 'call_00_ds1', type: 'function', function: { name: 'Bash', arguments: '{"command":"curl wttr.in/Paris"}' } }] }),
  openaiChunk({}, 'tool_calls'), openaiUsage(50, 12),
]);

/** DeepSeek thinking, then text. */
const thinksThenAnswers = (text: string): Reply => openaiStream([
  openaiChunk({ role: 'assistant', reasoning_content: 'The tool said sunny.' }),
  openaiChunk({ content: text }), openaiChunk({}, 'stop'), openaiUsage(60, 6),
]);

/** Assistant messages DeepSeek received for request `i` that made tool calls. */
const callTurns = (i: number): Json[] => (h.up.requests[i]!.body.messages as Json[]).filter((m) => m.role === 'assistant' && m.tool_calls);

describe('Claude Code → deepseek-reasoner', () => {
  test('the next question after a finished tool loop still carries the loop\'s reasoning_content', async () => {
    const first = claudeCodeRequest('deepseek/deepseek-reasoner');
    h.up.next(strictDeepSeek(thinksThenCalls));
    const turn1 = await readMessagesStream(await post(first));
    const call = turn1.content.find((b) => b.type === 'tool_use')!;
    expect(turn1.content[0]).toMatchObject({ type: 'thinking', thinking: 'I should run curl.' });

    const loop = [
      ...(first.messages as Json[]),
      { role: 'assistant', content: turn1.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 22 C' }] },
    ];
    h.up.next(strictDeepSeek(thinksThenAnswers('Sunny.')));
    const turn2 = await readMessagesStream(await post({ ...first, messages: loop }));
    expect(turn2.content.find((b) => b.type === 'text')?.text).toBe('Sunny.');

    const next = [...loop, { role: 'assistant', content: turn2.content }, { role: 'user', content: 'And tomorrow?' }];
    h.up.next(strictDeepSeek(thinksThenAnswers('Rain.')));
    const turn3 = await readMessagesStream(await post({ ...first, messages: next }));
    expect(turn3.content.find((b) => b.type === 'text')?.text).toBe('Rain.');
    expect(callTurns(2).map((m) => m.reasoning_content)).toEqual(['I should run curl.']);
  });

  test('tool results followed by Claude Code\'s own text in the same user message: the loop goes on', async () => {
    const first = claudeCodeRequest('deepseek/deepseek-reasoner');
    h.up.next(strictDeepSeek(thinksThenCalls));
    const turn1 = await readMessagesStream(await post(first));
    const call = turn1.content.find((b) => b.type === 'tool_use')!;
    const loop = [
      ...(first.messages as Json[]),
      { role: 'assistant', content: turn1.content },
      { role: 'user', content: [
        { type: 'tool_result', tool_use_id: call.id, content: 'Sunny, 22 C' },
        { type: 'text', text: '<system-reminder>The TodoWrite tool hasn\'t been used recently.</system-reminder>' },
      ] },
    ];
    h.up.next(strictDeepSeek(thinksThenAnswers('Sunny.')));
    const turn2 = await readMessagesStream(await post({ ...first, messages: loop }));
    expect(turn2.content.find((b) => b.type === 'text')?.text).toBe('Sunny.');
    expect(callTurns(1).map((m) => m.reasoning_content)).toEqual(['I should run curl.']);
  });
});

describe('Gemini CLI → deepseek-reasoner', () => {
  test('a call whose reasoning the client never kept goes with an empty reasoning_content', async () => {
    h.up.next(strictDeepSeek(thinksThenAnswers('Two files.')));
    const text = await geminiCliToolTurn(h, 'deepseek/deepseek-reasoner');
    expect(text).toBe('Two files.');
    expect(callTurns(0).map((m) => m.reasoning_content)).toEqual(['']);
  });
});

describe('OpenAI Chat clients → deepseek (passthrough lane)', () => {
  test('a developer message (OpenAI\'s role for reasoning models) goes as system: DeepSeek does not know the role', async () => {
    h.up.next(strictDeepSeek(thinksThenAnswers('Hello.')));
    const oai = new OpenAI({ apiKey: h.gw.key, baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
    const stream = await oai.chat.completions.create({
      model: 'deepseek/deepseek-reasoner', stream: true,
      messages: [{ role: 'developer', content: 'Answer in one word.' }, { role: 'user', content: 'Greet me.' }],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello.');
    expect((h.up.requests[0]!.body.messages as Json[]).map((m) => m.role)).toEqual(['system', 'user']);
  });

  test('content as a list of text parts (Cline, Roo, Qwen Code) goes as one string, per message', async () => {
    h.up.next(strictDeepSeek(thinksThenAnswers('Done.')));
    const oai = new OpenAI({ apiKey: h.gw.key, baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
    const stream = await oai.chat.completions.create({
      model: 'deepseek/deepseek-chat', stream: true,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'You are Cline.' }] },
        { role: 'user', content: [{ type: 'text', text: '<task>fix it</task>' }, { type: 'text', text: '<environment_details>…</environment_details>' }] },
      ],
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Done.');
    expect((h.up.requests[0]!.body.messages as Json[]).map((m) => m.content)).toEqual([
      'You are Cline.', '<task>fix it</task>\n\n<environment_details>…</environment_details>',
    ]);
  });
});
