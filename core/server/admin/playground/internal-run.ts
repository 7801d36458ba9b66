import { GatewayError, toGatewayError } from '../../../errors/gateway-error.ts';
import { RequestRun, type RunDeps } from '../../../pipeline/request-run.ts';
import type { Snapshot } from '../../../plugin/snapshot.ts';
import type { GatewayRequest, HttpInput, Translator } from '../../../plugin/types.ts';
import type { AdminDeps } from '../admin-deps.ts';
import { createRecordingHttp, type UpstreamExchange } from './recording-http.ts';

/** The client dialects the playground speaks, with the path a client would post to. */
export const DIALECTS = ['openai-chat', 'anthropic-messages', 'openai-responses', 'gemini'] as const;
/** A dialect the playground can decode and send. */
export type PlaygroundDialect = (typeof DIALECTS)[number];

/** The route a client of `dialect` would call, and the decoded request. */
export interface DecodedRequest {
  translator: Translator;
  input: HttpInput;
  req: GatewayRequest;
}

/** The path a client of this dialect posts a chat request to. */
export function dialectPath(dialect: PlaygroundDialect, model: string | undefined, stream: boolean): string {
  if (dialect === 'openai-chat') return '/v1/chat/completions';
  if (dialect === 'anthropic-messages') return '/v1/messages';
  if (dialect === 'openai-responses') return '/v1/responses';
  if (!model) throw new GatewayError('GW_BAD_REQUEST', 'A Gemini request names its model in the URL: give "model".', { status: 400, param: 'model' });
  return `/v1beta/models/${encodeURIComponent(model)}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`;
}

/**
 * Decodes `body` exactly as the gateway would for a client of `dialect`: the translator that
 * owns the dialect's route in `snap`, with the same HTTP input shape. For dialects with the model
 * in the body, `model` (when given) replaces it. Throws the translator's GatewayError (400) on
 * an invalid body, 404 when no loaded translator owns the route.
 */
export async function decodeAs(snap: Snapshot, dialect: PlaygroundDialect, body: unknown, model?: string): Promise<DecodedRequest> {
  const obj = body && typeof body === 'object' && !Array.isArray(body) ? { ...(body as Record<string, unknown>) } : body;
  if (model && dialect !== 'gemini' && obj && typeof obj === 'object') (obj as Record<string, unknown>).model = model;
  const stream = Boolean(obj && typeof obj === 'object' && (obj as Record<string, unknown>).stream === true);
  const geminiStream = dialect === 'gemini' && stream;
  const path = dialectPath(dialect, model, geminiStream);
  const url = new URL(`http://switchyard.internal${path}`);
  const match = snap.routes.match('POST', url.pathname);
  if (!match || match.value.translator.dialect !== dialect) {
    throw new GatewayError('GW_NOT_FOUND', `No loaded translator serves the ${dialect} dialect.`, { status: 404 });
  }
  const payload = dialect === 'gemini' && obj && typeof obj === 'object' ? without(obj as Record<string, unknown>, 'stream') : obj;
  const request = new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
  const input: HttpInput = { request, url, method: 'POST', params: match.params, headers: request.headers, clientIp: '127.0.0.1', body: payload };
  const translator = match.value.translator;
  const req = await translator.decode(input);
  return { translator, input, req };
}

/** What an internal run produced. */
export interface InternalRunResult {
  requestId: string;
  response: Response;
  /** The reply body, read to its end (SSE text for streams, JSON otherwise). */
  text: string;
  exchanges: UpstreamExchange[];
  latencyMs: number;
}

/**
 * Sends a request through the real pipeline on behalf of the admin (no client key: admin
 * routes are already authenticated), recording every upstream call. It is logged and counted
 * like any request. Decoding errors are answered in the dialect's error shape, as a client
 * would see them.
 */
export async function runInternal(deps: AdminDeps, dialect: PlaygroundDialect, body: unknown, model?: string): Promise<InternalRunResult> {
  const started = performance.now();
  const recorder = createRecordingHttp(deps.http, (t) => deps.log.redact(t));
  const snap = deps.host.acquire();
  let handedOff = false;
  let response: Response;
  const id = `req_pg_${crypto.randomUUID().replaceAll('-', '')}`;
  try {
    const decoded = await decodeAs(snap, dialect, body, model);
    const runDeps: RunDeps = {
      bus: deps.bus, log: deps.log, http: recorder, usage: deps.usage,
      release: (s) => deps.host.release(s), retain: (s) => deps.host.retain(s), redact: (t) => deps.log.redact(t),
    };
    handedOff = true;
    response = await new RequestRun(runDeps, snap, decoded.translator, decoded.input, decoded.req, id).run();
  } catch (e) {
    const err = toGatewayError(e);
    const translator = snap.translators.find((t) => t.dialect === dialect);
    response = translator ? translator.encodeError(err) : Response.json({ error: { message: err.message } }, { status: err.status });
  } finally {
    if (!handedOff) deps.host.release(snap);
  }
  const text = await response.text();
  await recorder.settled();
  return { requestId: id, response, text, exchanges: recorder.exchanges, latencyMs: Math.round(performance.now() - started) };
}

function without(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _drop, ...rest } = o;
  return rest;
}
