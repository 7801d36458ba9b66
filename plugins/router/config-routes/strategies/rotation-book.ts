/** A candidate put first by round-robin for one request, remembered until the request ends. */
interface Pick {
  scope: string;
  key: string;
  /** The cursor value the pick was made under; outcomes of older picks are ignored. */
  cursor: number;
  sticky: number;
  /** Still holds a place in its turn: no success, failure or end of its request yet. */
  open: boolean;
}

interface Rotation {
  cursor: number;
  successes: number;
  /** Picks made under the cursor whose outcome is not known yet (requests in flight). */
  pending: number;
}

/** Requests remembered at most; beyond it the oldest are forgotten (a lost terminal event). */
const MAX_PICKS = 10_000;

/**
 * Round-robin state per scope: a cursor, the successes counted under it, and the picks still
 * in flight. A turn holds `sticky` requests: the cursor moves on after that many successes, and
 * a new pick moves it on when successes plus picks in flight already fill the turn, so a burst
 * of concurrent requests spreads over the candidates instead of all landing on the one under
 * the cursor. An outcome moves the cursor only if the cursor has not moved since the request
 * was routed, so a burst of concurrent failures rotates once, not N times.
 */
export class RotationBook {
  private readonly rotations = new Map<string, Rotation>();
  private readonly picks = new Map<string, Pick[]>();

  /**
   * The cursor for a pick of `requestId`: moved on first when the current turn is already full,
   * unless the request picked in this scope already (a plan with several models of one provider
   * orders its accounts once per model: one request, one place in the turn).
   */
  cursor(scope: string, sticky = Number.POSITIVE_INFINITY, requestId?: string): number {
    const r = this.rotation(scope);
    const again = requestId !== undefined && this.picks.get(requestId)?.some((p) => p.scope === scope);
    if (!again && r.successes + r.pending >= sticky) this.advance(r);
    return r.cursor;
  }

  /**
   * Moves the cursor `steps` candidates forward (past unhealthy ones), starting a new turn. The
   * cursor only grows, so a pick made under an older cursor never looks current again.
   */
  skip(scope: string, steps: number): void {
    const r = this.rotation(scope);
    r.cursor += steps;
    r.successes = 0;
    r.pending = 0;
  }

  /** Remembers what `requestId` put first in `scope`; only its first pick there counts. */
  notePick(requestId: string, scope: string, key: string, sticky: number): void {
    const list = this.picks.get(requestId) ?? [];
    if (list.some((p) => p.scope === scope)) return;
    const r = this.rotation(scope);
    r.pending++;
    list.push({ scope, key, cursor: r.cursor, sticky, open: true });
    if (!this.picks.has(requestId)) {
      if (this.picks.size >= MAX_PICKS) this.picks.delete(this.picks.keys().next().value!);
      this.picks.set(requestId, list);
    }
  }

  /** An attempt of `requestId` on one of `keys` succeeded. */
  onSuccess(requestId: string, keys: readonly string[]): void {
    for (const p of this.matching(requestId, keys)) {
      const r = this.close(p);
      if (++r.successes >= p.sticky) this.advance(r);
    }
  }

  /** An attempt of `requestId` on one of `keys` failed for a reason of the target's own. */
  onFailure(requestId: string, keys: readonly string[]): void {
    for (const p of this.matching(requestId, keys)) this.advance(this.close(p));
  }

  /** The request ended: forget its picks, giving back the places they held in their turn. */
  forget(requestId: string): void {
    for (const p of this.picks.get(requestId) ?? []) if (p.open && this.current(p)) this.close(p);
    this.picks.delete(requestId);
  }

  private matching(requestId: string, keys: readonly string[]): Pick[] {
    const list = this.picks.get(requestId);
    if (!list) return [];
    return list.filter((p) => p.open && keys.includes(p.key) && this.current(p));
  }

  /** True while the cursor has not moved since `p` was picked. */
  private current(p: Pick): boolean {
    return this.rotation(p.scope).cursor === p.cursor;
  }

  /** `p` no longer holds a place in its turn; returns its (unmoved) rotation. */
  private close(p: Pick): Rotation {
    p.open = false;
    const r = this.rotation(p.scope);
    r.pending = Math.max(0, r.pending - 1);
    return r;
  }

  private advance(r: Rotation): void {
    r.cursor++;
    r.successes = 0;
    r.pending = 0;
  }

  private rotation(scope: string): Rotation {
    let r = this.rotations.get(scope);
    if (!r) {
      r = { cursor: 0, successes: 0, pending: 0 };
      this.rotations.set(scope, r);
    }
    return r;
  }
}
