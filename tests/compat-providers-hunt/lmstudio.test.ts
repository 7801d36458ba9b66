/**
 * JSON mode to LM Studio (the `lmstudio` preset): LM Studio refuses `response_format: {type:
 * json_object}`, which OpenAI SDK tools and agent frameworks send for JSON output; it goes as a
 * JSON schema that takes any object, on the passthrough lane and from another dialect alike.
 */
import { expect, test } from 'bun:test';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';
import { strictLmStudio } from './strict-compat-upstreams.ts';

const hunt = useCompatHunt(`
providers:
  lm: { preset: lmstudio, base_url: UPSTREAM/v1 }
`);

test('an OpenAI client\'s JSON mode is served', async () => {
  hunt.h.up.next(strictLmStudio(openaiCompletion({ content: '{"ok":true}' }, 'stop')));
  const r = await hunt.oai.chat.completions.create({
    model: 'lm/qwen3-8b', response_format: { type: 'json_object' },
    messages: [{ role: 'user', content: 'Answer in JSON.' }],
  });
  expect(r.choices[0]!.message.content).toBe('{"ok":true}');
  expect(hunt.h.up.requests[0]!.body.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'json_object', schema: { type: 'object' } } });
});

test('a Gemini client\'s JSON output (responseMimeType without a schema) is served', async () => {
  hunt.h.up.next(strictLmStudio(openaiCompletion({ content: '{"ok":true}' }, 'stop')));
  const r = await hunt.h.ai.models.generateContent({ model: 'lm/qwen3-8b', contents: 'Answer in JSON.', config: { responseMimeType: 'application/json' } });
  expect(r.text).toBe('{"ok":true}');
  expect((hunt.h.up.requests[0]!.body.response_format as { type: string }).type).toBe('json_schema');
});
