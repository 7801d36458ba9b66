import { expect, test } from 'bun:test';
import { formatBytes } from './format-bytes.ts';

test('bytes under 1 KiB, whole KB under 1 MiB, MB with one decimal above', () => {
  expect(formatBytes(0)).toBe('0 bytes');
  expect(formatBytes(1000)).toBe('1000 bytes');
  expect(formatBytes(1024)).toBe('1 KB');
  expect(formatBytes(64 * 1024 + 700)).toBe('65 KB');
  expect(formatBytes((1 << 20) - 1)).toBe('1024 KB');
  expect(formatBytes(1 << 20)).toBe('1 MB');
  expect(formatBytes(1.5 * (1 << 20))).toBe('1.5 MB');
  expect(formatBytes(100 * (1 << 20) + 1)).toBe('100 MB');
});
