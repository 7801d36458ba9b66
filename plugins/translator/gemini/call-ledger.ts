/**
 * Pairs function calls with their responses. Older Gemini API versions carry no call ids, so a
 * call without one gets `call_<name>_<n>` (n counts calls in the conversation: the same
 * history always yields the same ids). A response takes the call with its id if there is one,
 * else the oldest unanswered call of the same name, which is how Gemini itself pairs them.
 * Calls are queued by id and by name, so pairing a history costs its length, not its square.
 */
export class CallLedger {
  private readonly byId = new Map<string, CallQueue>();
  private readonly byName = new Map<string, CallQueue>();
  private n = 0;

  /** Notes a function call; returns its id (the client's, else a made one). */
  call(name: string, id: string | undefined): string {
    const callId = id ?? `call_${name}_${this.n}`;
    this.n++;
    const open: OpenCall = { id: callId, answered: false };
    queueOf(this.byId, callId).calls.push(open);
    queueOf(this.byName, name).calls.push(open);
    return callId;
  }

  /** The id of the call a function response answers (a made one when none is open), marked answered. */
  answer(name: string, id: string | undefined): string {
    const open = (id !== undefined && firstOpen(this.byId.get(id))) || firstOpen(this.byName.get(name));
    if (open) {
      open.answered = true;
      return open.id;
    }
    return id ?? `call_${name}_${this.n++}`;
  }
}

interface OpenCall {
  id: string;
  answered: boolean;
}

/** Calls in order; those before `head` are answered. */
interface CallQueue {
  calls: OpenCall[];
  head: number;
}

function queueOf(map: Map<string, CallQueue>, key: string): CallQueue {
  let q = map.get(key);
  if (!q) map.set(key, (q = { calls: [], head: 0 }));
  return q;
}

/** The oldest unanswered call of `q` (its head moves past the answered ones). */
function firstOpen(q: CallQueue | undefined): OpenCall | undefined {
  if (!q) return undefined;
  while (q.head < q.calls.length && q.calls[q.head]!.answered) q.head++;
  return q.calls[q.head];
}
