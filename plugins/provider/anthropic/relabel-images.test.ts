import { expect, test } from 'bun:test';
import { relabelImages } from './relabel-images.ts';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...new Array(20).fill(1)]).toString('base64');
const image = (mediaType: string) => ({ type: 'image', source: { type: 'base64', media_type: mediaType, data: JPEG } });

test('undefined when every label is right, or there is no image (the body then goes as sent)', () => {
  expect(relabelImages([{ role: 'user', content: [image('image/jpeg'), { type: 'text', text: 'hi' }] }, { role: 'assistant', content: 'ok' }])).toBeUndefined();
  expect(relabelImages([{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x/y.png' } }] }])).toBeUndefined();
  expect(relabelImages('not messages')).toBeUndefined();
});

test('a wrong label is set right in a message and in a tool result; nothing given is changed', () => {
  const messages = [
    { role: 'user', content: [{ type: 'text', text: 'a' }] },
    { role: 'user', content: [image('image/png'), { type: 'tool_result', tool_use_id: 't', content: [image('image/gif'), { type: 'text', text: 'b' }] }] },
  ];
  const before = structuredClone(messages);
  const out = relabelImages(messages)!;
  expect(messages).toEqual(before);
  expect(out[0]).toBe(messages[0]);
  expect(out[1]).toEqual({
    role: 'user',
    content: [image('image/jpeg'), { type: 'tool_result', tool_use_id: 't', content: [image('image/jpeg'), { type: 'text', text: 'b' }] }],
  });
});
