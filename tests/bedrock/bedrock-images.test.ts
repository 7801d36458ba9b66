/**
 * Images given by URL to a Bedrock model: Converse takes inline bytes only, so the gateway
 * fetches each URL (SSRF policy and proxy of the provider) and sends the bytes. Official SDKs as
 * clients, the fake Bedrock runtime checking each block, a loopback file server (tests/helpers/mock-media-files.ts) counting hits.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import OpenAI from 'openai';
import type { MockBedrock } from '../helpers/mock-bedrock.ts';
import { base64 as b64, JPEG, PNG, startMediaFiles, type MediaFiles } from '../helpers/mock-media-files.ts';
import { startMockOpenAI, type MockOpenAI } from '../helpers/mock-openai-upstream.ts';
import { bedrockEntry, startBedrockKit, type BedrockKit } from './bedrock-kit.ts';

const MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const API_KEY = 'ABSKimages-apikey-QmVkcm9ja0FQSUtleS1tb2Nr';

type Json = Record<string, any>;
let kit: BedrockKit;
let mock: MockBedrock;
let backup: MockOpenAI;
let files: MediaFiles;
let img = '';
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  // '/photo': a CDN that names no useful type; the bytes say JPEG.
  files = startMediaFiles({ '/cat.png': { bytes: PNG, type: 'image/png' }, '/photo': { bytes: JPEG, type: 'application/octet-stream' } });
  img = files.url;
  backup = await startMockOpenAI({ apiKey: 'sk-backup-key-5678' });
  kit = await startBedrockKit({ apiKeys: [API_KEY] }, (url) => `
providers:
  bedrock: ${bedrockEntry(url, API_KEY, [MODEL])}
  backup: { type: openai, base_url: "${backup.url}", keys: [sk-backup-key-5678], allow_private_network: true, models: [vision] }
combos:
  ladder: { models: ["bedrock/${MODEL}", backup/vision] }
`);
  ({ mock, openai, anthropic } = kit);
});
afterAll(async () => {
  await kit.stop();
  await backup.stop();
  files.stop();
});

/** The SDK's error for a call that must fail (a success fails the test). */
const refused = (p: Promise<unknown>) => p.then(
  () => { throw new Error('expected the call to fail'); },
  (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
);
const blocksSent = () => ((mock.requests.at(-1)!.body as Json).messages as Json[]).flatMap((m) => m.content as Json[]);

describe('Bedrock: images by URL are fetched and sent inline', () => {
  test('OpenAI client, image_url with an http(s) URL: Converse gets the bytes, the reply comes back', async () => {
    const from = files.hits.length;
    const r = await openai.chat.completions.create({
      model: `bedrock/${MODEL}`,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'describe it' }, { type: 'image_url', image_url: { url: `${img}/cat.png` } }] }],
    });
    expect(r.choices[0]!.message.content).toBeString();
    expect(mock.requests.at(-1)!.status).toBe(200);
    expect(blocksSent()).toContainEqual({ image: { format: 'png', source: { bytes: b64(PNG) } } });
    expect(files.hits.slice(from)).toEqual(['/cat.png']);
  });

  test('the next turn resends the image URL: served from what the gateway fetched, not fetched again', async () => {
    const from = files.hits.length;
    const r = await openai.chat.completions.create({
      model: `bedrock/${MODEL}`,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'describe it' }, { type: 'image_url', image_url: { url: `${img}/cat.png` } }] },
        { role: 'assistant', content: 'A cat.' },
        { role: 'user', content: 'what colour?' },
      ],
    });
    expect(r.choices[0]!.message.content).toBeString();
    expect(blocksSent()).toContainEqual({ image: { format: 'png', source: { bytes: b64(PNG) } } });
    expect(files.hits.slice(from)).toEqual([]);
  });

  test('Anthropic client, streamed, an image source of type url whose server names no type: sent as JPEG', async () => {
    const stream = anthropic.messages.stream({
      model: `bedrock/${MODEL}`,
      max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: `${img}/photo` } }, { type: 'text', text: 'what is it?' }] }],
    });
    const final = await stream.finalMessage();
    expect(final.content[0]!.type).toBe('text');
    expect(blocksSent()).toContainEqual({ image: { format: 'jpeg', source: { bytes: b64(JPEG) } } });
  });

  test('an image URL that cannot be fetched: 400 in the client\'s dialect, naming the URL without its query', async () => {
    const err = await refused(openai.chat.completions.create({
      model: `bedrock/${MODEL}`,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${img}/gone.png?X-Amz-Signature=canary-signature-1234` } }] }],
    }));
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(400);
    expect((err.error as Json).type).toBe('invalid_request_error');
    expect(err.message).toContain(`could not fetch the image at ${img}/gone.png: it answered HTTP 404`);
    expect(JSON.stringify(err.error)).not.toContain('canary-signature');
  });

  test('in a combo, an image Bedrock cannot get moves on to a target that takes URLs itself', async () => {
    const before = backup.requests.length;
    const r = await openai.chat.completions.create({
      model: 'ladder',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `${img}/gone.png` } }, { type: 'text', text: 'hi' }] }],
    });
    expect(r.choices[0]!.message.content).toBeString();
    const sent = backup.requests.slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.body)).toContain(`${img}/gone.png`);
  });

  test('the metadata address is never fetched, whatever the provider allows', async () => {
    const err = await refused(openai.chat.completions.create({
      model: `bedrock/${MODEL}`,
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/latest/meta-data/iam/security-credentials/' } }] }],
    }));
    expect(err.status).toBe(400);
    expect(err.message).toContain('its address is private or reserved');
  });
});
