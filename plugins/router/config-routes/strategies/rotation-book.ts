/** A candidate put first by round-robin for one request, remembered until the request ends. */
interface Pick {
  scope: string;
  key: string;
  /** The cursor value the pick was made under; outcomes of older picks are ignored. */
  cursor: number;
  sticky: number;
}

interface Rotation {
  cursor: number;
  successes: number;
}

/** Requests remembered at most; beyond it the oldest are forgotten (a lost terminal event). */
const MAX_PICKS = 10_000;

/**
 * Round-robin state per scope: a cursor and the successes counted under it. Only successes
 * advance the stickiness, and an outcome moves the cursor only if the cursor has not moved
 * since the request was routed, so a burst of concurrent failures rotates once, not N times.
 */
export class RotationBook {
  private readonly rotations = new Map<string, Rotation>();
  private readonly picks = new Map<string, Pick[]>();

  cursor(scope: string): number {
    return this.rotation(scope).cursor;
  }

  /** Moves the cursor forward to `index` (an unhealthy current candidate); returns it. */
  skipTo(scope: string, index: number): number {
    const r = this.rotation(scope);
    r.cursor = index;
    r.successes = 0;
    return index;
  }

  notePick(requestId: string, scope: string, key: string, sticky: number): void {
    const list = this.picks.get(requestId) ?? [];
    list.push({ scope, key, cursor: this.rotation(scope).cursor, sticky });
    if (!this.picks.has(requestId)) {
      if (this.picks.size >= MAX_PICKS) this.picks.delete(this.picks.keys().next().value!);
      this.picks.set(requestId, list);
    }
  }

  /** An attempt of `requestId` on one of `keys` succeeded. */
  onSuccess(requestId: string, keys: readonly string[]): void {
    for (const p of this.matching(requestId, keys)) {
      const r = this.rotation(p.scope);
      if (++r.successes >= p.sticky) this.advance(r);
    }
  }

  /** An attempt of `requestId` on one of `keys` failed for a reason of the target's own. */
  onFailure(requestId: string, keys: readonly string[]): void {
    for (const p of this.matching(requestId, keys)) this.advance(this.rotation(p.scope));
  }

  /** The request ended: forget its picks. */
  forget(requestId: string): void {
    this.picks.delete(requestId);
  }

  private matching(requestId: string, keys: readonly string[]): Pick[] {
    const list = this.picks.get(requestId);
    if (!list) return [];
    return list.filter((p) => keys.includes(p.key) && this.rotation(p.scope).cursor === p.cursor);
  }

  private advance(r: Rotation): void {
    r.cursor++;
    r.successes = 0;
  }

  private rotation(scope: string): Rotation {
    let r = this.rotations.get(scope);
    if (!r) {
      r = { cursor: 0, successes: 0 };
      this.rotations.set(scope, r);
    }
    return r;
  }
}
