/**
 * Stored responses through a real gateway with the `openai` SDK: `previous_response_id` served
 * by an Anthropic upstream (thinking signatures and tool use across turns), by a Responses
 * upstream on the passthrough lane, and across the two; retrieve, input items, delete, key
 * scoping, `store: false`, and a restart.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { startGateway } from '../../../core/server/start-gateway.ts';
import { startMockAnthropic, type MockAnthropic } from '../../../tests/helpers/mock-anthropic-upstream.ts';
import { defaultReply, startMockResponses, type MockResponses } from '../../../tests/helpers/mock-responses-upstream.ts';
import { lastUserText } from '../../../tests/helpers/mock-responses-replies.ts';
import { startTestGateway, type TestGateway } from '../../../tests/helpers/test-gateway.ts';

let anth: MockAnthropic;
let up: MockResponses;
let t: TestGateway;
let client: OpenAI;

const weather: OpenAI.Responses.FunctionTool = {
  type: 'function', name: 'get_weather', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

const config = () => `
providers:
  anth: { type: anthropic, base_url: "${anth.origin}", keys: [sk-ant-test-123456], allow_private_network: true }
  oai: { type: openai-responses, base_url: "${up.url}", keys: [sk-upstream-resp-1], allow_private_network: true, models: [gpt-5.4] }
`;

type AnthMessage = { role: string; content: string | Array<Record<string, unknown>> };
const anthMessages = () => (anth.lastBody() as unknown as { messages: AnthMessage[] }).messages;
/** `store` is in the wire object, not in the SDK's type. */
const storeOf = (r: OpenAI.Responses.Response) => (r as unknown as { store: boolean }).store;
const texts = (m: AnthMessage) => (typeof m.content === 'string' ? [m.content] : m.content.filter((b) => b.type === 'text').map((b) => b.text));

beforeAll(async () => {
  anth = await startMockAnthropic();
  // "search …" runs the built-in web search first, as OpenAI does with the web_search tool.
  up = await startMockResponses({
    respond: (body) => (lastUserText(body).startsWith('search ') ? { ...defaultReply(body), webSearch: lastUserText(body).slice(7) } : defaultReply(body)),
  });
  t = await startTestGateway(config());
  client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.key, maxRetries: 0 });
});
afterAll(async () => {
  await t.stop();
  await up.stop();
  await anth.stop();
});

