import type { Bus } from '../bus/bus.ts';
import { GatewayError, isGatewayError } from '../errors/gateway-error.ts';
import type { BoundHook, Snapshot } from '../plugin/snapshot.ts';
import type {
  Attempt, CallContext, CallResult, GatewayRequest, HookName, RoutePlan, Short,
} from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';

/**
 * Hook runners, one per execution style. A plugin's failure is handled by its `failMode`:
 * `open` (default) skips it for this request and emits `plugin:errored`; `closed` fails the
 * request with 503. A thrown GatewayError is a deliberate answer and always propagates.
 */
function onHookError(bus: Bus, hook: BoundHook<HookName>, point: HookName, err: unknown): void {
  if (isGatewayError(err)) throw err;
  const message = err instanceof Error ? err.message : String(err);
  bus.emit('plugin:errored', { name: hook.owner.name, phase: 'hook', error: `${point}: ${message}` });
  if (hook.owner.plugin.failMode === 'closed') {
    throw new GatewayError('GW_PLUGIN_FAILED', `Plugin ${hook.owner.name} failed in ${point}.`, { status: 503 });
  }
}

/** Sequential. Returns the final request, or a Short when a hook answered or rejected. */
export async function runBeforeRequest(
  snap: Snapshot, bus: Bus, req: GatewayRequest, call: CallContext,
): Promise<{ req: GatewayRequest; short?: Short & { by: string } }> {
  let current = req;
  for (const h of snap.hooks.beforeRequest) {
    let out: GatewayRequest | Short | void;
    try {
      out = await h.fn(current, call);
    } catch (err) {
      onHookError(bus, h as BoundHook<HookName>, 'beforeRequest', err);
      continue;
    }
    if (!out) continue;
    if ('respond' in out || 'reject' in out) return { req: current, short: { ...out, by: h.owner.name } };
    // A hook that changed the body without providing a new raw body turns passthrough off.
    if (out.body !== current.body && out.raw === current.raw) out = { ...out, raw: undefined };
    current = out;
  }
  return { req: current };
}

/** First answer wins. */
export async function runSelectRoute(
  snap: Snapshot, bus: Bus, req: GatewayRequest, call: CallContext,
): Promise<RoutePlan | undefined> {
  for (const h of snap.hooks.selectRoute) {
    try {
      const plan = await h.fn(req, call);
      if (plan) return plan;
    } catch (err) {
      onHookError(bus, h as BoundHook<HookName>, 'selectRoute', err);
    }
  }
  return undefined;
}

/**
 * The onion: the first registered hook is the outermost layer. A hook that throws a
 * non-gateway error with failMode `open` is bypassed: its `next` is called directly.
 */
export function runWrapCall(
  snap: Snapshot, bus: Bus, inner: () => Promise<CallResult>, attempt: Attempt, call: CallContext,
): Promise<CallResult> {
  const hooks = snap.hooks.wrapCall;
  const dispatch = (i: number): Promise<CallResult> => {
    if (i >= hooks.length) return inner();
    const h = hooks[i];
    let nextCalled = false;
    const next = () => {
      nextCalled = true;
      return dispatch(i + 1);
    };
    return h.fn(next, attempt, call).catch((err: unknown) => {
      // Errors coming up from deeper layers (the provider) are not this plugin's fault.
      if (isGatewayError(err) || nextCalled) throw err;
      onHookError(bus, h as BoundHook<HookName>, 'wrapCall', err);
      return dispatch(i + 1);
    });
  };
  return dispatch(0);
}

/** Sequential in reverse plugin order. */
export async function runAfterResponse(
  snap: Snapshot, bus: Bus, res: CallResult, call: CallContext,
): Promise<CallResult> {
  let current = res;
  const hooks = snap.hooks.afterResponse;
  for (let i = hooks.length - 1; i >= 0; i--) {
    try {
      const out = await hooks[i].fn(current, call);
      if (out) current = out;
    } catch (err) {
      onHookError(bus, hooks[i] as BoundHook<HookName>, 'afterResponse', err);
    }
  }
  return current;
}

/**
 * Wraps a part stream with the `transformPart` hooks (sync, sequential). Returns the stream
 * unchanged when no plugin transforms parts, so the common case costs nothing.
 */
export function applyTransformPart(
  snap: Snapshot, bus: Bus, parts: ReadableStream<StreamPart>, call: CallContext,
): ReadableStream<StreamPart> {
  const hooks = snap.hooks.transformPart;
  if (hooks.length === 0) return parts;
  return parts.pipeThrough(new TransformStream<StreamPart, StreamPart>({
    transform(part, ctl) {
      let batch: StreamPart[] = [part];
      for (const h of hooks) {
        const next: StreamPart[] = [];
        for (const p of batch) {
          try {
            const out = h.fn(p, call);
            if (out === null || out === undefined) continue;
            if (Array.isArray(out)) next.push(...out);
            else next.push(out);
          } catch (err) {
            onHookError(bus, h as BoundHook<HookName>, 'transformPart', err);
            next.push(p);
          }
        }
        batch = next;
      }
      for (const p of batch) ctl.enqueue(p);
    },
  }));
}
