/**
 * Prompt caching as the Anthropic API does it, close enough for tests: the prompt is a list of
 * blocks (tools, then system, then each message's content); each block marked `cache_control`
 * is a breakpoint, and a request-level `cache_control` adds one on the last block. A breakpoint
 * reads the longest cached prefix ending at it or up to 19 blocks before it; the prefix up to the
 * last breakpoint is written when it is new, for 5 minutes or (`ttl: "1h"`) an hour; prefixes
 * under 1024 tokens are never cached.
 *
 * @see https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
 */
import type { MessagesBody } from './mock-anthropic-replies.ts';

const MIN_TOKENS = 1024;
const LOOKBACK = 20;

type Json = Record<string, unknown>;

/** Cache reads and writes of a request, in tokens (`write1h`: the share written for an hour), or an API error message. */
export type CacheOutcome = { read: number; write: number; write1h: number } | { error: string };

/** A cache shared by the requests of one mock. */
export function createPromptCache(): (b: MessagesBody) => CacheOutcome {
  const stored = new Set<number>();
  return (b) => {
    const blocks = promptBlocks(b as unknown as Json);
    const marks: number[] = [];
    blocks.forEach((blk, i) => {
      if (blk.cache_control != null) marks.push(i);
    });
    if ((b as unknown as Json).cache_control != null && blocks.length > 0) marks.push(blocks.length - 1);
    if (marks.length > 4) return { error: `A maximum of 4 blocks with cache_control may be provided. Found ${marks.length}.` };
    if (marks.length === 0) return { read: 0, write: 0, write1h: 0 };
    const hashes: number[] = [];
    const tokens: number[] = [];
    let h = 0;
    let t = 0;
    for (const blk of blocks) {
      const { cache_control: _, ...rest } = blk;
      const json = JSON.stringify(rest);
      h = Number(Bun.hash(`${h}\u0000${json}`) % 2n ** 52n);
      t += json.length / 4;
      hashes.push(h);
      tokens.push(Math.ceil(t));
    }
    let read = 0;
    for (const m of marks) {
      for (let c = m; c >= 0 && c > m - LOOKBACK; c--) {
        if (stored.has(hashes[c]!)) {
          read = Math.max(read, tokens[c]!);
          break;
        }
      }
    }
    const last = Math.max(...marks);
    const write = tokens[last]! >= MIN_TOKENS && !stored.has(hashes[last]!) ? Math.max(0, tokens[last]! - read) : 0;
    for (const m of marks) if (tokens[m]! >= MIN_TOKENS) stored.add(hashes[m]!);
    // The write lasts as long as its breakpoint says (the request-level mark is the last block's).
    const mark = last === blocks.length - 1 && (b as unknown as Json).cache_control != null ? (b as unknown as Json).cache_control : blocks[last]!.cache_control;
    const hour = (mark as Json | undefined)?.ttl === '1h';
    return { read, write, write1h: hour ? write : 0 };
  };
}

function promptBlocks(b: Json): Json[] {
  const out: Json[] = [];
  for (const tool of (b.tools as Json[] | undefined) ?? []) out.push(tool);
  if (typeof b.system === 'string') out.push({ type: 'text', text: b.system });
  else for (const s of (b.system as Json[] | undefined) ?? []) out.push(s);
  for (const m of (b.messages as Json[] | undefined) ?? []) {
    if (typeof m.content === 'string') out.push({ type: 'text', text: m.content, role: m.role });
    else for (const blk of m.content as Json[]) out.push({ ...blk, role: m.role });
  }
  return out;
}
