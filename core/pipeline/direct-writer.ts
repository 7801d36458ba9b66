import { keepalives, type KeepaliveSpec, type KeepaliveWatch } from './keepalive-sweeper.ts';

/**
 * Writes a response body through a Bun direct stream (`type: 'direct'`), the way every client
 * stream of the pipeline does:
 * - what is written is sent once the next read would wait (`next`, with `Bun.peek`), so what
 *   is already there (a burst of upstream chunks, the parts of one upstream read) leaves in one
 *   write, and the response head with the first of it; a queued stream made Bun send the head
 *   alone first, and awaiting a read that had arrived sent a finished reply's end apart;
 * - a write that finds the response's buffer full (a slow client) answers a promise: awaiting
 *   it before reading on is the back-pressure;
 * - for SSE, a keep-alive comment goes out whenever nothing was written for a while.
 */
export class DirectWriter {
  private unsent = false;

  constructor(readonly ctl: ReadableStreamDirectController, private readonly watch?: KeepaliveWatch) {}

  /**
   * The value of a read that has already arrived, without a turn of the event loop: what is
   * ready (the rest of an upstream read, a whole reply) is then written in the same turn and
   * leaves in one write, its end included. A read that will wait is returned as it is, after
   * sending what was written; a failed one too, to be awaited (it throws).
   */
  next<T>(read: Promise<T>): T | Promise<T> {
    const status = Bun.peek.status(read);
    if (status === 'fulfilled') return Bun.peek(read) as T;
    if (status === 'pending' && this.unsent) this.flush();
    return read;
  }

  /** Writes `data` (empty: nothing); a promise to await while the response's buffer is full. */
  write(data: Uint8Array | string | undefined): Promise<number> | undefined {
    if (data === undefined || data.length === 0) return undefined;
    const written = this.ctl.write(data);
    this.unsent = true;
    this.watch?.wrote();
    if (!(written instanceof Promise)) return undefined;
    this.flush();
    return written;
  }

  /** Sends what was written now. */
  flush(): void {
    this.unsent = false;
    this.ctl.flush();
  }

  /** Sends the rest and ends the body; with `error`, fails it (what was not sent is dropped). */
  close(error?: Error): void {
    if (error && this.unsent) this.flush();
    this.ctl.close(error);
  }
}

/**
 * A response body driven by `pull` through a DirectWriter; `cancel` runs when the client leaves
 * (its promise goes back to the stream, which handles a rejection). With `keepalive`, the body
 * is kept alive while `pull` writes nothing, until `pull` ends or the client leaves.
 */
export function directBody(
  pull: (out: DirectWriter) => Promise<void>, cancel: (reason: unknown) => Promise<void> | undefined, keepalive?: KeepaliveSpec,
): ReadableStream<Uint8Array> {
  const watch = keepalive ? keepalives.watch(keepalive) : undefined;
  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: 'direct',
    async pull(ctl) {
      watch?.attach({ enqueue: (frame) => void (ctl.write(frame), ctl.flush()) });
      try {
        await pull(new DirectWriter(ctl, watch));
      } finally {
        watch?.stop();
      }
    },
    cancel(reason) {
      watch?.stop();
      return cancel(reason);
    },
  };
  // The DOM typing in use has no overload for Bun's direct sources.
  return new ReadableStream<Uint8Array>(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
