/**
 * Cursor in agent mode, asked for a Claude model through its "Override OpenAI Base URL", sends
 * Anthropic's shapes to `/v1/chat/completions`: tools as `{name, description, input_schema}`,
 * its tool calls as `tool_use` blocks of the assistant's content, their results as `tool_result`
 * blocks of the user's (CLIProxyAPI #3805, vibeproxy #411, the Cursor forum's "Wrong tools handling
 * on OpenAI compatible endpoint"). Every tool turn failed. The gateway reads them as the Chat
 * shapes they mean, on the translated lanes and on the passthrough lane (an OpenAI-compatible
 * upstream gets a valid Chat body), and each upstream checks what it received.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { lastValidBody, startHunt, UPSTREAMS, type Hunt } from './hunt-kit.ts';

type Json = Record<string, any>;

/** Cursor's second turn of a tool loop, as it sends it for a Claude model. */
function cursorBody(model: string, stream: boolean): Json {
  return {
    model, stream, max_tokens: 4096,
    tools: [
      { name: 'read_file', description: 'Read a file of the workspace', input_schema: { type: 'object', properties: { target_file: { type: 'string' } }, required: ['target_file'] } },
      { name: 'run_terminal_cmd', description: 'Run a command', input_schema: { type: 'object', properties: { command: { type: 'string' }, is_background: { type: 'boolean' } }, required: ['command', 'is_background'] } },
    ],
    messages: [
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: [{ type: 'text', text: 'What does the README say?' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }, { type: 'tool_use', id: 'toolu_01A', name: 'read_file', input: { target_file: 'README.md' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A', content: [{ type: 'text', text: '# Switchyard\nA gateway.' }] }, { type: 'text', text: 'Summarize it.' }] },
    ],
  };
}

let h: Hunt;
beforeAll(async () => {
  h = await startHunt();
});
afterAll(() => h.stop());

describe.each(UPSTREAMS)('translated to %s', (up) => {
  test.each([false, true])('stream %p: answered, and the upstream gets the call and its result in its own shape', async (stream) => {
    const res = await h.gw.fetch('/v1/chat/completions', { method: 'POST', json: cursorBody(h.model(up), stream) });
    const text = await res.text();
    expect({ status: res.status, text: res.status === 200 ? '' : text }).toEqual({ status: 200, text: '' });
    const sent = JSON.stringify(lastValidBody(h, up));
    expect(sent).toContain('A gateway.');
    expect(sent).toContain('README.md');
    expect(sent).toContain('run_terminal_cmd');
  });
});

describe('passthrough to an OpenAI-compatible upstream', () => {
  let mock: MockOpenAI;
  let t: TestGateway;
  beforeAll(async () => {
    mock = await startMockOpenAI({ apiKey: 'sk-oai-cursor-1' });
    t = await startTestGateway(`providers:
  oai: { type: openai, base_url: "${mock.url}", keys: [sk-oai-cursor-1], allow_private_network: true }
`);
  });
  afterAll(async () => {
    await t.stop();
    await mock.stop();
  });

  test('the upstream gets the Chat shapes: function tools, tool_calls, a tool message before the rest of the turn', async () => {
    const res = await t.fetch('/v1/chat/completions', { method: 'POST', json: cursorBody('oai/gpt-4.1', false) });
    expect(res.status).toBe(200);
    const sent = mock.requests.at(-1)!.body as Json;
    expect(sent.tools[0]).toEqual({ type: 'function', function: { name: 'read_file', description: 'Read a file of the workspace', parameters: { type: 'object', properties: { target_file: { type: 'string' } }, required: ['target_file'] } } });
    expect(sent.messages.slice(2)).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }], tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'read_file', arguments: '{"target_file":"README.md"}' } }] },
      { role: 'tool', tool_call_id: 'toolu_01A', content: '# Switchyard\nA gateway.' },
      { role: 'user', content: [{ type: 'text', text: 'Summarize it.' }] },
    ]);
  });
});
