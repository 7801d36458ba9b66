import type { HttpInput, RouteHost, RouteSpec, Translator } from './types.ts';

/** A route as declared before the translator's code is loaded; `custom` marks a route with its own `handle`. */
export type ShellRoute = Omit<RouteSpec, 'handle'> & { custom?: boolean };

/**
 * What the gateway needs from a translator before its first request: the dialect, the routes
 * (for the route table and the API docs) and the error encoder (an unauthenticated request is
 * refused before anything is decoded).
 */
export interface TranslatorShell {
  dialect: Translator['dialect'];
  routes: readonly ShellRoute[];
  encodeError: Translator['encodeError'];
  keepAliveFrame?: Translator['keepAliveFrame'];
}

/**
 * A translator whose code is imported on the first request of its dialect, so a gateway whose
 * clients never speak it does not keep that code in memory. `load` resolves to the real
 * translator, which must declare the same dialect and routes as the shell (checked once, when it
 * loads: a mismatch fails the request that loaded it, and every later one).
 *
 * Every request reaches `decode` or a custom `handle` first, and both wait for the code; the
 * encoders are only called after that, so they use the loaded translator directly.
 */
export function lazyTranslator(shell: TranslatorShell, load: () => Promise<Translator>): Translator {
  let impl: Translator | undefined;
  let loading: Promise<Translator> | undefined;
  const ready = (): Promise<Translator> =>
    (loading ??= load().then((t) => (impl = checkShape(shell, t))));
  const loaded = (): Translator => {
    if (!impl) throw new Error(`translator "${shell.dialect}" was used before its code loaded`);
    return impl;
  };
  const routes: RouteSpec[] = shell.routes.map(({ custom, ...spec }) => {
    if (!custom) return spec;
    // Once loaded, the route calls the translator's own handler directly.
    let handle: RouteSpec['handle'];
    return {
      ...spec,
      handle: (input: HttpInput, host: RouteHost) =>
        handle ? handle(input, host) : ready().then((t) => (handle = handlerOf(t, spec))(input, host)),
    };
  });
  return {
    dialect: shell.dialect,
    routes,
    encodeError: shell.encodeError,
    ...(shell.keepAliveFrame === undefined ? {} : { keepAliveFrame: shell.keepAliveFrame }),
    decode: (input) => (impl ? impl.decode(input) : ready().then((t) => t.decode(input))),
    encodeResult: (result, req, call) => loaded().encodeResult(result, req, call),
    encodeStream: (parts, req, call) => loaded().encodeStream(parts, req, call),
    // Optional members exist only when the loaded translator has them (the pipeline tests `?.`).
    get createStreamEncoder(): Translator['createStreamEncoder'] {
      const t = impl;
      return t?.createStreamEncoder && ((req, call) => t.createStreamEncoder!(req, call));
    },
    get encodeStreamError(): Translator['encodeStreamError'] {
      const t = impl;
      return t?.encodeStreamError && ((err, call, parser) => t.encodeStreamError!(err, call, parser));
    },
    get streamHeaders(): Translator['streamHeaders'] {
      const t = impl;
      return t?.streamHeaders && ((req, call) => t.streamHeaders!(req, call));
    },
  };
}

function handlerOf(t: Translator, spec: Omit<RouteSpec, 'handle'>): NonNullable<RouteSpec['handle']> {
  const route = t.routes.find((r) => r.method === spec.method && r.path === spec.path && r.header === spec.header);
  return route!.handle!;
}

/** The loaded translator, when it declares what its shell said; throws naming the difference. */
export function checkShape(shell: TranslatorShell, t: Translator): Translator {
  const shape = (routes: ReadonlyArray<ShellRoute | RouteSpec>, custom: (r: ShellRoute | RouteSpec) => boolean) =>
    routes.map((r) => `${r.method} ${r.path} ${r.header ?? ''} ${custom(r) ? 'custom' : 'pipeline'} ${r.body ?? 'json'} ${r.bodyLimitMb ?? ''} ${r.auth ?? ''}`).join('\n');
  const declared = shape(shell.routes, (r) => (r as ShellRoute).custom === true);
  const actual = shape(t.routes, (r) => typeof (r as RouteSpec).handle === 'function');
  if (t.dialect !== shell.dialect || declared !== actual) {
    throw new Error(`translator "${shell.dialect}" does not match its declared shell:\n${declared}\n--- loaded "${t.dialect}":\n${actual}`);
  }
  return t;
}
