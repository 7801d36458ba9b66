/**
 * Writes held until the current turn of the event loop has run its I/O callbacks, then made
 * together (one `setImmediate` for all of them), as Redis sends every client's reply just
 * before it sleeps. Used only while other requests are in flight: then more of them are being
 * served in the same turn, and writing each one's bytes at once wakes the process at the other
 * end of the socket over and over (on loopback the sender runs the receiver's wake-up; on a VM
 * that is an interrupt between cores each time). Written together, the peer wakes once for the
 * lot. A single request is never held: it would only wait for nothing.
 */
const queue: Array<() => void> = [];

/** Runs `fn` once the current turn's I/O callbacks are done, in order with the other held work. */
export function atTurnEnd(fn: () => void): void {
  queue.push(fn);
  if (queue.length === 1) setImmediate(runQueue);
}

/** Resolves once the current turn's I/O callbacks are done (see {@link atTurnEnd}). */
export function turnEnd(): Promise<void> {
  return new Promise((resolve) => atTurnEnd(resolve));
}

function runQueue(): void {
  // Work queued while the queue runs (a write that starts another) goes in the next turn.
  const n = queue.length;
  for (let i = 0; i < n; i++) {
    try {
      queue[i]!();
    } catch {
      // Each item owns its errors (a write reports through its call); one never stops the rest.
    }
  }
  queue.splice(0, n);
  if (queue.length > 0) setImmediate(runQueue);
}
