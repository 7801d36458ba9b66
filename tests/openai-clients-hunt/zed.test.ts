import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import type { ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { IMAGES, lastValidBody, readChunks, startHunt, UPSTREAMS, type Hunt } from './hunt-kit.ts';

/**
 * Zed's agent with an OpenAI-compatible provider (crates/language_models/src/provider/open_ai.rs,
 * `into_open_ai`): `temperature: 1` unless set, `max_completion_tokens`, `parallel_tool_calls:
 * false` with tools, `prompt_cache_key` (the thread id), assistant text as a part array next to
 * its `tool_calls`, and a tool whose result is an image (a screenshot) as a `tool` message whose
 * content is one `image_url` part. No `stream_options`.
 */
let h: Hunt;
beforeAll(async () => { h = await startHunt(); });
afterAll(() => h.stop());

const tools: ChatCompletionCreateParamsStreaming['tools'] = [
  { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } } },
  { type: 'function', function: { name: 'screenshot', description: 'Screenshot the preview', parameters: { type: 'object', properties: {} } } },
];

function zedBody(model: string): ChatCompletionCreateParamsStreaming {
  const body = {
    model,
    stream: true,
    temperature: 1,
    max_completion_tokens: 8192,
    parallel_tool_calls: false,
    tool_choice: 'auto',
    prompt_cache_key: 'thread-7f3a',
    tools,
    messages: [
      { role: 'system', content: 'You are a highly skilled software engineer.' },
      { role: 'user', content: 'Does the preview look right?' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Let me take a screenshot.' }],
        tool_calls: [{ id: 'call_shot1', type: 'function', function: { name: 'screenshot', arguments: '{}' } }],
      },
      // The cast: the SDK types tool content as text parts, Zed sends its image part anyway.
      { role: 'tool', tool_call_id: 'call_shot1', content: [{ type: 'image_url', image_url: { url: `data:image/png;base64,${IMAGES.png}` } }] },
    ],
  };
  return body as unknown as ChatCompletionCreateParamsStreaming;
}

describe.each(UPSTREAMS)('Zed to %s', (up) => {
  test('a screenshot returned by a tool reaches the model inside the tool result', async () => {
    const reply = await readChunks(await h.client.chat.completions.create(zedBody(h.model(up))), false);
    expect(reply.finish).toBe('stop');
    const body = lastValidBody(h, up);
    const sent = JSON.stringify(body);
    expect(sent).toContain(IMAGES.png);
    if (up === 'anthropic') {
      const result = (body.messages as Array<{ content: Array<Record<string, unknown>> }>)[2].content[0];
      expect(result).toMatchObject({ type: 'tool_result', tool_use_id: 'call_shot1', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png' } }] });
    } else if (up === 'gemini') {
      const parts = (body.contents as Array<{ parts: Array<Record<string, unknown>> }>)[2].parts;
      expect(parts[0]).toMatchObject({ functionResponse: { name: 'screenshot' } });
      expect(parts[1]).toMatchObject({ inlineData: { mimeType: 'image/png' } });
    } else {
      const output = (body.input as Array<Record<string, unknown>>).find((i) => i.type === 'function_call_output');
      expect(output).toMatchObject({ call_id: 'call_shot1', output: [{ type: 'input_image', image_url: `data:image/png;base64,${IMAGES.png}` }] });
    }
  });

  test('a text tool result next to a text-and-calls assistant turn', async () => {
    const body = zedBody(h.model(up));
    body.messages[3] = { role: 'tool', tool_call_id: 'call_shot1', content: [{ type: 'text', text: 'The page is blank.' }] };
    const reply = await readChunks(await h.client.chat.completions.create(body), false);
    expect(reply.finish).toBe('stop');
    const sent = JSON.stringify(lastValidBody(h, up));
    expect(sent).toContain('Let me take a screenshot.');
    expect(sent).toContain('The page is blank.');
  });
});
