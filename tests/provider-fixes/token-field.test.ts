/**
 * The output-token limit has two names, and each is refused somewhere: OpenAI's reasoning models
 * behind a proxy no preset knows refuse `max_tokens` ("Unsupported parameter: 'max_tokens' is not
 * supported with this model. Use 'max_completion_tokens' instead."), which Cline, Continue and the
 * converted lane send; a strict server refuses `max_completion_tokens`, which newer OpenAI SDK
 * clients send. The gateway sends the request once more under the name the upstream takes, and
 * the model's later requests use it at once.
 */
import { expect, test } from 'bun:test';
import { json, openaiCompletion, type Recorded, type Reply } from '../gemini-cli-hunt/scripted-upstream.ts';
import { useScriptedKit } from './scripted-kit.ts';

const kit = useScriptedKit(`
  corp: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-corp-000001], allow_private_network: true }
  local: { type: openai, base_url: "UPSTREAM/v1", keys: [sk-local-000001], allow_private_network: true }
`);

/** OpenAI's check for a reasoning model. */
function reasoningModel(reply: Reply): Reply {
  return (rec: Recorded) => 'max_tokens' in rec.body
    ? json({ error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } }, 400)(rec)
    : reply(rec);
}

/** A FastAPI server that defines only `max_tokens`. */
function strictServer(reply: Reply): Reply {
  return (rec: Recorded) => 'max_completion_tokens' in rec.body
    ? json({ detail: [{ type: 'extra_forbidden', loc: ['body', 'max_completion_tokens'], msg: 'Extra inputs are not permitted', input: rec.body.max_completion_tokens }] }, 422)(rec)
    : reply(rec);
}

const answer = openaiCompletion({ role: 'assistant', content: 'Done.' }, 'stop');

test('a client\'s max_tokens to a reasoning model behind a proxy: sent as max_completion_tokens, and the next request at once', async () => {
  kit.up.next(reasoningModel(answer), reasoningModel(answer), reasoningModel(answer));
  const ask = () => kit.openai.chat.completions.create({ model: 'corp/o4-mini', max_tokens: 2000, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
  expect((await ask()).choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([[2000, undefined], [undefined, 2000]]);
  await ask();
  expect(kit.up.requests).toHaveLength(3);
  expect(kit.up.requests[2]!.body.max_completion_tokens).toBe(2000);
});

test('Claude Code\'s max_tokens on the converted lane, to the same kind of model: served the same way', async () => {
  kit.up.next(reasoningModel(answer), reasoningModel(answer));
  const msg = await kit.anthropic.messages.create({ model: 'corp/o3', max_tokens: 8000, messages: [{ role: 'user', content: 'Hi' }] });
  expect(msg.content).toMatchObject([{ type: 'text', text: 'Done.' }]);
  expect(kit.up.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([[8000, undefined], [undefined, 8000]]);
});

test('max_completion_tokens refused by a strict server: sent as max_tokens', async () => {
  kit.up.next(strictServer(answer), strictServer(answer));
  const res = await kit.openai.chat.completions.create({ model: 'local/qwen3-coder', max_completion_tokens: 500, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }] });
  expect(res.choices[0]!.message.content).toBe('Done.');
  expect(kit.up.requests.map((r) => [r.body.max_tokens, r.body.max_completion_tokens])).toEqual([[undefined, 500], [500, undefined]]);
});
