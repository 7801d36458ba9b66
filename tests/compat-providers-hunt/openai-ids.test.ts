/**
 * A session that began elsewhere carries tool call ids other tools and gateways made, which can
 * pass the 40 characters OpenAI takes (83 seen: openclaw#875; 44: Portkey#1062). With the
 * `openai` preset such ids are fitted, the same way for a call and its result; ids that fit
 * are sent as they are.
 */
import { expect, test } from 'bun:test';
import { openaiCompletion } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useCompatHunt } from './compat-hunt.ts';
import { strictOpenAIIds } from './strict-compat-upstreams.ts';

type Json = Record<string, any>;

const hunt = useCompatHunt(`
providers:
  openai: { preset: openai, base_url: UPSTREAM/v1, keys: [sk-openai-upstream-1], allow_private_network: true }
`);

test('an 83-character id from another tool is fitted to 40 for the call and its result; a short one is kept', async () => {
  hunt.h.up.next(strictOpenAIIds(openaiCompletion({ content: 'Both read.' }, 'stop')));
  const long = `toolu_vrtx_${'x'.repeat(72)}`;
  const r = await hunt.oai.chat.completions.create({
    model: 'openai/gpt-4.1',
    tools: [{ type: 'function', function: { name: 'read', parameters: { type: 'object', properties: {} } } }],
    messages: [
      { role: 'user', content: 'Read a and b.' },
      { role: 'assistant', content: null, tool_calls: [
        { id: long, type: 'function', function: { name: 'read', arguments: '{"path":"a"}' } },
        { id: 'call_short1', type: 'function', function: { name: 'read', arguments: '{"path":"b"}' } },
      ] },
      { role: 'tool', tool_call_id: long, content: 'A' },
      { role: 'tool', tool_call_id: 'call_short1', content: 'B' },
    ],
  });
  expect(r.choices[0]!.message.content).toBe('Both read.');
  const sent = hunt.h.up.requests[0]!.body.messages as Json[];
  const [fitted, kept] = sent[1]!.tool_calls.map((c: Json) => c.id);
  expect(fitted.length).toBeLessThanOrEqual(40);
  expect(kept).toBe('call_short1');
  expect([sent[2]!.tool_call_id, sent[3]!.tool_call_id]).toEqual([fitted, 'call_short1']);
});
