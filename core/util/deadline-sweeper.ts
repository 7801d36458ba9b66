import { SlotSet, type Slotted } from './slot-set.ts';

/** Something with deadlines: `check` fails it when one has passed. `slot` starts at -1. */
export interface Watched extends Slotted {
  check(now: number): void;
  /** Ends it now with `reason` (the gateway is shutting down); things without a request ignore it. */
  end?(reason: unknown): void;
}

const TICK_MS = 20;

/**
 * One interval for every deadline in the process (outbound exchanges' limits, request
 * deadlines, stalled uploads), instead of two or three timers per request: arming a deadline
 * is a field write, disarming it a slot delete (see SlotSet). Precision is one tick (20 ms),
 * plenty for limits counted in seconds. The interval stops once nothing is watched and never
 * keeps the process alive.
 */
class DeadlineSweeper {
  private readonly items = new SlotSet<Watched>();
  private timer: ReturnType<typeof setInterval> | undefined;

  add(w: Watched): void {
    this.items.add(w);
    if (this.timer === undefined) {
      this.timer = setInterval(this.tick, TICK_MS);
      this.timer.unref?.();
    }
  }

  delete(w: Watched): void {
    this.items.delete(w);
  }

  /** How many things are watched now. */
  get size(): number {
    return this.items.size;
  }

  /** Ends everything watched that can be ended (`Watched.end`), with `reason`. */
  endAll(reason: unknown): void {
    const all: Watched[] = [];
    this.items.forEach((w) => all.push(w));
    for (const w of all) w.end?.(reason);
  }

  private readonly tick = (): void => {
    if (this.items.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const now = performance.now();
    this.items.forEach((w) => this.checkOne(w, now));
  };

  /**
   * One item's check. One that throws is dropped, so that it neither stops the deadlines of the
   * items after it in this tick nor throws again on every later tick.
   */
  private checkOne(w: Watched, now: number): void {
    try {
      w.check(now);
    } catch {
      this.items.delete(w);
    }
  }
}

/** The process-wide sweeper. */
export const sweeper = new DeadlineSweeper();
