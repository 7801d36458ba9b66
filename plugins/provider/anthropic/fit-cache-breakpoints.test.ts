import { expect, test } from 'bun:test';
import { withinCacheBreakpoints } from './fit-cache-breakpoints.ts';

const cc = { type: 'ephemeral' };

test('the request-level mark counts and stays; marks inside a tool result count; the earliest beyond 4 go', () => {
  const body = {
    cache_control: cc,
    tools: [{ name: 't', input_schema: {}, cache_control: cc }],
    system: [{ type: 'text', text: 's', cache_control: cc }],
    messages: [
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: [{ type: 'text', text: 'r', cache_control: cc }] }] },
      { role: 'assistant', content: 'plain' },
      { role: 'user', content: [{ type: 'text', text: 'q', cache_control: cc }] },
    ],
  };
  const out = withinCacheBreakpoints(body) as typeof body;
  expect(out.cache_control).toEqual(cc);
  expect(out.tools[0] as unknown).toEqual({ name: 't', input_schema: {} });
  expect(out.system[0]).toEqual({ type: 'text', text: 's', cache_control: cc });
  expect(out.messages[1]).toBe(body.messages[1]);
  expect(out.messages[2]).toBe(body.messages[2]);
  expect(withinCacheBreakpoints(out)).toBe(out);
});