describe('previous_response_id on a translated lane (Anthropic upstream)', () => {
  test('the second turn sends the whole conversation; the response echoes store and the previous id', async () => {
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'My name is Ada.' });
    expect(storeOf(first)).toBe(true);
    expect(first.output_text).toBe('My name is Ada.');
    const second = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'What is my name?', previous_response_id: first.id });
    expect(second.previous_response_id).toBe(first.id);
    const sent = anthMessages();
    expect(sent.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.map(texts)).toEqual([['My name is Ada.'], ['My name is Ada.'], ['What is my name?']]);
    // A third turn follows the whole chain.
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'And again?', previous_response_id: second.id });
    expect(anthMessages().map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    // Instructions are not carried over (as OpenAI): only the request's own.
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', instructions: 'Be brief.', input: 'x', previous_response_id: first.id });
    expect((anth.lastBody() as { system?: unknown }).system).toEqual([{ type: 'text', text: 'Be brief.' }]);
  });

  test('streamed thinking + tool call, then only the tool output: the signature and the call come back from the store', async () => {
    const stream = client.responses.stream({
      model: 'anth/claude-sonnet-4-5', input: 'What is the weather in Paris?', tools: [weather],
      reasoning: { effort: 'medium' }, max_output_tokens: 4096,
    });
    const first = await stream.finalResponse();
    const call = first.output.find((o) => o.type === 'function_call');
    if (call?.type !== 'function_call') throw new Error('no function call');
    await t.settled();
    // Streamed, then stored from the recorded parts: the same item ids either way.
    expect((await client.responses.retrieve(first.id)).output.map((o) => `${o.type}:${o.id}`)).toEqual(first.output.map((o) => `${o.type}:${o.id}`));
    // The client sends only the tool's answer: the mock refuses a tool_result without its
    // tool_use, and (thinking on) an assistant turn that does not start with a signed thinking block.
    const next = await client.responses.create({
      model: 'anth/claude-sonnet-4-5', tools: [weather], reasoning: { effort: 'medium' }, max_output_tokens: 4096,
      previous_response_id: first.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '18C' }],
    });
    expect(next.output_text).toBe('The tool said: 18C');
    const assistant = anthMessages()[1]!;
    expect((assistant.content as Array<{ type: string }>).map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use']);
  });

  test('retrieve gives the stored response; input_items lists the request\'s own input, paged', async () => {
    const r = await client.responses.create({
      model: 'anth/claude-sonnet-4-5',
      input: [
        { role: 'user', content: 'one' }, { role: 'assistant', content: 'two' }, { role: 'user', content: 'three' },
      ],
    });
    await t.settled();
    const got = await client.responses.retrieve(r.id);
    expect(got.id).toBe(r.id);
    expect(got.status).toBe('completed');
    expect(got.output_text).toBe('three');
    expect(got.usage?.output_tokens).toBe(r.usage?.output_tokens);
    // The stored copy names its items as the answer did.
    expect(got.output.map((o) => o.id)).toEqual(r.output.map((o) => o.id));

    // Listed as OpenAI lists them: typed messages with their content as parts.
    const text = (i: unknown) => (i as { content: Array<{ text: string }> }).content[0]!.text;
    const all = await client.responses.inputItems.list(r.id);
    expect(all.data.map(text)).toEqual(['three', 'two', 'one']);
    expect(all.data[0]).toMatchObject({ type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'three' }] });
    expect(all.data[1]).toMatchObject({ role: 'assistant', content: [{ type: 'output_text', text: 'two' }] });
    const asc = await client.responses.inputItems.list(r.id, { order: 'asc', limit: 2 });
    expect(asc.data.map(text)).toEqual(['one', 'two']);
    expect(asc.has_more).toBe(true);
    const rest = await client.responses.inputItems.list(r.id, { order: 'asc', after: asc.data[1]!.id });
    expect(rest.data.map(text)).toEqual(['three']);
    expect(rest.has_more).toBe(false);
    const bad = await t.fetch(`/v1/responses/${r.id}/input_items?limit=0`);
    expect(bad.status).toBe(400);
  });

  test('delete forgets it: retrieve is a 404, continuing it a 400', async () => {
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'forget me' });
    await t.settled();
    await client.responses.delete(r.id);
    expect(await client.responses.retrieve(r.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const err = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'x', previous_response_id: r.id }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('previous_response_id');
    expect(err.message).toContain(`Previous response with id '${r.id}' not found.`);
    const again = await t.fetch(`/v1/responses/${r.id}`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });

  test('sealed at rest: the prompt is nowhere in the database files, yet reads back', async () => {
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'my key is CANARY-7f3a9 keep it' });
    await t.settled();
    for (const f of ['responses.db', 'responses.db-wal']) {
      const file = join(t.dataDir, f);
      if (existsSync(file)) expect(readFileSync(file).toString('latin1')).not.toContain('CANARY-7f3a9');
    }
    expect((await client.responses.retrieve(r.id)).output_text).toContain('CANARY-7f3a9');
  });

  test('input_tokens counts a request, the conversation of its previous_response_id included, asking the upstream counter', async () => {
    const text = 'count me '.repeat(100);
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: text });
    await t.settled();
    const before = anth.requests.length;
    const alone = await client.responses.inputTokens.count({ model: 'anth/claude-sonnet-4-5', input: 'and this?' });
    expect(alone).toMatchObject({ object: 'response.input_tokens' });
    expect(alone.input_tokens).toBeGreaterThan(0);
    const chained = await client.responses.inputTokens.count({ model: 'anth/claude-sonnet-4-5', input: 'and this?', previous_response_id: first.id });
    // The earlier input and its echoed answer: about 2 × 900 characters more, 4 to a token.
    expect(chained.input_tokens - alone.input_tokens).toBeGreaterThan(400);
    // Each count asks the Anthropic upstream's own counter (its mock counts locally, as the estimate).
    expect(anth.requests.slice(before).map((r) => r.path)).toEqual(['/v1/messages/count_tokens', '/v1/messages/count_tokens']);
    const err = await client.responses.inputTokens.count({ model: 'm', input: 'x', previous_response_id: 'resp_nope' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const anon = await fetch(`${t.url}/v1/responses/input_tokens`, { method: 'POST', body: '{}' });
    expect(anon.status).toBe(401);
  });

  test('a response in flight while a reload replaces the plugin is still stored', async () => {
    anth.script([{ firstByteDelayMs: 300 }]);
    const pending = client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'slow one' });
    await Bun.sleep(100);
    // A new setting of the plugin itself: its instance is replaced by the reload.
    await t.writeConfig(`${config()}plugins:\n  - openai-responses: { store_ttl: 29d }\n`);
    const r = await pending;
    await t.settled();
    expect((await client.responses.retrieve(r.id)).output_text).toBe('slow one');
  });

  test('store: false keeps nothing', async () => {
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'private', store: false });
    expect(storeOf(r)).toBe(false);
    await t.settled();
    expect(await client.responses.retrieve(r.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('another client key can neither read nor continue a response', async () => {
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'mine' });
    await t.settled();
    const other = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.gw.keys.createKey({ name: 'other' }).secret, maxRetries: 0 });
    expect(await other.responses.retrieve(r.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await other.responses.inputItems.list(r.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const err = await other.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'x', previous_response_id: r.id }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((await other.responses.delete(r.id).catch((e) => e))).toBeInstanceOf(OpenAI.NotFoundError);
    expect((await client.responses.retrieve(r.id)).id).toBe(r.id);
  });

  test('a failed request stores nothing; cancel is refused (nothing runs in the background)', async () => {
    anth.script([{ status: 400 }]);
    const err = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'boom' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'ok' });
    await t.settled();
    const cancel = await t.fetch(`/v1/responses/${r.id}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(400);
    expect(((await cancel.json()) as { error: { message: string } }).error.message).toContain('background');
  });
});

describe('conversations', () => {
  test('a conversation collects every turn; the next turn gets it all, on any provider', async () => {
    const conv = await client.conversations.create({ metadata: { topic: 'parser' }, items: [{ type: 'message', role: 'user', content: 'Remember: the parser is in src/parse.ts' }] });
    expect(conv).toMatchObject({ object: 'conversation', metadata: { topic: 'parser' } });
    expect(conv.id).toStartWith('conv_');
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', conversation: conv.id, input: 'Where is the parser?' });
    expect((first as unknown as { conversation: unknown }).conversation).toEqual({ id: conv.id });
    expect(anthMessages().map(texts)).toEqual([['Remember: the parser is in src/parse.ts', 'Where is the parser?']]);
    await t.settled();
    // The second turn, on another provider: the upstream gets the seed item, turn 1 and turn 2.
    await client.responses.create({ model: 'oai/gpt-5.4', conversation: { id: conv.id }, input: 'And the tests?' });
    const body = up.requests.at(-1)!.body as { input: Array<Record<string, unknown>>; conversation?: unknown };
    expect(body.conversation).toBeUndefined();
    expect(body.input.map((i) => i.role)).toEqual(['user', 'user', 'assistant', 'user']);
    expect(body.input.every((i) => i.id === undefined)).toBe(true);
    await t.settled();
    const items = await client.conversations.items.list(conv.id, { order: 'asc' });
    expect(items.data.map((i) => (i as { role?: string }).role)).toEqual(['user', 'user', 'assistant', 'user', 'assistant']);
    expect(items.data.every((i) => typeof i.id === 'string' && i.id.length > 4)).toBe(true);
    const one = await client.conversations.items.retrieve(items.data[0]!.id!, { conversation_id: conv.id });
    expect(one).toMatchObject({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Remember: the parser is in src/parse.ts' }] });
  });

  test('items added, deleted; metadata updated; deleting the conversation ends it', async () => {
    const conv = await client.conversations.create();
    const added = await client.conversations.items.create(conv.id, { items: [{ type: 'message', role: 'user', content: 'first' }, { type: 'message', role: 'user', content: 'second' }] });
    expect(added.data).toHaveLength(2);
    await client.conversations.items.delete(added.data[0]!.id!, { conversation_id: conv.id });
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', conversation: conv.id, input: 'third' });
    expect(anthMessages().map(texts)).toEqual([['second', 'third']]);
    expect(await client.conversations.update(conv.id, { metadata: { a: 'b' } })).toMatchObject({ metadata: { a: 'b' } });
    expect(await client.conversations.delete(conv.id)).toMatchObject({ id: conv.id, deleted: true });
    expect(await client.conversations.retrieve(conv.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const gone = await client.responses.create({ model: 'anth/claude-sonnet-4-5', conversation: conv.id, input: 'x' }).catch((e) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('items are paged across after in either order, each read by its id; a reference looks in its own conversation first', async () => {
    const item = (id: string, content: string) => ({ id, type: 'message', role: 'user', content });
    // Another conversation with the same item id: not the one a reference in `conv` stands for.
    await client.conversations.create({ items: [item('pg_dup', 'elsewhere')] as never });
    const conv = await client.conversations.create();
    // `pg_dup` twice: `after` names its first place in the order listed, a lookup the oldest.
    const items = [item('pg_a', 'a'), item('pg_dup', 'dup-1'), item('pg_b', 'b'), item('pg_dup', 'dup-2'), item('pg_c', 'c')];
    expect((await t.fetch(`/v1/conversations/${conv.id}/items`, { method: 'POST', json: { items } })).status).toBe(200);
    const page = async (query: string) => {
      const res = await t.fetch(`/v1/conversations/${conv.id}/items?${query}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown> & { data: Array<{ id: string; content: Array<{ text: string }> }> };
      return { ...body, data: body.data.map((i) => `${i.id}:${i.content[0]!.text}`) };
    };
    const list = (data: string[], has_more: boolean) => ({
      object: 'list', data, first_id: data[0]?.split(':')[0] ?? null, last_id: data.at(-1)?.split(':')[0] ?? null, has_more,
    });
    expect(await page('')).toEqual(list(['pg_c:c', 'pg_dup:dup-2', 'pg_b:b', 'pg_dup:dup-1', 'pg_a:a'], false));
    expect(await page('limit=2')).toEqual(list(['pg_c:c', 'pg_dup:dup-2'], true));
    expect(await page('limit=2&after=pg_dup')).toEqual(list(['pg_b:b', 'pg_dup:dup-1'], true));
    expect(await page('after=pg_b&limit=2')).toEqual(list(['pg_dup:dup-1', 'pg_a:a'], false));
    expect(await page('after=pg_a')).toEqual(list([], false));
    expect(await page('order=asc&limit=4')).toEqual(list(['pg_a:a', 'pg_dup:dup-1', 'pg_b:b', 'pg_dup:dup-2'], true));
    expect(await page('order=asc&after=pg_dup&limit=2')).toEqual(list(['pg_b:b', 'pg_dup:dup-2'], true));
    expect(await page('order=asc&after=pg_dup&limit=3')).toEqual(list(['pg_b:b', 'pg_dup:dup-2', 'pg_c:c'], false));
    expect(await page('order=asc&after=pg_c')).toEqual(list([], false));
    const error = async (path: string) => {
      const res = await t.fetch(path);
      return { status: res.status, ...((await res.json()) as { error: { message: string; param: string | null } }).error };
    };
    expect(await error(`/v1/conversations/${conv.id}/items?after=pg_nope`))
      .toMatchObject({ status: 400, message: "Invalid value for 'after': no item 'pg_nope' in this list.", param: 'after' });
    expect(await error(`/v1/conversations/${conv.id}/items?order=up`)).toMatchObject({ status: 400, param: 'order' });
    expect(await error(`/v1/conversations/${conv.id}/items?limit=101`)).toMatchObject({ status: 400, param: 'limit' });
    expect(await error('/v1/conversations/conv_nope/items?order=up')).toMatchObject({ status: 404, param: 'conversation' });

    expect(await client.conversations.items.retrieve('pg_dup', { conversation_id: conv.id })).toMatchObject({ id: 'pg_dup', content: [{ text: 'dup-1' }] });
    expect(await error(`/v1/conversations/${conv.id}/items/pg_nope`)).toMatchObject({ status: 404, message: "Item with id 'pg_nope' not found.", param: 'item_id' });
    expect(await error('/v1/conversations/conv_nope/items/pg_a')).toMatchObject({ status: 404, param: 'conversation' });

    await client.conversations.items.create(conv.id, { items: [{ type: 'item_reference', id: 'pg_dup' } as never] });
    expect((await page('limit=1')).data).toEqual([expect.stringMatching(/^msg_[0-9a-f]{48}:dup-1$/)]);
  });

  test('belongs to its client key; cannot be combined with previous_response_id', async () => {
    const conv = await client.conversations.create();
    const other = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.gw.keys.createKey({ name: 'other-conv' }).secret, maxRetries: 0 });
    expect(await other.conversations.retrieve(conv.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await other.conversations.items.list(conv.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    expect(await other.responses.create({ model: 'anth/claude-sonnet-4-5', conversation: conv.id, input: 'x' }).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'x' });
    const both = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'y', conversation: conv.id, previous_response_id: r.id }).catch((e) => e);
    expect(both).toBeInstanceOf(OpenAI.BadRequestError);
    const bad = await t.fetch(`/v1/conversations/${conv.id}/items`, { method: 'POST', json: { items: 'nope' } });
    expect(bad.status).toBe(400);
  });
});

