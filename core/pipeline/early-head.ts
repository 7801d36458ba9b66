import { directBody } from './direct-writer.ts';
import type { KeepaliveSpec } from './keepalive-sweeper.ts';

/**
 * The body of a stream whose response head went out before its commit point (see
 * `RequestRun.earlyHead`): keep-alives while the attempts go on, then the body of the answer
 * they made (its own stream layer keeps the request's books); when they fail, the error frame
 * `failed` makes (it books the failure, even after the client left). `left` runs when the client
 * goes before the answer came; after, the answer's body is cancelled.
 */
export function earlyHeadBody(
  answer: () => Promise<Response>, failed: (e: unknown) => string, left: () => void, keepalive: KeepaliveSpec,
): ReadableStream<Uint8Array> {
  let inner: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let gone = false;
  return directBody(async (out) => {
    let res: Response;
    try {
      res = await answer();
    } catch (e) {
      const frame = failed(e);
      if (gone) return;
      out.write(frame);
      return out.close();
    }
    if (!res.body) return out.close();
    inner = res.body.getReader();
    for (;;) {
      const r = await out.next(inner.read());
      if (r.done) break;
      const full = out.write(r.value);
      if (full) await full;
    }
    out.close();
  }, (reason) => {
    gone = true;
    if (inner) return inner.cancel(reason);
    left();
    return undefined;
  }, keepalive);
}
