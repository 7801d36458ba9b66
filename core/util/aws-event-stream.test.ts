import { describe, expect, test } from 'bun:test';
import {
  AwsEventStreamError, awsHeaderString, createAwsEventStreamDecoder, encodeAwsEventMessage, type AwsEventMessage,
} from './aws-event-stream.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

function event(type: string, payload: unknown): Uint8Array {
  return encodeAwsEventMessage({ ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' }, JSON.stringify(payload));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const summary = (m: AwsEventMessage) => [awsHeaderString(m, ':event-type'), dec.decode(m.payload)];

describe('AWS event-stream decoder', () => {
  const frames = [
    event('assistantResponseEvent', { content: 'Hel' }),
    event('assistantResponseEvent', { content: 'lo ✓' }),
    event('toolUseEvent', { toolUseId: 't1', name: 'get', input: '{"a":1}', stop: true }),
    encodeAwsEventMessage({ ':message-type': 'event', ':event-type': 'empty' }, new Uint8Array(0)),
  ];
  const stream = concat(frames);
  const expected = [
    ['assistantResponseEvent', '{"content":"Hel"}'],
    ['assistantResponseEvent', '{"content":"lo ✓"}'],
    ['toolUseEvent', '{"toolUseId":"t1","name":"get","input":"{\\"a\\":1}","stop":true}'],
    ['empty', ''],
  ];

  test('a whole buffer yields every message, in order', () => {
    const d = createAwsEventStreamDecoder();
    expect(d.push(stream).map(summary)).toEqual(expected);
    expect(d.pending()).toBe(0);
  });

  test('split at every byte boundary (two pieces) the same messages come out', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = createAwsEventStreamDecoder();
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))];
      expect(got.map(summary)).toEqual(expected);
      expect(d.pending()).toBe(0);
    }
  });

  test('fed one byte at a time, each message appears exactly when its last byte arrives', () => {
    const d = createAwsEventStreamDecoder();
    const got: AwsEventMessage[] = [];
    const at: number[] = [];
    for (let i = 0; i < stream.length; i++) {
      for (const m of d.push(stream.subarray(i, i + 1))) {
        got.push(m);
        at.push(i + 1);
      }
    }
    expect(got.map(summary)).toEqual(expected);
    let offset = 0;
    const ends = frames.map((f) => (offset += f.length));
    expect(at).toEqual(ends);
  });

  test('a truncated stream leaves its partial message pending', () => {
    const d = createAwsEventStreamDecoder();
    expect(d.push(stream.subarray(0, stream.length - 5))).toHaveLength(3);
    expect(d.pending()).toBeGreaterThan(0);
  });

  test('a corrupted payload byte fails the message CRC', () => {
    const bad = event('assistantResponseEvent', { content: 'hello' });
    bad[bad.length - 8] ^= 0x01;
    expect(() => createAwsEventStreamDecoder().push(bad)).toThrow(AwsEventStreamError);
    expect(() => createAwsEventStreamDecoder().push(bad)).toThrow(/message CRC/);
  });

  test('the messages before a corrupted frame in the same chunk are not lost', () => {
    const bad = event('assistantResponseEvent', { content: 'broken' });
    bad[bad.length - 8] ^= 0x01;
    const err = (() => {
      try {
        createAwsEventStreamDecoder().push(concat([frames[0]!, frames[1]!, bad]));
      } catch (e) {
        return e as AwsEventStreamError;
      }
    })();
    expect(err).toBeInstanceOf(AwsEventStreamError);
    expect(err!.messages.map(summary)).toEqual(expected.slice(0, 2));
  });

  test('a corrupted prelude fails the prelude CRC before any length is trusted', () => {
    const bad = event('assistantResponseEvent', { content: 'x' });
    bad[2] ^= 0x40; // total length now claims ~4 MB
    expect(() => createAwsEventStreamDecoder().push(bad)).toThrow(/prelude CRC/);
  });

  test('a prelude with a valid CRC but impossible lengths is refused', () => {
    const bogus = new Uint8Array(12);
    const v = new DataView(bogus.buffer);
    v.setUint32(0, 8); // shorter than the 16-byte minimum
    v.setUint32(4, 0);
    v.setUint32(8, Bun.hash.crc32(bogus.subarray(0, 8)));
    expect(() => createAwsEventStreamDecoder().push(bogus)).toThrow(/impossible message lengths/);
  });

  test('every header type round-trips', () => {
    const msg = encodeAwsEventMessage({
      t: { type: 'bool', value: true }, f: { type: 'bool', value: false }, b: { type: 'byte', value: -3 },
      s: { type: 'short', value: 300 }, i: { type: 'integer', value: -70_000 }, l: { type: 'long', value: 2n ** 40n },
      bytes: { type: 'bytes', value: Uint8Array.of(1, 2, 3) }, str: 'text', ts: { type: 'timestamp', value: 1_700_000_000_123 },
      id: { type: 'uuid', value: '00112233-4455-6677-8899-aabbccddeeff' },
    }, enc.encode('{}'));
    const [m] = createAwsEventStreamDecoder().push(msg);
    expect(m!.headers).toEqual({
      t: { type: 'bool', value: true }, f: { type: 'bool', value: false }, b: { type: 'byte', value: -3 },
      s: { type: 'short', value: 300 }, i: { type: 'integer', value: -70_000 }, l: { type: 'long', value: 2n ** 40n },
      bytes: { type: 'bytes', value: Uint8Array.of(1, 2, 3) }, str: { type: 'string', value: 'text' },
      ts: { type: 'timestamp', value: 1_700_000_000_123 }, id: { type: 'uuid', value: '00112233445566778899aabbccddeeff' },
    });
    expect(awsHeaderString(m!, 'str')).toBe('text');
    expect(awsHeaderString(m!, 'i')).toBeUndefined();
  });

  test('CRC32 is the IEEE one AWS uses', () => {
    expect(Bun.hash.crc32(enc.encode('123456789'))).toBe(0xcbf43926);
  });
});