describe('item_reference inputs', () => {
  test('an output item of an earlier response stands in for itself, on any upstream, and is stored resolved', async () => {
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'The build uses bun.' });
    const said = first.output.find((o) => o.type === 'message');
    if (said?.type !== 'message' || !said.id) throw new Error('no message item');
    await t.settled();
    const ref = { type: 'item_reference', id: said.id } as unknown as OpenAI.Responses.ResponseInputItem;
    // No previous_response_id: found through the item index, across the key's stored responses.
    const next = await client.responses.create({
      model: 'anth/claude-sonnet-4-5', input: [{ role: 'user', content: 'Earlier:' }, ref, { role: 'user', content: 'What builds it?' }],
    });
    expect(anthMessages().map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(anthMessages().map(texts)).toEqual([['Earlier:'], ['The build uses bun.'], ['What builds it?']]);
    // The passthrough lane gets the item itself, without its id.
    await client.responses.create({ model: 'oai/gpt-5.4', input: [ref] });
    const input = (up.requests.at(-1)!.body as { input: Array<Record<string, unknown>> }).input;
    expect(input).toHaveLength(1);
    expect(input[0]).toMatchObject({ type: 'message', role: 'assistant' });
    expect(input[0]!.id).toBeUndefined();
    expect(JSON.stringify(input[0])).toContain('The build uses bun.');
    // The stored copy keeps the item, not the reference: it still reads after the first is deleted.
    await t.settled();
    await client.responses.delete(first.id);
    const listed = await client.responses.inputItems.list(next.id, { order: 'asc' });
    expect(listed.data.map((i) => i.type)).toEqual(['message', 'message', 'message']);
    expect(JSON.stringify(listed.data[1])).toContain('The build uses bun.');
    // …but the reference itself is gone with its response.
    // As OpenAI answers a reference it cannot find: 404, param "input".
    const gone = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: [ref] }).catch((e) => e);
    expect(gone).toBeInstanceOf(OpenAI.NotFoundError);
    expect((gone as InstanceType<typeof OpenAI.NotFoundError>).message).toContain(`Item with id '${said.id}' not found.`);
    expect((gone as { param?: string }).param).toBe('input');
  });

  test('input items by their listed id, conversation items, and the history being continued', async () => {
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: [{ role: 'user', content: 'a listed input' }] });
    await t.settled();
    const [listedItem] = (await client.responses.inputItems.list(first.id)).data;
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: [{ type: 'item_reference', id: listedItem!.id } as never] });
    expect(anthMessages().map(texts)).toEqual([['a listed input']]);

    const conv = await client.conversations.create({ items: [{ type: 'message', role: 'user', content: 'kept in a conversation' }] });
    const [convItem] = (await client.conversations.items.list(conv.id)).data;
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: [{ type: 'item_reference', id: convItem!.id } as never] });
    expect(anthMessages().map(texts)).toEqual([['kept in a conversation']]);

    // An item of the chain being continued: the reference repeats it after the history.
    const second = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'one', previous_response_id: first.id });
    const out = second.output.find((o) => o.type === 'message')!;
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', previous_response_id: second.id, input: [{ type: 'item_reference', id: out.id } as never] });
    expect(anthMessages().map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(anthMessages().map(texts).at(-1)).toEqual(['one', 'one']);
  });

  test('a reference added to a conversation is stored as the item it names; an unknown one is refused', async () => {
    const first = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'remember the number 42' });
    await t.settled();
    const said = first.output.find((o) => o.type === 'message')!;
    const conv = await client.conversations.create({ items: [{ type: 'item_reference', id: said.id } as never] });
    await client.conversations.items.create(conv.id, { items: [{ type: 'item_reference', id: said.id } as never] });
    const listed = await client.conversations.items.list(conv.id, { order: 'asc' });
    expect(listed.data.map((i) => i.type)).toEqual(['message', 'message']);
    // Later turns work: the stored items are whole.
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', conversation: conv.id, input: 'which number?' });
    expect(JSON.stringify(anthMessages())).toContain('remember the number 42');
    const bad = await client.conversations.items.create(conv.id, { items: [{ type: 'item_reference', id: 'msg_nope' } as never] }).catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.NotFoundError);
  });

  test('another key\'s item and an unknown id are 404s; a reference without an id is a 400 naming it', async () => {
    const mine = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'secret plan' });
    await t.settled();
    const id = mine.output[0]!.id!;
    const other = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: t.gw.keys.createKey({ name: 'other-ref' }).secret, maxRetries: 0 });
    for (const [who, input] of [
      [other, [{ type: 'item_reference', id }]],
      [client, [{ role: 'user', content: 'x' }, { type: 'item_reference', id: 'msg_nope' }]],
    ] as const) {
      const err = await who.responses.create({ model: 'anth/claude-sonnet-4-5', input: input as never }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect((err as { param?: string }).param).toBe('input');
      expect(JSON.stringify(err)).not.toContain('secret plan');
    }
    const noId = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: [{ role: 'user', content: 'x' }, { type: 'item_reference' }] as never }).catch((e) => e);
    expect(noId).toBeInstanceOf(OpenAI.BadRequestError);
    expect((noId as { param?: string }).param).toBe('input[1]');
  });
});

