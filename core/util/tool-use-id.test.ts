import { expect, test } from 'bun:test';
import { toToolUseId } from './tool-use-id.ts';

test('characters outside [A-Za-z0-9_-] become _, the same way every time; valid ids are kept', () => {
  expect(toToolUseId('toolu_01AbC-9')).toBe('toolu_01AbC-9');
  expect(toToolUseId('functions.get_weather:0')).toBe('functions_get_weather_0');
  expect(toToolUseId('call_ns.tool_1')).toBe(toToolUseId('call_ns.tool_1'));
  expect(toToolUseId('')).toBe('toolu_');
});
