/**
 * One mock Vertex AI, a service-account key file pointing at its token endpoint, and a gateway
 * whose `vertex` provider uses them (`type: vertex` spelled out: no preset is needed). The clock
 * is movable and shared by the gateway and the mock, so token expiry can be tested.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceAccount, startMockVertex, type MockVertex, type MockVertexOptions, type TestServiceAccount } from '../helpers/mock-vertex.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

export const PROJECT = 'test-project';
export const LOCATION = 'us-central1';
export const GEMINI = 'gemini-2.5-flash';
export const CLAUDE = 'claude-sonnet-4-5@20250929';
/** An open model (MaaS), named as Vertex's Chat Completions endpoint names it. */
export const OPEN = 'meta/llama-4-maverick-17b-128e-instruct-maas';

export interface VertexKit {
  mock: MockVertex;
  t: TestGateway;
  account: TestServiceAccount;
  keyPath: string;
  clock: { now(): number; advance(ms: number): void };
  /** The provider entry's YAML lines (indented for `providers:`), for configs that add more. */
  entry: string;
  stop(): Promise<void>;
}

export interface KitOptions {
  mock?: Partial<MockVertexOptions>;
  /** YAML appended after the `vertex` entry (more providers, routing, logging); a function when it needs the mock's address. */
  extra?: string | ((mock: MockVertex) => string);
  /** Lines added inside the `vertex` entry. */
  entryExtra?: string;
  /** YAML before `providers:` (logging…). */
  head?: string;
}

export async function startVertexKit(o: KitOptions = {}): Promise<VertexKit> {
  let offset = 0;
  const clock = { now: () => Date.now() + offset, advance: (ms: number) => void (offset += ms) };
  const account = await createServiceAccount(PROJECT);
  const mock = await startMockVertex({
    project: PROJECT, location: LOCATION, clientEmail: account.clientEmail, publicKey: account.publicKey, now: clock.now, ...o.mock,
  });
  const dir = mkdtempSync(join(tmpdir(), 'vertex-key-'));
  const keyPath = join(dir, 'service-account.json');
  writeFileSync(keyPath, JSON.stringify(account.file(mock.tokenUri), null, 2));
  const entry = `  vertex:
    type: vertex
    base_url: ${mock.url}
    allow_private_network: true
    project: ${PROJECT}
    location: ${LOCATION}
    credentials: ${keyPath}
    models: [${GEMINI}, "${CLAUDE}", ${OPEN}]
${o.entryExtra ?? ''}`;
  const t = await startTestGateway(`${o.head ?? ''}
providers:
${entry}
${typeof o.extra === 'function' ? o.extra(mock) : o.extra ?? ''}`, { now: clock.now });
  return {
    mock, t, account, keyPath, clock, entry,
    async stop() {
      await t.stop();
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What an OpenAI chat stream said of its first tool call: id, name, argument fragments, finish reason. */
export async function readToolCallStream(s: AsyncIterable<{ choices: Array<{ delta: { tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: string } }> }; finish_reason?: string | null }> }>) {
  let id = '';
  let name = '';
  const fragments: string[] = [];
  let finish: string | null | undefined;
  for await (const c of s) {
    const tc = c.choices[0]?.delta.tool_calls?.[0];
    id ||= tc?.id ?? '';
    name += tc?.function?.name ?? '';
    if (tc?.function?.arguments) fragments.push(tc.function.arguments);
    finish = c.choices[0]?.finish_reason ?? finish;
  }
  return { id, name, fragments, finish };
}
