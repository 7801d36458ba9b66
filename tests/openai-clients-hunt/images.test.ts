import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { IMAGES, lastValidBody, startHunt, UPSTREAMS, type Hunt, type UpstreamKind } from './hunt-kit.ts';

/**
 * Images as OpenAI Chat clients send them: `image_url` data URLs whose media type the client
 * wrote from a file name or a clipboard (OpenAI reads the bytes and never minds the label), and
 * http URLs. Anthropic refuses a label that does not match the bytes ("Image does not match the
 * provided media type image/png") and, like Gemini, the non-standard `image/jpg`.
 */
let h: Hunt;
beforeAll(async () => { h = await startHunt(); });
afterAll(() => h.stop());

type Json = Record<string, unknown>;

/** The media type each upstream received for the request's only inline image. */
function sentImageType(up: UpstreamKind, body: Json): string {
  const text = JSON.stringify(body);
  if (up === 'anthropic') return /"media_type":"([^"]+)"/.exec(text)?.[1] ?? '';
  if (up === 'gemini') return /"inlineData":\{"mimeType":"([^"]+)"/.exec(text)?.[1] ?? '';
  return /"image_url":"data:([^;]+);base64,/.exec(text)?.[1] ?? '';
}

async function sendImage(up: UpstreamKind, url: string, stream: boolean): Promise<void> {
  const content = [{ type: 'text' as const, text: 'What is in this screenshot?' }, { type: 'image_url' as const, image_url: { url } }];
  if (stream) {
    const s = await h.client.chat.completions.create({ model: h.model(up), stream: true, messages: [{ role: 'user', content }] });
    for await (const _ of s) { /* drained */ }
  } else {
    const r = await h.client.chat.completions.create({ model: h.model(up), messages: [{ role: 'user', content }] });
    expect(r.choices[0].finish_reason).toBe('stop');
  }
}

describe.each(UPSTREAMS)('images to %s', (up) => {
  test('a JPEG screenshot labelled image/png goes under its real type', async () => {
    await sendImage(up, `data:image/png;base64,${IMAGES.jpeg}`, true);
    expect(sentImageType(up, lastValidBody(h, up))).toBe('image/jpeg');
  });

  test('data:image/jpg (a type named after the file extension) goes as image/jpeg', async () => {
    await sendImage(up, `data:image/jpg;base64,${IMAGES.jpeg}`, false);
    expect(sentImageType(up, lastValidBody(h, up))).toBe('image/jpeg');
  });

  test('a correctly labelled PNG keeps its type; bytes of no image format keep their label, or toward Anthropic become a line of text', async () => {
    await sendImage(up, `data:image/png;base64,${IMAGES.png}`, false);
    expect(sentImageType(up, lastValidBody(h, up))).toBe('image/png');
    // Bytes that are none of the common formats: the client's label is all there is. An API that
    // decodes images refuses them (the image-repair plugin sets that right); toward Anthropic,
    // which takes four formats only, the image is left out before the request goes.
    await sendImage(up, 'data:image/webp;base64,AAAAAAAAAAAAAAAA', false).catch(() => undefined);
    if (up !== 'anthropic') return expect(sentImageType(up, h.bodies(up).at(-1) as Json)).toBe('image/webp');
    const body = JSON.stringify(lastValidBody(h, up));
    expect(body).not.toContain('"type":"image"');
    expect(body).toContain('could not be read as an image');
  });

  test('an http(s) image URL is passed by reference', async () => {
    await sendImage(up, 'https://example.com/diagram.png', true);
    const body = JSON.stringify(lastValidBody(h, up));
    expect(body).toContain('https://example.com/diagram.png');
    expect(body).not.toContain('base64');
  });
});
