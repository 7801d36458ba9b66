import { expect, test } from 'bun:test';
import { fitToolCallId, toToolUseId } from './tool-use-id.ts';

test('characters outside [A-Za-z0-9_-] become _, the same way every time; valid ids are kept', () => {
  expect(toToolUseId('toolu_01AbC-9')).toBe('toolu_01AbC-9');
  expect(toToolUseId('functions.get_weather:0')).toBe('functions_get_weather_0');
  expect(toToolUseId('call_ns.tool_1')).toBe(toToolUseId('call_ns.tool_1'));
  expect(toToolUseId('')).toBe('toolu_');
});

test('ids over a limit are fitted by a hash, not cut: ids that share their start stay apart; the same id gives the same result', () => {
  const a = `codex_mcp__codex_apps__google_calendar.search_events_with_attendees_exec-${'1'.repeat(36)}`;
  const b = `codex_mcp__codex_apps__google_calendar.search_events_with_attendees_exec-${'2'.repeat(36)}`;
  expect(fitToolCallId(a, 64)).toMatch(/^call_[0-9a-f]{32}$/);
  expect(fitToolCallId(a, 64)).not.toBe(fitToolCallId(b, 64));
  expect(fitToolCallId(a, 64)).toBe(fitToolCallId(a, 64));
  expect(fitToolCallId('toolu_short', 64)).toBe('toolu_short');
  expect(fitToolCallId(a, 20)).toHaveLength(20);
});
