import { describe, expect, test } from 'bun:test';
import { mapImageMediaType } from './map-image-media-type.ts';

const b64 = (bytes: number[], tail = 16) => Buffer.from([...bytes, ...new Array(tail).fill(0)]).toString('base64');

describe('mapImageMediaType', () => {
  test('the bytes decide for the four formats every upstream reads', () => {
    expect(mapImageMediaType('image/png', b64([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(mapImageMediaType('image/jpeg', b64([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('image/png');
    expect(mapImageMediaType('image/png', b64([...Buffer.from('GIF89a')]))).toBe('image/gif');
    expect(mapImageMediaType('image/png', b64([...Buffer.from('RIFF'), 1, 2, 3, 4, ...Buffer.from('WEBPVP8 ')]))).toBe('image/webp');
    expect(mapImageMediaType('application/octet-stream', b64([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
  });

  test('other bytes keep the label, image/jpg read as image/jpeg, in lower case', () => {
    expect(mapImageMediaType('image/jpg', 'AAAAAAAAAAAAAAAAAAAAAAAA')).toBe('image/jpeg');
    expect(mapImageMediaType('image/HEIC', 'AAAAAAAAAAAAAAAAAAAAAAAA')).toBe('image/heic');
    expect(mapImageMediaType('image/png', '')).toBe('image/png');
    expect(mapImageMediaType('image/png', 'not base64 at all!')).toBe('image/png');
  });
});
