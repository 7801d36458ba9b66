import { describe, expect, test } from 'bun:test';
import type { ProviderRuntime } from '../../../core/plugin/types.ts';
import { anthropicVertexCall, geminiVertexCall, readVertexTarget, vertexModelUrl, vertexOrigin } from './vertex-url.ts';

const provider = (options: Record<string, unknown>) => ({ name: 'v', options }) as unknown as ProviderRuntime;

describe('Vertex endpoints', () => {
  test('the location picks the host: global, multi-region, region', () => {
    expect(vertexOrigin('global')).toBe('https://aiplatform.googleapis.com');
    expect(vertexOrigin('eu')).toBe('https://aiplatform.eu.rep.googleapis.com');
    expect(vertexOrigin('us-east5')).toBe('https://us-east5-aiplatform.googleapis.com');
  });

  test('an explicit base_url wins (without a doubled /v1); a location that is no location name is refused', () => {
    expect(readVertexTarget(provider({ location: 'europe-west4', project: 'p' }))).toEqual({ origin: 'https://europe-west4-aiplatform.googleapis.com', location: 'europe-west4', project: 'p' });
    expect(readVertexTarget(provider({ base_url: 'http://127.0.0.1:9/v1/' })).origin).toBe('http://127.0.0.1:9');
    expect(readVertexTarget(provider({})).location).toBe('global');
    expect(() => readVertexTarget(provider({ location: 'evil.com/x' }))).toThrow(/not a Vertex AI location/);
  });

  test('model URLs: project scope or express mode; Claude\'s @ kept, anything else encoded', () => {
    const t = { origin: 'https://x', location: 'us-east5', project: 'my proj' };
    expect(vertexModelUrl(t, 'anthropic', 'claude-sonnet-4-5@20250929', 'rawPredict'))
      .toBe('https://x/v1/projects/my%20proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict');
    expect(vertexModelUrl({ origin: 'https://x', location: 'global' }, 'google', 'a/b', 'streamGenerateContent', '?alt=sse'))
      .toBe('https://x/v1/publishers/google/models/a%2Fb:streamGenerateContent?alt=sse');
  });

  test('what the delegates built → the Vertex method', () => {
    expect(anthropicVertexCall('https://x/v1/messages?beta=true', 'm', true)).toEqual({ model: 'm', method: 'streamRawPredict' });
    expect(anthropicVertexCall('https://x/v1/messages', 'm', false)).toEqual({ model: 'm', method: 'rawPredict' });
    expect(anthropicVertexCall('https://x/v1/messages/count_tokens', 'm', false)).toEqual({ model: 'count-tokens', method: 'rawPredict' });
    expect(geminiVertexCall('https://x/v1/models/gemini-2.5-pro:streamGenerateContent?alt=sse')).toEqual({ method: 'streamGenerateContent', search: '?alt=sse' });
  });
});
