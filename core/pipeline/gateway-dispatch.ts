import { requestId, setRequestIds } from './request-id.ts';
import { GatewayError, toGatewayError } from '../errors/gateway-error.ts';
import type { PluginHost } from '../plugin/plugin-host.ts';
import type { Snapshot } from '../plugin/snapshot.ts';
import type { ClientKeyInfo, GatewayRequest, HttpInput, RouteHost, Translator } from '../plugin/types.ts';
import { leadsToProvider } from '../config/check-references.ts';
import { isModelGlob } from '../util/model-glob.ts';
import { checkModelName } from './check-model-name.ts';
import { checkDeclaredLength, readJsonBody } from './read-json-body.ts';
import { RequestRun, type RunDeps } from './request-run.ts';

export interface DispatchDeps extends Omit<RunDeps, 'release' | 'retain'> {
  host: PluginHost;
}

/**
 * Answers a request for a plugin route, or `undefined` when no plugin route matches. `clientIp`
 * may be a function: it is then asked only when something reads `HttpInput.clientIp`.
 */
export type Dispatch = (request: Request, clientIp?: string | (() => string | undefined)) => Promise<Response | undefined>;

/**
 * Routes a request to the translator or endpoint that owns the path (from the request's
 * snapshot) and runs it: a custom `handle`, or the pipeline (body limits, decode, RequestRun).
 * Errors are answered in the owning translator's dialect.
 */
export function createDispatch(deps: DispatchDeps): Dispatch {
  const runDeps: RunDeps = { ...deps, release: (s) => deps.host.release(s), retain: (s) => deps.host.retain(s) };
  return async (request, clientIp) => {
    const snap = deps.host.acquire();
    let handedOff = false;
    try {
      const match = snap.routes.match(request.method, pathOf(request.url), request.headers);
      if (!match) return undefined;
      const { translator, spec } = match.value;
      const input = createHttpInput(request, match.params, clientIp);
      try {
        if (spec.handle) return await spec.handle(input, createRouteHost(snap, runDeps));
        // Authenticate before reading the body: an anonymous caller costs no parsing.
        let key: ClientKeyInfo | undefined;
        if (spec.auth !== false) {
          const found = authenticateNow(snap, input);
          key = found instanceof Promise ? await found : found;
          input.key = key;
        }
        const limit = (spec.bodyLimitMb ?? snap.config.server.body_limit_mb) * 1024 * 1024;
        if (spec.body === 'stream') checkDeclaredLength(request, limit);
        else input.body = await readJsonBody(request, limit);
        let req = translator.decode(input);
        if (req instanceof Promise) req = await req;
        checkModelName(req.model);
        handedOff = true;
        // `run` never rejects: returned without an await (one promise hop fewer).
        return new RequestRun(runDeps, snap, translator, input, req, requestId(), key).run();
      } catch (e) {
        // Refused before the pipeline (auth, body, decode): still tell the client its request id.
        // The encoder gets the input: an upload endpoint releases what it spooled for it.
        let err = toGatewayError(e);
        // A body over the config's cap fails every later turn of an agent that replays its
        // history (screenshots add up): the answer says which setting raises it.
        if (err.code === 'GW_BODY_TOO_LARGE' && spec.bodyLimitMb === undefined) {
          err = new GatewayError(err.code, `${err.message} The gateway's limit is server.body_limit_mb in its config.`);
        }
        return setRequestIds(translator.encodeError(err, { http: input }), request);
      }
    } finally {
      if (!handedOff) deps.host.release(snap);
    }
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The path of an absolute URL string, without parsing the whole URL. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  if (start < 0) return '/';
  const q = url.indexOf('?', start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

/**
 * The request as translators see it; the parsed URL (and the client address, when given as a
 * function) is made only when someone reads it. Own getters, so a spread copy keeps them.
 */
function createHttpInput(request: Request, params: Record<string, string>, clientIp?: string | (() => string | undefined)): Mutable<HttpInput> {
  let url: URL | undefined;
  if (typeof clientIp !== 'function') {
    return {
      request, method: request.method, params, headers: request.headers, clientIp, key: undefined,
      get url() {
        return (url ??= new URL(request.url));
      },
    };
  }
  let ip: { value: string | undefined } | undefined;
  return {
    request, method: request.method, params, headers: request.headers, key: undefined,
    get clientIp() {
      return (ip ??= { value: clientIp() }).value;
    },
    get url() {
      return (url ??= new URL(request.url));
    },
  };
}

/** What custom route handlers may use, bound to the request's snapshot. */
export function createRouteHost(snap: Snapshot, deps: RunDeps): RouteHost {
  return {
    providers: snap.providers,
    aliases: snap.config.aliases,
    combos: snap.config.combos,
    authenticate: (input) => authenticate(snap, input),
    async listModels(key) {
      const all = listModels(snap);
      return key ? all.filter((m) => allowsModel(snap, key, m.id)) : all;
    },
    allowsModel: (key, model) => allowsModel(snap, key, model),
    async run(translator: Translator, input: HttpInput, req: GatewayRequest) {
      const key = await authenticate(snap, input);
      checkModelName(req.model);
      deps.retain(snap);
      return new RequestRun(deps, snap, translator, input, req, requestId(), key).run();
    },
  };
}

/**
 * Asks the snapshot's authenticator. With none loaded and keys required, refuses: a broken
 * auth plugin must never open the gateway.
 */
async function authenticate(snap: Snapshot, input: HttpInput): Promise<ClientKeyInfo | undefined> {
  return authenticateNow(snap, input);
}

/** The authenticator's scope check; no key (keys not required) or no check allows everything. */
function allowsModel(snap: Snapshot, key: ClientKeyInfo | undefined, model: string): boolean {
  return !key || !snap.authenticator?.allowsModel || snap.authenticator.allowsModel(key, model);
}

/** `authenticate` without a promise hop when the authenticator answers synchronously; may throw. */
function authenticateNow(snap: Snapshot, input: HttpInput): ClientKeyInfo | undefined | Promise<ClientKeyInfo | undefined> {
  if (snap.authenticator) return snap.authenticator.authenticate(input);
  if (snap.config.auth.require_key) throw new GatewayError('GW_UNAUTHORIZED', 'No authenticator is loaded; requests are refused.');
  return undefined;
}

/**
 * Every model name a client may use: `provider/model`, aliases (not glob ones) and combos that
 * lead to a provider serving now (one whose providers are all disabled would answer 404).
 */
export function listModels(snap: Snapshot): Array<{ id: string; ownedBy: string }> {
  const out: Array<{ id: string; ownedBy: string }> = [];
  const live = (provider: string) => snap.providers.has(provider);
  for (const p of snap.providers.values()) for (const m of p.models) out.push({ id: `${p.name}/${m}`, ownedBy: p.name });
  for (const alias of Object.keys(snap.config.aliases)) {
    if (!isModelGlob(alias) && leadsToProvider(alias, snap.config, live)) out.push({ id: alias, ownedBy: 'switchyard-alias' });
  }
  for (const combo of Object.keys(snap.config.combos)) {
    if (leadsToProvider(combo, snap.config, live)) out.push({ id: combo, ownedBy: 'switchyard-combo' });
  }
  return out;
}