describe('previous_response_id on the passthrough lane and across providers', () => {
  test('a Responses upstream (streamed first turn) gets the whole input and no previous_response_id', async () => {
    // Streamed: the reply is recorded from the passthrough lane's side parser, under the upstream's id.
    const first = await client.responses.stream({ model: 'oai/gpt-5.4', input: 'hello there' }).finalResponse();
    await t.settled();
    expect((await client.responses.retrieve(first.id)).output_text).toBe(first.output_text);
    await client.responses.create({ model: 'oai/gpt-5.4', input: 'and now?', previous_response_id: first.id });
    const body = up.requests.at(-1)!.body as Record<string, unknown>;
    expect(body.previous_response_id).toBeUndefined();
    const input = body.input as Array<Record<string, unknown>>;
    expect(input.map((i) => i.type ?? 'message')).toEqual(['message', 'message', 'message']);
    expect(input.map((i) => i.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(input[1])).toContain('hello there');
  });

  test('the stored copy of a passthrough reply is the upstream\'s own output: its ids and built-in tool items', async () => {
    for (const stream of [true, false]) {
      const first = stream
        ? await client.responses.stream({ model: 'oai/gpt-5.4', input: 'search bun release notes' }).finalResponse()
        : await client.responses.create({ model: 'oai/gpt-5.4', input: 'search bun release notes' });
      const seen = first.output.map((o) => `${o.type}:${o.id}`);
      expect(seen.map((s) => s.split(':')[0])).toEqual(['web_search_call', 'message']);
      await t.settled();
      expect((await client.responses.retrieve(first.id)).output.map((o) => `${o.type}:${o.id}`)).toEqual(seen);
      // The upstream's message id is a valid reference, on any upstream.
      await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: [{ type: 'item_reference', id: first.output[1]!.id } as never] });
      expect(anthMessages().map((m) => m.role)).toEqual(['assistant']);
      // Continued on the upstream, the search item goes back with the rest.
      await client.responses.create({ model: 'oai/gpt-5.4', input: 'and then?', previous_response_id: first.id });
      const input = (up.requests.at(-1)!.body as { input: Array<Record<string, unknown>> }).input;
      expect(input.map((i) => i.type ?? 'message')).toEqual(['message', 'web_search_call', 'message', 'message']);
      // A built-in tool item keeps the id and status the API requires; the gateway's own ids are dropped.
      expect(input[1]).toMatchObject({ id: expect.stringMatching(/^ws_/), status: 'completed' });
      expect(input[2]!.id).toBeUndefined();
      expect(up.requests.at(-1)!.rejected).toBeUndefined();
    }
  });

  test('a conversation started on OpenAI continues on Anthropic', async () => {
    const first = await client.responses.create({ model: 'oai/gpt-5.4', input: 'first on openai' });
    await t.settled();
    await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'then anthropic', previous_response_id: first.id });
    expect(anthMessages().map(texts)).toEqual([['first on openai'], ['first on openai'], ['then anthropic']]);
  });
});

