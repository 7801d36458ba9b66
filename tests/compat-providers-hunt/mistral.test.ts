/**
 * Coding tools routed to Mistral (the `mistral` preset), against an upstream that checks what
 * Mistral's API checks: only its own request fields (422 `extra_forbidden` for any other, such
 * as Claude Code's `user` or an OpenAI client's `max_completion_tokens`), `reasoning_effort`
 * "high" or "none", tool call ids of exactly 9 letters or digits (Claude Code's `toolu_…`, Codex's
 * `call_…`), and no user turn straight after tool results (Claude Code puts its text next to the
 * tool results it returns). Ids are fitted the same way for a call and its result, on every turn.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import { CLAUDE_CODE_HEADERS, claudeCodeRequest } from '../conformance/kit/claude-code-traffic.ts';
import { CODEX_HEADERS, codexRequest } from '../conformance/kit/codex-traffic.ts';
import { readMessagesStream, readResponsesStream } from '../conformance/kit/read-client-stream.ts';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { startHunt, type Hunt } from '../gemini-cli-hunt/start-hunt.ts';
import { geminiCliToolTurn, MISTRAL_ID, mistralCallsTool, mistralText, strictMistral } from './strict-compat-upstreams.ts';

type Json = Record<string, any>;

let h: Hunt;
let oai: OpenAI;
beforeAll(async () => {
  h = await startHunt(`
providers:
  mistral: { preset: mistral, base_url: UPSTREAM/v1, keys: [mistral-upstream-key-1], allow_private_network: true }
  plain: { type: openai, base_url: UPSTREAM/v1, keys: [mistral-upstream-key-2], allow_private_network: true, models: [mistral-small-latest] }
`);
  oai = new OpenAI({ apiKey: h.gw.key, baseURL: `${h.gw.url}/v1`, maxRetries: 0 });
});
afterAll(() => h.stop());
beforeEach(() => h.up.reset());

async function post(path: string, body: Json, headers: Record<string, string>): Promise<Response> {
  const res = await fetch(h.gw.url + path, { method: 'POST', headers, body: JSON.stringify(body) });
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  return res;
}

const claudeHeaders = () => ({ ...CLAUDE_CODE_HEADERS, 'x-api-key': h.gw.key });
const codexHeaders = () => ({ ...CODEX_HEADERS, authorization: `Bearer ${h.gw.key}` });

/** The messages Mistral received for request `i`. */
const sent = (i = 0): Json[] => h.up.requests[i]!.body.messages as Json[];

/** Every call id of the assistant messages, and every id the tool messages answer, in order. */
function ids(messages: Json[]): { calls: string[]; results: string[] } {
  return {
    calls: messages.flatMap((m) => (m.tool_calls ?? []).map((c: Json) => c.id)),
    results: messages.filter((m) => m.role === 'tool').map((m) => m.tool_call_id),
  };
}

