import { describe, expect, test } from 'bun:test';
import { Bus } from '../bus/bus.ts';
import { GatewayError } from '../errors/gateway-error.ts';
import type { BoundHook, Snapshot } from '../plugin/snapshot.ts';
import type { Attempt, CallContext, CallResult, GatewayRequest, HookPoints } from '../plugin/types.ts';
import type { StreamPart } from '../types/hub.ts';
import { applyTransformPart, runWrapCall } from './run-hooks.ts';

type Wrap = HookPoints['wrapCall'];
const result: CallResult = { type: 'result', result: { ok: true } };
const attempt = {} as Attempt;
const call = {} as CallContext;

function setup(layers: Array<[name: string, fn: Wrap, failMode?: 'open' | 'closed']>) {
  const bus = new Bus();
  const errors: string[] = [];
  bus.on('plugin:errored', (e) => {
    errors.push(`${e.name}: ${e.error}`);
  });
  const wrapCall: BoundHook<'wrapCall'>[] = layers.map(([name, fn, failMode]) => ({
    fn, owner: { name, plugin: { failMode } } as unknown as BoundHook<'wrapCall'>['owner'],
  }));
  const snap = { hooks: { wrapCall } } as unknown as Snapshot;
  return { bus, snap, errors };
}

describe('runWrapCall', () => {
  test('the first hook is the outermost layer; a layer may hand back next() itself', async () => {
    const order: string[] = [];
    const { bus, snap } = setup([
      ['outer', async (next) => (order.push('outer in'), await next().finally(() => order.push('outer out')))],
      ['pass', (next) => (order.push('pass'), next())],
    ]);
    const out = await runWrapCall(snap, bus, async () => (order.push('call'), result), {} as never, attempt, call);
    expect(out).toBe(result);
    expect(order).toEqual(['outer in', 'pass', 'call', 'outer out']);
  });

  test('each layer sees the request; next(other) sends the layers below and the provider another one', async () => {
    const seen: string[] = [];
    const req = (model: string) => ({ operation: 'chat', model, stream: false, body: {} }) as GatewayRequest;
    const { bus, snap } = setup([
      ['outer', (next, _a, _c, r) => (seen.push(`outer ${r.model}`), next({ ...r, model: 'trimmed' }))],
      ['inner', (next, _a, _c, r) => (seen.push(`inner ${r.model}`), next())],
    ]);
    await runWrapCall(snap, bus, async (r) => (seen.push(`provider ${r.model}`), result), req('m'), attempt, call);
    expect(seen).toEqual(['outer m', 'inner trimmed', 'provider trimmed']);
  });

  test('an error from the call passes through every layer unchanged, and blames no plugin', async () => {
    const failure = new GatewayError('GW_UPSTREAM_ERROR', 'upstream down', { status: 502 });
    const plain = new Error('socket hang up');
    for (const thrown of [failure, plain]) {
      const { bus, snap, errors } = setup([['async', async (next) => next()], ['pass', (next) => next()]]);
      await expect(runWrapCall(snap, bus, async () => { throw thrown; }, {} as never, attempt, call)).rejects.toBe(thrown);
      await Bun.sleep(0);
      expect(errors).toEqual([]);
    }
  });

  test('a hook that breaks (sync or async) with failMode open is skipped: the call still runs', async () => {
    for (const broken of [() => { throw new Error('boom'); }, async () => { throw new Error('boom'); }] as Wrap[]) {
      const { bus, snap, errors } = setup([['broken', broken, 'open']]);
      expect(await runWrapCall(snap, bus, async () => result, {} as never, attempt, call)).toBe(result);
      expect(errors).toEqual(['broken: wrapCall: boom']);
    }
  });

  test('a GatewayError thrown by a hook (even synchronously) is its answer; failMode closed turns a crash into 503', async () => {
    const skip = new GatewayError('GW_QUOTA_EXHAUSTED', 'window used up', { status: 429, retryable: true });
    const a = setup([['quota', () => { throw skip; }]]);
    await expect(runWrapCall(a.snap, a.bus, async () => result, {} as never, attempt, call)).rejects.toBe(skip);
    const b = setup([['strict', () => { throw new Error('boom'); }, 'closed']]);
    await expect(runWrapCall(b.snap, b.bus, async () => result, {} as never, attempt, call)).rejects.toMatchObject({ code: 'GW_PLUGIN_FAILED', status: 503 });
  });
});

describe('applyTransformPart', () => {
  const hookSnap = (fns: Array<HookPoints['transformPart']>) => ({
    hooks: { transformPart: fns.map((fn, i) => ({ fn, owner: { name: `t${i}`, plugin: {} } })) },
  }) as unknown as Snapshot;
  const run = async (fns: Array<HookPoints['transformPart']>, parts: StreamPart[]) =>
    Array.fromAsync(applyTransformPart(hookSnap(fns), new Bus(), streamOf(parts), call));
  const text = (t: string): StreamPart => ({ type: 'text-delta', text: t });
  const streamOf = (parts: StreamPart[]) => new ReadableStream<StreamPart>({
    start(ctl) {
      for (const p of parts) ctl.enqueue(p);
      ctl.close();
    },
  });

  test('a hook that returns nothing leaves the part as it is, like every other hook point', async () => {
    // A JavaScript drop-in that forgets `return part` must not drop the whole stream.
    const out = await run([((p: StreamPart) => { if (p.type === 'finish') return p; }) as HookPoints['transformPart']], [text('a'), { type: 'finish', reason: 'stop' }]);
    expect(out).toEqual([text('a'), { type: 'finish', reason: 'stop' }]);
  });

  test('null or an empty list drops the part; a list replaces it with several', async () => {
    const out = await run([
      (p) => (p.type === 'text-delta' && p.text === 'drop' ? null : p),
      (p) => (p.type === 'text-delta' && p.text === 'gone' ? [] : p),
      (p) => (p.type === 'text-delta' && p.text === 'two' ? [text('t'), text('wo')] : p),
    ], [text('drop'), text('gone'), text('two'), text('kept')]);
    expect(out).toEqual([text('t'), text('wo'), text('kept')]);
  });
});
