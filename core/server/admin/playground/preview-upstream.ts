import { toGatewayError } from '../../../errors/gateway-error.ts';
import { runSelectRoute } from '../../../hooks/run-hooks.ts';
import type { Snapshot } from '../../../plugin/snapshot.ts';
import type { CallContext, GatewayRequest, HttpInput, RoutePlan, Target } from '../../../plugin/types.ts';
import type { ChatRequest } from '../../../types/hub.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { maskUrlPasswords } from '../../../log/redact.ts';
import { maskHeaders } from './mask-secrets.ts';
import { nativeDialectFor } from '../../../plugin/native-dialect.ts';

/** The upstream request the gateway would send for a decoded request. */
export interface UpstreamView {
  provider: string;
  type: string;
  model: string;
  lane: 'translated' | 'passthrough';
  url: string | null;
  headers: Record<string, string>;
  body: unknown;
}

/** A CallContext for routing a request that will not run (the playground's preview). */
function previewCall(snap: Snapshot, deps: AdminDeps, input: HttpInput, req: GatewayRequest, dialect: string): CallContext {
  return {
    id: `req_preview_${crypto.randomUUID().slice(0, 8)}`, dialect, operation: req.operation, requestedModel: req.model,
    startedAt: performance.now(), signal: new AbortController().signal, http: input, responseHeaders: new Headers(),
    state: new Map(), providers: snap.providers, config: snap.config, log: deps.log,
  };
}

/** Routes the request with the snapshot's routers (no attempt runs). Undefined when nothing routes it. */
export async function previewRoute(snap: Snapshot, deps: AdminDeps, input: HttpInput, req: GatewayRequest, dialect: string): Promise<RoutePlan | undefined> {
  try {
    return await runSelectRoute(snap, deps.bus, req, previewCall(snap, deps, input, req, dialect));
  } catch {
    return undefined;
  }
}

/** The target to preview: the plan's target on `provider` (or its first), else `provider` with the model's last part. */
export function pickTarget(plan: RoutePlan | undefined, requested: string, provider?: string): Target | undefined {
  const targets = plan?.targets ?? [];
  if (!provider) return targets[0];
  const onProvider = targets.find((t) => t.provider === provider);
  if (onProvider) return onProvider;
  const slash = requested.indexOf('/');
  return { provider, model: slash >= 0 && requested.slice(0, slash) === provider ? requested.slice(slash + 1) : requested };
}

/**
 * The exact upstream request for `target`: the client body with only `model` replaced on the
 * passthrough lane (same dialect, no part transforms), else the adapter's `preview` of the
 * normalized request. Credentials are masked, bodies redacted. Returns a note instead when
 * the provider or its preview is missing.
 */
export async function previewUpstream(
  snap: Snapshot, deps: AdminDeps, dialect: string, req: GatewayRequest, target: Target,
): Promise<{ upstream: UpstreamView } | { note: string }> {
  const runtime = snap.providers.get(target.provider);
  if (!runtime) return { note: `Provider "${target.provider}" is not configured or is disabled.` };
  const adapter = snap.adapters.get(runtime.type);
  if (!adapter) return { note: `No loaded plugin serves provider type "${runtime.type}".` };
  const passthrough = Boolean(req.raw && nativeDialectFor(adapter, target.model) === dialect && adapter.chat?.passthrough && snap.hooks.transformPart.length === 0);
  const chat = { ...(req.body as ChatRequest), model: target.model, stream: req.stream };
  let preview;
  try {
    preview = await adapter.preview?.(chat, runtime);
  } catch (e) {
    return { note: `The ${runtime.type} adapter cannot convert this request: ${deps.log.redact(toGatewayError(e).message)}` };
  }
  if (!preview && !passthrough) return { note: `The ${runtime.type} adapter has no request preview.` };
  const raw = passthrough ? (dialect === 'gemini' ? req.raw : { ...req.raw, model: target.model }) : preview!.body;
  return {
    upstream: {
      provider: runtime.name, type: runtime.type, model: target.model, lane: passthrough ? 'passthrough' : 'translated',
      url: preview?.url ? maskUrlPasswords(deps.log.redact(preview.url)) : null,
      headers: maskHeaders(preview?.headers, (t) => deps.log.redact(t)), body: redactJson(deps, raw),
    },
  };
}

/** A JSON value with secrets redacted (through its text). */
export function redactJson(deps: AdminDeps, value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  const red = deps.log.redact(text);
  if (red === text) return value;
  try {
    return JSON.parse(red);
  } catch {
    return red;
  }
}