describe('Claude Code → mistral', () => {
  test('first turn (metadata.user_id, adaptive thinking, 24 tools) is accepted; the call comes back under Mistral\'s id', async () => {
    h.up.next(strictMistral(mistralCallsTool('Bash', 'D681PevKs', { command: 'curl wttr.in/Paris' })));
    const reply = await readMessagesStream(await post('/v1/messages?beta=true', claudeCodeRequest('mistral/mistral-large-latest'), claudeHeaders()));
    expect(reply.content.find((b) => b.type === 'tool_use')).toMatchObject({ id: 'D681PevKs', name: 'Bash', input: { command: 'curl wttr.in/Paris' } });
    expect(reply.stopReason).toBe('tool_use');
    expect(h.up.requests).toHaveLength(1);
    expect(h.up.requests[0]!.body).not.toHaveProperty('user');
  });

  test('to mistral-small-latest (adjustable reasoning): the thinking goes as reasoning_effort high, in one call', async () => {
    h.up.next(strictMistral(mistralText('Hi.')), strictMistral(mistralText('Hi.')));
    const reply = await readMessagesStream(await post('/v1/messages?beta=true', claudeCodeRequest('mistral/mistral-small-latest'), claudeHeaders()));
    expect(reply.content.find((b) => b.type === 'text')?.text).toBe('Hi.');
    expect(h.up.requests.map((r) => r.body.reasoning_effort)).toEqual(['high']);
  });

  test('next turn: a toolu_ id fits Mistral\'s rule the same way for the call and its result, and the text after the result follows an assistant turn', async () => {
    const first = claudeCodeRequest('mistral/mistral-large-latest');
    const body = {
      ...first,
      messages: [
        ...(first.messages as Json[]),
        { role: 'assistant', content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'Bash', input: { command: 'curl wttr.in/Paris' } }] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: 'Sunny, 22 C' },
          { type: 'text', text: '<system-reminder>The TodoWrite tool hasn\'t been used recently.</system-reminder>' },
        ] },
      ],
    };
    h.up.next(strictMistral(mistralText('Sunny in Paris.')), strictMistral(mistralText('Sunny in Paris.')));
    const reply = await readMessagesStream(await post('/v1/messages?beta=true', body, claudeHeaders()));
    expect(reply.content.filter((b) => b.type === 'text').map((b) => b.text).join('')).toBe('Sunny in Paris.');

    const { calls, results } = ids(sent(0));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(MISTRAL_ID);
    expect(results).toEqual(calls);
    const roles = sent(0).map((m) => m.role);
    expect(roles.slice(roles.indexOf('tool'))).toEqual(['tool', 'assistant', 'user']);
    expect(sent(0).at(-1)!.content).toContain('TodoWrite');

    // The same history gets the same id on the next request (prompt caches keep hitting).
    await readMessagesStream(await post('/v1/messages?beta=true', body, claudeHeaders()));
    expect(ids(sent(1)).calls).toEqual(calls);
  });

  test('parallel calls with ids that differ only after 9 characters get distinct ids', async () => {
    const first = claudeCodeRequest('mistral/mistral-large-latest');
    const a = 'toolu_01AAAAAAAAAAAAAAAAAAAAAAA';
    const b = 'toolu_01AAAAAAAAAAAAAAAAAAAAAAB';
    const body = {
      ...first,
      messages: [
        ...(first.messages as Json[]),
        { role: 'assistant', content: [
          { type: 'tool_use', id: a, name: 'Read', input: { file_path: '/a' } },
          { type: 'tool_use', id: b, name: 'Read', input: { file_path: '/b' } },
        ] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: b, content: 'B' }, { type: 'tool_result', tool_use_id: a, content: 'A' }] },
      ],
    };
    h.up.next(strictMistral(mistralText('Both read.')));
    await readMessagesStream(await post('/v1/messages?beta=true', body, claudeHeaders()));
    const { calls, results } = ids(sent());
    expect(new Set(calls).size).toBe(2);
    expect(results).toEqual([calls[1], calls[0]]);
    const tool = sent().filter((m) => m.role === 'tool');
    expect(tool.map((m) => m.content)).toEqual(['B', 'A']);
  });
});

describe('Codex → mistral', () => {
  test('the next turn: Codex\'s call_ id fits, for the call and its output; reasoning.effort medium is not sent', async () => {
    const first = codexRequest('mistral/codestral-latest');
    const body = {
      ...first,
      input: [
        ...(first.input as Json[]),
        { type: 'function_call', call_id: 'call_n7Jx2ZQ1v3LmP9tR8sK4aB6c', name: 'shell', arguments: JSON.stringify({ command: ['curl', 'wttr.in/Paris'] }) },
        { type: 'function_call_output', call_id: 'call_n7Jx2ZQ1v3LmP9tR8sK4aB6c', output: 'Sunny, 22 C' },
      ],
    };
    h.up.next(strictMistral(mistralCallsTool('update_plan', 'Xy12Ab34C', { plan: [{ step: 'done', status: 'completed' }] })));
    const reply = await readResponsesStream(await post('/v1/responses', body, codexHeaders()));
    const output = reply.output as Json[];
    expect(output.find((i) => i.type === 'function_call')).toMatchObject({ call_id: 'Xy12Ab34C', name: 'update_plan' });
    const { calls, results } = ids(sent());
    expect(calls[0]).toMatch(MISTRAL_ID);
    expect(results).toEqual(calls);
    expect(h.up.requests[0]!.body).not.toHaveProperty('reasoning_effort');
  });
});

