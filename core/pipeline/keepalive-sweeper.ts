import { SlotSet } from '../util/slot-set.ts';

/** Where keep-alive frames go: a stream controller, or an adapter over one. */
export interface FrameSink {
  enqueue(frame: Uint8Array): void;
}

/** How to keep one SSE stream alive. */
export interface KeepaliveSpec {
  ms: number;
  frame: string;
}

/** One watched stream: `wrote` after each chunk, `stop` at the end. */
export interface KeepaliveWatch {
  attach(ctl: FrameSink): void;
  wrote(): void;
  stop(): void;
}

const TICK_MS = 250;
const encoder = new TextEncoder();

interface Entry {
  slot: number;
  ctl?: FrameSink;
  lastWrite: number;
  ms: number;
  frame: Uint8Array;
}

/**
 * Keep-alive comments for silent SSE streams, from one shared interval: per chunk the cost is
 * a timestamp write, instead of a timer per read. A stream silent for its interval gets its
 * frame enqueued (the controller accepts it while a read is pending).
 */
class KeepaliveSweeper {
  private readonly live = new SlotSet<Entry>();
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Encoded frames by text (one in practice): not encoded again for every stream. */
  private readonly frames = new Map<string, Uint8Array>();

  watch(spec: KeepaliveSpec): KeepaliveWatch {
    let frame = this.frames.get(spec.frame);
    if (!frame) {
      if (this.frames.size >= 16) this.frames.clear();
      this.frames.set(spec.frame, (frame = encoder.encode(spec.frame)));
    }
    const e: Entry = { slot: -1, lastWrite: performance.now(), ms: spec.ms, frame };
    this.live.add(e);
    if (this.timer === undefined) {
      this.timer = setInterval(this.tick, Math.min(TICK_MS, spec.ms));
      this.timer.unref?.();
    }
    return {
      attach: (ctl) => void (e.ctl = ctl),
      wrote: () => void (e.lastWrite = performance.now()),
      stop: () => void this.live.delete(e),
    };
  }

  private readonly tick = (): void => {
    if (this.live.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = performance.now();
    this.live.forEach((e) => {
      if (!e.ctl || now - e.lastWrite < e.ms) return;
      e.lastWrite = now;
      try {
        e.ctl.enqueue(e.frame);
      } catch {
        this.live.delete(e); // closed meanwhile
      }
    });
  };
}

/** The process-wide keep-alive sweeper. */
export const keepalives = new KeepaliveSweeper();
