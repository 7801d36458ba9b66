/**
 * The YAML a user writes for Vertex AI loads: `type: vertex` needs no base URL (the host comes
 * from `location:`), a provider named `vertex` takes the preset (its models and prices), and the
 * first run turns GOOGLE_APPLICATION_CREDENTIALS into `credentials:`, not a key.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { parseConfig } from '../../core/config/load-config.ts';
import { buildFirstRunConfig } from '../../core/config/first-run-config.ts';
import { readVertexTarget } from '../../plugins/provider/vertex/vertex-url.ts';
import { startTestGateway, type TestGateway } from '../helpers/test-gateway.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway(`
providers:
  gcp: { type: vertex, project: my-project, location: europe-west4, keys: ["ya29.exampleAccessToken0001"], models: [gemini-2.5-pro] }
  vertex: { project: my-project, keys: ["ya29.exampleAccessToken0002"] }
`);
});
afterAll(() => t?.stop());

test('type: vertex without base_url loads; location picks the host; the preset brings models and prices', () => {
  const p = t.gw.host.current.providers;
  expect(readVertexTarget(p.get('gcp')!)).toEqual({ origin: 'https://europe-west4-aiplatform.googleapis.com', location: 'europe-west4', project: 'my-project' });
  expect(readVertexTarget(p.get('vertex')!)).toEqual({ origin: 'https://aiplatform.googleapis.com', location: 'global', project: 'my-project' });
  expect(p.get('vertex')!.models).toContain('claude-sonnet-4-5@20250929');
  expect(p.get('vertex')!.pricing['gemini-2.5-pro']).toMatchObject({ input: 1.25, output: 10 });
});

test('first run: GOOGLE_APPLICATION_CREDENTIALS becomes the credentials of the vertex entry, and the file loads', () => {
  const env = { GOOGLE_APPLICATION_CREDENTIALS: '/home/me/.config/gcloud/sa.json' };
  const { text, detected } = buildFirstRunConfig(env);
  expect(detected).toEqual(['vertex']);
  expect(text).toContain('  vertex:\n    preset: vertex\n    credentials: "${GOOGLE_APPLICATION_CREDENTIALS}"\n');
  const r = parseConfig(text, 'first.yaml', env);
  if (!r.ok) throw new Error(r.error.message);
  expect(r.config.providers.vertex).toMatchObject({ preset: 'vertex', credentials: '/home/me/.config/gcloud/sa.json' });
  expect(r.config.providers.vertex).not.toHaveProperty('keys');
});