describe('Gemini CLI → mistral', () => {
  test('thinkingBudget -1 and a function call without id: accepted, the call and its response under one valid id', async () => {
    h.up.next(strictMistral(mistralText('Two files.')));
    const text = await geminiCliToolTurn(h, 'mistral/mistral-large-latest');
    expect(text).toBe('Two files.');
    const { calls, results } = ids(sent());
    expect(calls[0]).toMatch(MISTRAL_ID);
    expect(results).toEqual(calls);
  });

  test('an entry without the preset: Mistral\'s 422 names reasoning_effort inside its detail list, so it goes once more without it', async () => {
    h.up.next(strictMistral(openaiCompletion({ content: 'Hi.' }, 'stop')), strictMistral(openaiCompletion({ content: 'Hi.' }, 'stop')));
    const r = await h.ai.models.generateContent({ model: 'plain/mistral-small-latest', contents: 'Hello', config: { thinkingConfig: { thinkingBudget: -1 } } });
    expect(r.text).toBe('Hi.');
    expect(h.up.requests.map((q) => q.body.reasoning_effort)).toEqual(['medium', undefined]);
  });
});

describe('OpenAI Chat clients → mistral (passthrough lane)', () => {
  test('max_completion_tokens goes as max_tokens and call_ ids fit', async () => {
    h.up.next(strictMistral(openaiCompletion({ content: 'Done.' }, 'stop')));
    const r = await oai.chat.completions.create({
      model: 'mistral/mistral-large-latest',
      max_completion_tokens: 256,
      messages: [
        { role: 'user', content: 'Read a.txt' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_abc123def456', type: 'function', function: { name: 'read', arguments: '{"path":"a.txt"}' } }] },
        { role: 'tool', tool_call_id: 'call_abc123def456', content: 'hello' },
      ],
      tools: [{ type: 'function', function: { name: 'read', parameters: { type: 'object', properties: { path: { type: 'string' } } } } }],
    });
    expect(r.choices[0]!.message.content).toBe('Done.');
    const b = h.up.requests[0]!.body;
    expect(b.max_tokens).toBe(256);
    expect(b).not.toHaveProperty('max_completion_tokens');
    const { calls, results } = ids(sent());
    expect(calls[0]).toMatch(MISTRAL_ID);
    expect(results).toEqual(calls);
  });

  test('what clients replay and send beside Mistral\'s fields (an assistant message as the SDK returned it, store, service_tier) is left out, not refused', async () => {
    h.up.next(strictMistral(openaiCompletion({ content: 'Fine.' }, 'stop')));
    const r = await oai.chat.completions.create({
      model: 'mistral/mistral-large-latest',
      store: true,
      service_tier: 'auto',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.', refusal: null, annotations: [], reasoning_content: 'The user greets me.' } as OpenAI.ChatCompletionMessageParam,
        { role: 'user', content: 'How are you?' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('Fine.');
    const b = h.up.requests[0]!.body;
    expect(b).not.toHaveProperty('store');
    expect(b).not.toHaveProperty('service_tier');
    expect(sent()[1]).toEqual({ role: 'assistant', content: 'Hello.' });
  });

  test('a field Mistral refuses (an entry without the preset) goes as its 422 names it, and the request is served', async () => {
    const fine = strictMistral(openaiCompletion({ content: 'Fine.' }, 'stop'));
    h.up.next(fine, fine);
    const r = await oai.chat.completions.create({
      model: 'plain/mistral-small-latest',
      messages: [
        { role: 'user', content: 'Hi' },
        { role: 'assistant', content: 'Hello.', reasoning_content: 'The user greets me.' } as OpenAI.ChatCompletionMessageParam,
        { role: 'user', content: 'How are you?' },
      ],
    });
    expect(r.choices[0]!.message.content).toBe('Fine.');
    expect(h.up.requests).toHaveLength(2);
    expect((h.up.requests[1]!.body.messages as Array<Record<string, unknown>>)[1]).toEqual({ role: 'assistant', content: 'Hello.' });
  });
});
