import type { Timeouts } from '../plugin/types.ts';

/**
 * Limits used when neither the client options nor the request name one (nor, for providers, the
 * config). Idle: 5 minutes, as Codex waits itself: a reasoning model can think that long without
 * a byte on a stream.
 */
export const DEFAULT_TIMEOUTS: Readonly<Timeouts> = Object.freeze({
  connectMs: 10_000,
  firstByteMs: 60_000,
  idleMs: 300_000,
  totalMs: 600_000,
});
