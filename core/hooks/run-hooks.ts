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

/** What `runBeforeRequest` ends with: the final request, or a Short when a hook answered or rejected. */
export interface BeforeOutcome {
  req: GatewayRequest;
  short?: Short & { by: string };
}

function isThenable<T>(x: unknown): x is PromiseLike<T> {
  return typeof (x as PromiseLike<T> | null | undefined)?.then === 'function';
}

/**
 * Sequential. Returns the final request, or a Short when a hook answered or rejected. Runs
 * synchronously while the hooks answer synchronously (the usual case), so a request pays no
 * promise hop per hook; it returns a promise from the first hook that returns one. Errors
 * thrown by hooks follow the error policy (a GatewayError is thrown, synchronously or as a
 * rejection).
 */
export function runBeforeRequest(
  snap: Snapshot, bus: Bus, req: GatewayRequest, call: CallContext,
): BeforeOutcome | Promise<BeforeOutcome> {
  const hooks = snap.hooks.beforeRequest;
  let current = req;
  for (let i = 0; i < hooks.length; i++) {
    const h = hooks[i]!;
    let out: ReturnType<typeof h.fn>;
    try {
      out = h.fn(current, call);
    } catch (err) {
      onHookError(bus, h as BoundHook<HookName>, 'beforeRequest', err);
      continue;
    }
    if (isThenable(out)) return beforeRequestAsync(snap, bus, current, call, i, out);
    const step = applyBefore(current, out, h.owner.name);
    if (step.short) return step;
    current = step.req;
  }
  return { req: current };
}

/** The rest of `runBeforeRequest` from hook `i`, whose answer `pending` is a promise. */
async function beforeRequestAsync(
  snap: Snapshot, bus: Bus, req: GatewayRequest, call: CallContext, i: number, pending: PromiseLike<GatewayRequest | Short | void>,
): Promise<BeforeOutcome> {
  const hooks = snap.hooks.beforeRequest;
  let current = req;
  let next: PromiseLike<GatewayRequest | Short | void> | undefined = pending;
  for (; i < hooks.length; i++) {
    const h = hooks[i]!;
    let out: GatewayRequest | Short | void;
    try {
      const p = next ?? h.fn(current, call);
      next = undefined;
      out = await p;
    } catch (err) {
      onHookError(bus, h as BoundHook<HookName>, 'beforeRequest', err);
      continue;
    }
    const step = applyBefore(current, out, h.owner.name);
    if (step.short) return step;
    current = step.req;
  }
  return { req: current };
}

/** One hook's answer applied: the next request, or the Short that ends the run. */
function applyBefore(current: GatewayRequest, out: GatewayRequest | Short | void, by: string): BeforeOutcome {
  if (!out) return { req: current };
  if ('respond' in out || 'reject' in out) return { req: current, short: { ...out, by } };
  // A hook that changed the body without providing a new raw body turns passthrough off.
  if (out.body !== current.body && out.raw === current.raw) out = { ...out, raw: undefined };
  return { req: out };
}

/**
 * First answer wins. Synchronous while the hooks are (the config router is), else a promise
 * from the first hook that returns one.
 */
export function runSelectRoute(
  snap: Snapshot, bus: Bus, req: GatewayRequest, call: CallContext,
): RoutePlan | undefined | Promise<RoutePlan | undefined> {
  const hooks = snap.hooks.selectRoute;
  for (let i = 0; i < hooks.length; i++) {
    const h = hooks[i]!;
    try {
      const plan = h.fn(req, call);
      if (isThenable(plan)) return selectRouteAsync(snap, bus, req, call, i, plan);
      if (plan) return plan;
    } catch (err) {
      onHookError(bus, h as BoundHook<HookName>, 'selectRoute', err);
    }
  }
  return undefined;
}

async function selectRouteAsync(
  snap: Snapshot, bus: Bus, req: GatewayRequest, call: CallContext, i: number, pending: PromiseLike<RoutePlan | void> | undefined,
): Promise<RoutePlan | undefined> {
  const hooks = snap.hooks.selectRoute;
  for (; i < hooks.length; i++) {
    const h = hooks[i]!;
    try {
      const p = pending ?? h.fn(req, call);
      pending = undefined;
      const plan = await p;
      if (plan) return plan;
    } catch (err) {
      onHookError(bus, h as BoundHook<HookName>, 'selectRoute', err);
    }
  }
  return undefined;
}

/**
 * The onion: the first registered hook is the outermost layer; each passes the request down
 * (`next(req)` replaces it for the layers below). A hook that throws a non-gateway error with
 * failMode `open` is bypassed: its `next` is called directly.
 */
export function runWrapCall(
  snap: Snapshot, bus: Bus, inner: (req: GatewayRequest) => Promise<CallResult>, req: GatewayRequest, attempt: Attempt, call: CallContext,
): Promise<CallResult> {
  const hooks = snap.hooks.wrapCall;
  const dispatch = (i: number, r: GatewayRequest): Promise<CallResult> => {
    if (i >= hooks.length) return inner(r);
    const h = hooks[i];
    let nextCalled = false;
    let deeper: Promise<CallResult> | undefined;
    const next = (other?: GatewayRequest) => {
      nextCalled = true;
      return (deeper = dispatch(i + 1, other ?? r));
    };
    let out: Promise<CallResult>;
    try {
      out = h.fn(next, attempt, call, r);
    } catch (err) {
      out = Promise.reject(err);
    }
    // A layer that hands back `next()` itself adds nothing that could fail: no layer of its own.
    if (out === deeper) return out;
    return out.catch((err: unknown) => {
      // Errors coming up from deeper layers (the provider) are not this plugin's fault.
      if (isGatewayError(err) || nextCalled) throw err;
      onHookError(bus, h as BoundHook<HookName>, 'wrapCall', err);
      return dispatch(i + 1, r);
    });
  };
  return dispatch(0, req);
}

/**
 * Sequential in reverse plugin order. Synchronous while the hooks are (none, usually), else a
 * promise from the first hook that returns one.
 */
export function runAfterResponse(
  snap: Snapshot, bus: Bus, res: CallResult, call: CallContext,
): CallResult | Promise<CallResult> {
  let current = res;
  const hooks = snap.hooks.afterResponse;
  for (let i = hooks.length - 1; i >= 0; i--) {
    try {
      const out = hooks[i]!.fn(current, call);
      if (isThenable(out)) return afterResponseAsync(snap, bus, current, call, i, out);
      if (out) current = out;
    } catch (err) {
      onHookError(bus, hooks[i] as BoundHook<HookName>, 'afterResponse', err);
    }
  }
  return current;
}

async function afterResponseAsync(
  snap: Snapshot, bus: Bus, res: CallResult, call: CallContext, i: number, pending: PromiseLike<CallResult | void> | undefined,
): Promise<CallResult> {
  let current = res;
  const hooks = snap.hooks.afterResponse;
  for (; i >= 0; i--) {
    try {
      const p = pending ?? hooks[i]!.fn(current, call);
      pending = undefined;
      const out = await p;
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
            // Nothing returned means "unchanged", as for every hook point; `null` drops the part.
            if (out === undefined) next.push(p);
            else if (Array.isArray(out)) next.push(...out);
            else if (out !== null) next.push(out);
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
