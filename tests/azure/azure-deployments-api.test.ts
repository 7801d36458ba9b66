/**
 * The other ways to address an Azure resource: a dated `api_version:` selects the deployments
 * API (`/openai/deployments/{deployment}/…?api-version=…`), `api_version: preview` the v1 API's
 * preview surface, and a base URL pasted from the portal with its `/openai/v1` path still works.
 * Embeddings and images go the same ways. A client-chosen model that cannot be a deployment name
 * never reaches the URL path.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import type { MockAzure } from '../helpers/mock-azure.ts';
import { azureEntry, startAzureKit, type AzureKit } from './azure-kit.ts';

let kit: AzureKit;
let azure: MockAzure;
let openai: OpenAI;

beforeAll(async () => {
  kit = await startAzureKit((endpoint) => [
    `  dated: ${azureEntry(endpoint, 'api_version: "2024-10-21", deployments: { gpt-5-mini: prod-mini }')}`,
    `  preview: ${azureEntry(endpoint, 'api_version: preview')}`,
    `  pasted: ${azureEntry(`${endpoint}/openai/v1/`)}`,
  ].join('\n'));
  ({ azure, openai } = kit);
});
afterAll(() => kit.stop());
beforeEach(() => azure.reset());

const ask = (model: string, content = 'hi there') => openai.chat.completions.create({ model, messages: [{ role: 'user', content }] });

describe('deployments API (dated api_version)', () => {
  test('chat goes to the deployment\'s path with the api-version', async () => {
    expect((await ask('dated/gpt-4.1', 'classic')).choices[0]!.message.content).toBe('classic');
    expect(azure.requests[0]!.path).toBe('/openai/deployments/gpt-4.1/chat/completions?api-version=2024-10-21');
  });

  test('a mapped model uses its deployment in the path', async () => {
    await ask('dated/gpt-5-mini');
    expect(azure.requests[0]!.path).toBe('/openai/deployments/prod-mini/chat/completions?api-version=2024-10-21');
  });

  test('streams too', async () => {
    const stream = await openai.chat.completions.create({ model: 'dated/gpt-4.1', stream: true, messages: [{ role: 'user', content: 'one two three' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('one two three');
    expect(azure.requests[0]!.path).toBe('/openai/deployments/gpt-4.1/chat/completions?api-version=2024-10-21');
  });

  test('a model name that is no deployment name is refused before any call', async () => {
    const err = await ask('dated/../../admin').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain('is not an Azure deployment name');
    expect(azure.requests).toHaveLength(0);
  });

  test('embeddings go to the deployment\'s /embeddings', async () => {
    const res = await openai.embeddings.create({ model: 'dated/text-embedding-3-small', input: ['alpha', 'beta'] });
    expect(res.data).toHaveLength(2);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
    expect(azure.requests[0]!.path).toBe('/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21');
  });
});

describe('images', () => {
  test('an image goes to /images/generations of the deployment (dated) or with the deployment as model (v1)', async () => {
    const dated = await openai.images.generate({ model: 'dated/gpt-image-1', prompt: 'a lighthouse' });
    expect(dated.data?.[0]?.b64_json).toStartWith('iVBOR');
    expect(azure.requests[0]!.path).toBe('/openai/deployments/gpt-image-1/images/generations?api-version=2024-10-21');
    await openai.images.generate({ model: 'pasted/gpt-image-1', prompt: 'a harbour' });
    expect(azure.requests[1]!.path).toBe('/openai/v1/images/generations');
    expect(azure.requests[1]!.body).toMatchObject({ model: 'gpt-image-1', prompt: 'a harbour' });
  });
});

describe('v1 API', () => {
  test('api_version: preview adds ?api-version=preview to the v1 path', async () => {
    await ask('preview/gpt-4.1');
    expect(azure.requests[0]!.path).toBe('/openai/v1/chat/completions?api-version=preview');
  });

  test('a base URL pasted with /openai/v1/ reaches the same endpoint', async () => {
    expect((await ask('pasted/gpt-4.1', 'pasted')).choices[0]!.message.content).toBe('pasted');
    expect(azure.requests[0]!.path).toBe('/openai/v1/chat/completions');
  });

  test('embeddings go to /openai/v1/embeddings with the deployment as model', async () => {
    const res = await openai.embeddings.create({ model: 'pasted/text-embedding-3-small', input: 'gamma' });
    expect(res.data[0]!.embedding).toHaveLength(3);
    expect(azure.requests[0]!.path).toBe('/openai/v1/embeddings');
    expect(azure.requests[0]!.body).toMatchObject({ model: 'text-embedding-3-small', input: ['gamma'] });
  });

  test('an unknown deployment is Azure\'s 404, reported as model not found', async () => {
    const err = await ask('pasted/gpt-9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as Error).message).toContain('The API deployment for this resource does not exist');
  });
});