describe('settings and restarts', () => {
  test('stored responses survive a restart; store: false in the plugin config turns the store off', async () => {
    const r = await client.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'remember across restarts' });
    await t.settled();
    await t.gw.stop(1000);
    const gw = await startGateway({ dataDir: t.dataDir, configFile: join(t.dataDir, 'switchyard.yaml'), port: 0, host: '127.0.0.1', console: false });
    try {
      const key = gw.keys.createKey({ name: 'restart' }).secret;
      const again = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
      // A new key: the response belongs to the first one.
      expect(await again.responses.retrieve(r.id).catch((e) => e)).toBeInstanceOf(OpenAI.NotFoundError);
      const same = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: t.key, maxRetries: 0 });
      expect((await same.responses.retrieve(r.id)).output_text).toBe('remember across restarts');

      writeFileSync(join(t.dataDir, 'switchyard.yaml'), `${config()}plugins:\n  - openai-responses: { store: false }\n`);
      await gw.reload();
      const off = await same.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'x', previous_response_id: r.id }).catch((e) => e);
      expect(off).toBeInstanceOf(OpenAI.BadRequestError);
      expect(off.message).toContain('turned off');
      expect(storeOf(await same.responses.create({ model: 'anth/claude-sonnet-4-5', input: 'y' }))).toBe(false);
    } finally {
      await gw.stop(1000);
      t = await startTestGateway(config());
    }
  });
});
