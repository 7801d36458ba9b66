/**
 * `POST /v1/responses/compact` on the `codex` provider (a ChatGPT plan over the Codex backend,
 * which has the compaction endpoint at `…/backend-api/codex/responses/compact`): the request
 * goes there with the account's OAuth token and ChatGPT account id, without the `stream` and
 * `store` fields the provider forces onto its `/responses` calls; a backend without that
 * endpoint (the mock ChatGPT backend: 404) compacts by summary over its `/responses`. The
 * account is connected by the paste flow against the mock OpenAI OAuth server.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { MOCK_CHATGPT_ACCOUNT, startMockCodex, type MockCodex } from '../helpers/mock-oauth-codex.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';
import { startCodexUpstream, type CodexUpstream } from '../codex-hunt/codex-kit.ts';
import { admin, followAuthorize, waitForAccounts } from '../oauth/oauth-kit.ts';
import { compactBody, type Json } from './compact-kit.ts';

let mock: MockCodex;
let backend: CodexUpstream;
let t: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockCodex();
  backend = await startCodexUpstream();
  // `cx`: the scripted backend (it has the compaction endpoint); `cxm`: the mock backend (it has not). One login each.
  t = await startTestGateway(`
providers:
  cx: { type: codex, base_url: "${backend.origin}/backend-api/codex", allow_private_network: true, oauth: ${mock.oauthYaml()} }
  cxm: { type: codex, base_url: "${mock.baseUrl}", allow_private_network: true, oauth: ${mock.oauthYaml()} }
`);
  for (const provider of ['cx', 'cxm']) {
    const start = await admin(t, 'POST', `/api/oauth/${provider}/start`, {});
    const back = await followAuthorize(start.json.authUrl as string);
    await admin(t, 'POST', `/api/oauth/${provider}/complete`, { url: back.toString() });
    await waitForAccounts(t, provider, 1);
  }
  client = new OpenAI({ apiKey: t.key, baseURL: `${t.url}/v1`, maxRetries: 0, timeout: 10_000 });
});
afterAll(async () => {
  await t?.stop();
  await backend?.stop();
  await mock?.stop();
});

describe('compaction on the codex provider', () => {
  test('goes to the backend\'s /responses/compact with the plan\'s credentials, not streamed; the reply comes back unchanged', async () => {
    const reply = {
      id: 'resp_cx_1', object: 'response.compaction', created_at: 1767225600,
      output: [{ type: 'compaction', encrypted_content: 'gAAAAB-chatgpt-compacted' }],
      usage: { input_tokens: 900, output_tokens: 50, total_tokens: 950 },
    };
    backend.next({ json: reply });
    const body = compactBody('cx/gpt-5.1-codex');
    const compacted = await client.responses.compact(body as never);
    expect(compacted as unknown).toEqual(reply);

    const sent = backend.server.requests.at(-1)!;
    expect(sent.path).toBe('/backend-api/codex/responses/compact');
    expect(sent.headers.authorization).toMatch(/^Bearer canary-cx-at-/);
    expect(sent.headers['chatgpt-account-id']).toBe(MOCK_CHATGPT_ACCOUNT);
    expect(sent.headers.accept).toBe('application/json');
    const b = sent.body as Json;
    expect(b).not.toHaveProperty('stream');
    expect(b).not.toHaveProperty('store');
    expect(b).toMatchObject({ model: 'gpt-5.1-codex', instructions: body.instructions, input: body.input });
  });

  test('a backend without the compaction endpoint (404) compacts by summary over its /responses', async () => {
    const sent = mock.calls.length;
    const compacted = await client.responses.compact(compactBody('cxm/gpt-5.1-codex') as never);
    const calls = mock.calls.slice(sent);
    expect(calls.map((c) => c.status)).toEqual([200]);
    expect(JSON.stringify((calls[0]!.body.input as Json[]).at(-1))).toContain('handoff summary');
    const last = compacted.output.at(-1) as unknown as { role: string; content: Array<{ text: string }> };
    expect(last.role).toBe('user');
    // The mock backend echoes the last user text: the summary request itself.
    expect(last.content[0]!.text).toContain('handoff summary');
    expect(compacted.output.every((i) => i.type === 'message')).toBe(true);
  });
});
