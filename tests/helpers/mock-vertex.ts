/**
 * A fake Google Cloud Vertex AI on 127.0.0.1 for tests, in front of the Gemini and Anthropic
 * mocks (whose replies, validation and SSE framing it relays byte for byte):
 *
 * - `POST /token`: Google's token endpoint for the JWT-bearer grant. It verifies the assertion's
 *   RS256 signature with the test key's public key and its claims (iss, aud, scope, iat/exp
 *   against the mock's clock), then issues an access token (`canary-vtx-…`, so scans can look
 *   for it) with `expires_in`. With `user`, it also takes the refresh-token grant of gcloud's
 *   user credentials: exactly `client_id`, `client_secret`, `refresh_token` (and an optional
 *   `scope`), each checked, answered as Google does (`invalid_client` 401 for a wrong client,
 *   `invalid_grant` 400 for a wrong or revoked refresh token).
 * - `POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent`,
 *   `:streamGenerateContent[?alt=sse]`, `:countTokens` (Vertex's body: no `generateContentRequest`),
 *   and express mode `/v1/publishers/google/models/{m}:…` with an API key (those three methods
 *   only, as express mode's REST reference lists).
 * - Text embeddings: `…/models/{m}:predict` for `text-embedding-*` / `text-multilingual-embedding-*`
 *   / `gemini-embedding-001` (`{instances:[{content, task_type?, title?}], parameters?:
 *   {outputDimensionality?, autoTruncate?}}`, unknown names refused; at most 250 instances, one
 *   for Gemini's, 20,000 tokens a call; `title` only with `RETRIEVAL_DOCUMENT`), answering
 *   `{predictions:[{embeddings:{values, statistics:{token_count, truncated}}}], metadata:
 *   {billableCharacterCount}}`; `:embedContent` for the newer Gemini embedding models
 *   (`{content, embedContentConfig?}` → `{embedding:{values}, usageMetadata, truncated}`).
 *   Vectors are `mockVector(content, size)` (768 values, 3072 for Gemini's, or the asked size);
 *   the mock counts a token per 4 characters, 2,048 at most an input (cut, `truncated`, unless
 *   `autoTruncate: false`, a 400), and bills the characters that are not white space.
 * - `POST …/publishers/anthropic/models/{m}:rawPredict` / `:streamRawPredict` (a Messages body
 *   without `model`, with `anthropic_version: vertex-2023-10-16`, `stream` matching the method)
 *   and `…/models/count-tokens:rawPredict` (with `model`). `anthropic-beta` flags listed in
 *   `refusedBetas` get Vertex's 400, and so does an image or document with a URL source ("URL
 *   sources are not supported": Vertex takes inline data only).
 * - `POST …/publishers/{mistralai|ai21}/models/{m}:rawPredict` / `:streamRawPredict`: the partner
 *   models, each answered by its publisher's own API (tests/helpers/mock-vertex-partners.ts: the
 *   publisher's checks, JSON and SSE framing). Project-scoped and OAuth only, as open models.
 * - `POST /v1/projects/{p}/locations/{l}/endpoints/openapi/chat/completions`: the OpenAI-compatible
 *   endpoint of the open models, relayed to the OpenAI mock (chat.completion JSON, `data:` SSE
 *   chunks with the include_usage chunk and `[DONE]`, byte for byte). The body's `model` must be
 *   publisher-qualified and end in `-maas` (400 INVALID_ARGUMENT otherwise); only OAuth tokens
 *   work there (an API key gets Google's 401 for APIs that take none).
 *
 * Every model call needs `Authorization: Bearer` with a live issued token (401 UNAUTHENTICATED
 * otherwise), or the API key where Vertex takes one. A user's token also needs
 * `x-goog-user-project` (403 without, as Vertex answers local ADC without a quota project); that
 * header, when sent, must name one of `quotaProjects`. Faults (`script`): a Google error status
 * (with RetryInfo), a stream cut after N events, an error that echoes the caller's token.
 *
 * @see https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.publishers.models
 * @see https://cloud.google.com/vertex-ai/generative-ai/docs/maas/call-open-model-apis
 * @see https://developers.google.com/identity/protocols/oauth2/service-account#httprest
 * @see https://developers.google.com/identity/protocols/oauth2/web-server#offline
 * @see https://cloud.google.com/docs/authentication/troubleshoot-adc#user-creds-client-based
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startMockAnthropic, type MockAnthropic } from './mock-anthropic-upstream.ts';
import { claudeVersion } from './mock-anthropic-validate.ts';
import { startMockGemini, type MockGemini } from './mock-gemini-upstream.ts';
import { mockVector } from './mock-media-upstream.ts';
import { answerPartner, type PartnerPublisher } from './mock-vertex-partners.ts';
import { startMockOpenAI, type MockOpenAI } from './mock-openai-upstream.ts';
import { responders, startMockHttpServer, type MockHttpServer, type RecordedBase } from './mock-http-server.ts';
import { CLOUD_PLATFORM, verifyAssertion, type AcceptedAssertion, type MockUserCredential } from './mock-vertex-credentials.ts';

export { authorizedUserFile, createServiceAccount, createTestUser, type AcceptedAssertion, type MockUserCredential, type TestServiceAccount } from './mock-vertex-credentials.ts';

type Json = Record<string, unknown>;

/** A fault for the next model call (token calls never take one). */
export interface VertexFault {
  /** Answer with this status and Google's error body. */
  status?: number;
  message?: string;
  /** `google.rpc.RetryInfo.retryDelay` of that error (`"17s"`). */
  retryDelay?: string;
  /** Streams: relay this many events, then reset the connection. */
  dropAfterEvents?: number;
  /** Answer 400 with a message that quotes the caller's bearer token (a careless upstream). */
  echoToken?: boolean;
}

export type RecordedVertexRequest = RecordedBase<VertexFault>;

export interface MockVertexOptions {
  project: string;
  location: string;
  /** The service account the token endpoint accepts, and its public key. */
  clientEmail: string;
  publicKey: CryptoKey;
  /** `expires_in` of issued tokens (default 3600). */
  tokenLifetimeS?: number;
  /** Express-mode / API key accepted instead of a token. */
  apiKey?: string;
  /** `anthropic-beta` flags Vertex refuses. */
  refusedBetas?: string[];
  /** The mock's clock (the gateway's, in tests that move time). */
  now?: () => number;
  /** The gcloud user whose refresh token the token endpoint accepts. */
  user?: MockUserCredential;
  /** Projects `x-goog-user-project` may name (default: `project`). */
  quotaProjects?: string[];
}

export interface MockVertex extends Omit<MockHttpServer<RecordedVertexRequest, VertexFault>, 'requests'> {
  /** `http://127.0.0.1:<port>`: the entry's `base_url`. */
  url: string;
  /** The token endpoint, for the key file's `token_uri`. */
  tokenUri: string;
  /** Model calls only (token exchanges are in `exchanges`). */
  requests: RecordedVertexRequest[];
  exchanges: AcceptedAssertion[];
  /** Refresh-token grants accepted (the client id of each). */
  refreshes: { clientId: string }[];
  /** The user's refresh token stops working (`invalid_grant`), as after a revoke or a password change. */
  revokeRefreshToken(): void;
  /** Tokens issued so far. */
  issued(): string[];
  /** Every issued token stops working (the next call gets 401). */
  revokeTokens(): void;
  gemini: MockGemini;
  anthropic: MockAnthropic;
  openai: MockOpenAI;
}

const { sendJson, sendRaw } = responders('x-vertex-request-id', 2);
const STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL', 503: 'UNAVAILABLE',
};
const VERTEX_ANTHROPIC_VERSION = 'vertex-2023-10-16';
const INNER_KEY = 'inner-mock-key';
const MODEL_PATH = /^\/v1(?:\/projects\/([^/]+)\/locations\/([^/]+))?\/publishers\/(google|anthropic|mistralai|ai21)\/models\/([^/:]+):(\w+)$/;
const OPENAPI_PATH = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/openapi\/chat\/completions$/;
/** An open model's id on the Chat Completions endpoint: `meta/llama-…-maas`, `openai/gpt-oss-120b-maas`. */
const OPEN_MODEL = /^[a-z0-9-]+\/[a-z0-9][\w.-]*-maas$/;
const COUNT_FIELDS = new Set(['contents', 'systemInstruction', 'tools', 'generationConfig', 'model', 'instances']);
/** The methods express mode serves (no project in the path). */
const EXPRESS_METHODS = new Set(['generateContent', 'streamGenerateContent', 'countTokens']);
const TASK_TYPES = new Set(['RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION', 'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY']);
const INSTANCE_FIELDS = new Set(['content', 'task_type', 'title']);
const PREDICT_PARAMETERS = new Set(['outputDimensionality', 'autoTruncate']);
const EMBED_CONFIG_FIELDS = new Set(['taskType', 'title', 'outputDimensionality', 'autoTruncate']);

/** What a model call's path names (express mode: no project or location; open models: the model is in the body). */
interface Route {
  project?: string;
  location?: string;
  publisher: 'google' | 'anthropic' | PartnerPublisher | 'openapi';
  model: string;
  method: string;
}

function routeOf(path: string): Route | undefined {
  const open = OPENAPI_PATH.exec(path);
  if (open) return { project: open[1], location: open[2], publisher: 'openapi', model: '', method: 'chat/completions' };
  const m = MODEL_PATH.exec(path);
  if (!m) return undefined;
  return { project: m[1], location: m[2], publisher: m[3] as Route['publisher'], model: decodeURIComponent(m[4]!), method: m[5]! };
}

function googleError(res: ServerResponse, code: number, message: string, details?: Json[]): void {
  sendJson(res, code, { error: { code, message, status: STATUS[code] ?? 'UNKNOWN', ...(details ? { details } : {}) } });
}

function anthropicError(res: ServerResponse, message: string): void {
  sendJson(res, 400, { type: 'error', error: { type: 'invalid_request_error', message }, request_id: 'req_vrtx_mock' });
}

/**
 * Where a function call or response carries an `id`, as Vertex AI's errors name the places
 * (`contents[3].parts[0].function_response`): unlike the Gemini API, it does not define one.
 */
function callIdPlaces(body: Json): string[] {
  const out: string[] = [];
  const contents = Array.isArray(body.contents) ? (body.contents as Json[]) : [];
  contents.forEach((c, i) => {
    const parts = Array.isArray(c?.parts) ? (c.parts as Json[]) : [];
    parts.forEach((p, j) => {
      for (const [key, name] of [['functionCall', 'function_call'], ['functionResponse', 'function_response']] as const) {
        const v = p?.[key] as Json | undefined;
        if (v && typeof v === 'object' && 'id' in v) out.push(`contents[${i}].parts[${j}].${name}`);
      }
    });
  });
  return out;
}

/** The path of the first image or document block with a URL source (Vertex refuses them), as its errors name it. */
function urlSourceIn(body: Json): string | undefined {
  const scan = (content: unknown, at: string): string | undefined => {
    if (!Array.isArray(content)) return undefined;
    for (const [i, b] of content.entries()) {
      if (b?.type === 'tool_result') {
        const inner = scan(b.content, `${at}.${i}.content`);
        if (inner) return inner;
      }
      if ((b?.type === 'image' || b?.type === 'document') && b.source?.type === 'url') return `${at}.${i}.${b.type}`;
    }
    return undefined;
  };
  for (const [i, m] of ((body.messages as Json[] | undefined) ?? []).entries()) {
    const found = scan(m.content, `messages.${i}.content`);
    if (found) return found;
  }
  return undefined;
}

/** Starts the mock (and its inner Gemini and Anthropic mocks) on random ports of 127.0.0.1. */
export async function startMockVertex(opts: MockVertexOptions): Promise<MockVertex> {
  const now = opts.now ?? Date.now;
  const gemini = await startMockGemini({ apiKey: INNER_KEY });
  const anthropic = await startMockAnthropic({ apiKey: INNER_KEY });
  const openai = await startMockOpenAI({ apiKey: INNER_KEY });
  const tokens = new Map<string, { expiresAt: number; revoked: boolean; user: boolean }>();
  const exchanges: AcceptedAssertion[] = [];
  const refreshes: { clientId: string }[] = [];
  let refreshRevoked = false;
  const quotaProjects = opts.quotaProjects ?? [opts.project];
  const modelCalls: RecordedVertexRequest[] = [];
  const server = await startMockHttpServer<VertexFault, RecordedVertexRequest>('mock-vertex', handle);
  const tokenUri = `http://127.0.0.1:${server.port}/token`;

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedVertexRequest, drop: () => void): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock');
    if (req.method === 'POST' && url.pathname === '/token') return issueToken(res, rec);
    modelCalls.push(rec);
    const route = req.method === 'POST' ? routeOf(url.pathname) : undefined;
    if (!route) return googleError(res, 404, 'The requested URL was not found on this server.');
    const { project, location, publisher, model, method } = route;
    const bearer = /^Bearer (.+)$/.exec(rec.headers.authorization ?? '')?.[1];
    const key = rec.headers['x-goog-api-key'] ?? url.searchParams.get('key');
    const byKey = opts.apiKey !== undefined && key === opts.apiKey && publisher === 'google';
    if (publisher !== 'google' && publisher !== 'anthropic' && key !== null && key !== undefined) {
      return googleError(res, 401, 'API keys are not supported by this API. Expected OAuth2 access token or other authentication credentials that assert a principal. See https://cloud.google.com/docs/authentication');
    }
    if (!byKey) {
      const live = bearer ? tokens.get(bearer) : undefined;
      if (!project || !live || live.revoked || now() >= live.expiresAt) {
        return googleError(res, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.');
      }
      const quota = rec.headers['x-goog-user-project'];
      if (live.user && quota === undefined) {
        return googleError(res, 403, 'Your application is authenticating by using local Application Default Credentials. The aiplatform.googleapis.com API requires a quota project, which is not set by default.');
      }
      if (quota !== undefined && !quotaProjects.includes(quota)) {
        return googleError(res, 403, `Caller does not have required permission to use project ${quota}. Grant the caller the roles/serviceusage.serviceUsageConsumer role.`);
      }
    }
    if (project === undefined && publisher === 'google' && !EXPRESS_METHODS.has(method)) {
      return googleError(res, 404, `Method ${method} is not available in express mode.`);
    }
    if (project !== undefined && (project !== opts.project || location !== opts.location)) {
      return googleError(res, 403, `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${project}/locations/${location}' (or it may not exist).`);
    }
    const fault = server.nextFault();
    if (fault) rec.fault = fault;
    if (fault?.echoToken) return googleError(res, 400, `Malformed request for credential ${bearer ?? key}.`);
    if (fault?.status) {
      const details = fault.retryDelay ? [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: fault.retryDelay }] : undefined;
      return googleError(res, fault.status, fault.message ?? `Mock ${STATUS[fault.status] ?? 'error'}`, details);
    }
    const body = (rec.body ?? {}) as Json;
    if (publisher === 'google') return google(res, model, method, url.search, body, fault, drop);
    if (publisher === 'openapi') return openModel(res, body, fault, drop);
    if (publisher === 'anthropic') return claude(res, rec, model, method, body, fault, drop);
    if (method !== 'rawPredict' && method !== 'streamRawPredict') return googleError(res, 404, `Method ${method} not found.`);
    return answerPartner(res, { publisher, model, method, body, dropAfterEvents: fault?.dropAfterEvents }, { sendRaw, drop });
  }

  /** Chat Completions of an open model: the publisher-qualified `model` checked, the OpenAI mock's answer relayed. */
  async function openModel(res: ServerResponse, body: Json, fault: VertexFault | undefined, drop: () => void) {
    if (typeof body.model !== 'string' || !OPEN_MODEL.test(body.model)) {
      return googleError(res, 400, `Model ${JSON.stringify(body.model ?? null)} is not a supported open model: use a publisher-qualified id such as "meta/llama-4-maverick-17b-128e-instruct-maas".`);
    }
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${INNER_KEY}` };
    await relay(res, await fetch(`${openai.url}/chat/completions`, { method: 'POST', headers, body: JSON.stringify(body) }), fault, drop);
  }

  async function issueToken(res: ServerResponse, rec: RecordedVertexRequest): Promise<void> {
    if (!(rec.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'Invalid content type: the token request must be form-encoded.' });
    }
    const form = new URLSearchParams(typeof rec.body === 'string' ? rec.body : '');
    if (form.get('grant_type') === 'refresh_token') return refreshGrant(res, form);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return sendJson(res, 400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type.' });
    }
    const claims = await verifyAssertion(form.get('assertion') ?? '', opts, tokenUri, now());
    if (typeof claims === 'string') return sendJson(res, 400, { error: 'invalid_grant', error_description: claims });
    exchanges.push(claims);
    issue(res, `canary-vtx-${exchanges.length}-${crypto.randomUUID()}`, false);
  }

  /** The refresh-token grant, checked field by field as Google does. */
  function refreshGrant(res: ServerResponse, form: URLSearchParams): void {
    const user = opts.user;
    const extra = [...form.keys()].filter((k) => !['grant_type', 'client_id', 'client_secret', 'refresh_token', 'scope'].includes(k));
    if (extra.length > 0 || form.getAll('refresh_token').length !== 1) {
      return sendJson(res, 400, { error: 'invalid_request', error_description: `Unexpected or repeated parameter(s): ${extra.join(', ') || 'refresh_token'}.` });
    }
    if (!user || form.get('client_id') !== user.clientId) return sendJson(res, 401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    if (form.get('client_secret') !== user.clientSecret) return sendJson(res, 401, { error: 'invalid_client', error_description: 'Unauthorized' });
    if (form.get('refresh_token') !== user.refreshToken) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
    if (refreshRevoked) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
    refreshes.push({ clientId: user.clientId });
    issue(res, `canary-vtx-u${refreshes.length}-${crypto.randomUUID()}`, true, { scope: `openid ${CLOUD_PLATFORM}` });
  }

  function issue(res: ServerResponse, token: string, user: boolean, extra: Json = {}): void {
    const lifetime = opts.tokenLifetimeS ?? 3600;
    tokens.set(token, { expiresAt: now() + lifetime * 1000, revoked: false, user });
    sendJson(res, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer', ...extra });
  }

  async function google(res: ServerResponse, model: string, method: string, search: string, body: Json, fault: VertexFault | undefined, drop: () => void) {
    if (method === 'countTokens') {
      const unknown = Object.keys(body).find((k) => !COUNT_FIELDS.has(k));
      if (unknown) return googleError(res, 400, `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
      if (!Array.isArray(body.contents)) return googleError(res, 400, 'contents is required.');
      const n = Math.max(1, Math.ceil(JSON.stringify([body.systemInstruction ?? '', body.contents, body.tools ?? []]).length / 4));
      return sendJson(res, 200, { totalTokens: n, totalBillableCharacters: n * 4, promptTokensDetails: [{ modality: 'TEXT', tokenCount: n }] });
    }
    if (method === 'predict') return predict(res, model, body);
    if (method === 'embedContent') return embedContent(res, model, body);
    if (method !== 'generateContent' && method !== 'streamGenerateContent') return googleError(res, 404, `Method ${method} not found.`);
    const ids = callIdPlaces(body);
    if (ids.length > 0) {
      const lines = ids.map((at) => `Invalid JSON payload received. Unknown name "id" at '${at}': Cannot find field.`);
      return googleError(res, 400, lines.join('\n'), [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: ids.map((field, i) => ({ field, description: lines[i] })) }]);
    }
    const inner = `${gemini.url}/v1beta/models/${encodeURIComponent(model)}:${method}${search}`;
    await relay(res, await fetch(inner, { method: 'POST', headers: { 'content-type': 'application/json', 'x-goog-api-key': INNER_KEY }, body: JSON.stringify(body) }), fault, drop);
  }

  async function claude(res: ServerResponse, rec: RecordedVertexRequest, model: string, method: string, body: Json, fault: VertexFault | undefined, drop: () => void) {
    if (body.anthropic_version !== VERTEX_ANTHROPIC_VERSION) return anthropicError(res, 'anthropic_version: Input should be \'vertex-2023-10-16\'');
    const urlSource = urlSourceIn(body);
    if (urlSource) return anthropicError(res, `${urlSource}.source.base64.data: URL sources are not supported`);
    const betas = (rec.headers['anthropic-beta'] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const refused = betas.filter((f) => opts.refusedBetas?.includes(f));
    if (refused.length > 0) {
      return anthropicError(res, `Unexpected value(s) ${refused.map((f) => `\`${f}\``).join(', ')} for the \`anthropic-beta\` header. Please consult our documentation at docs.anthropic.com or try again without the header.`);
    }
    const { anthropic_version: _v, ...messages } = body;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-api-key': INNER_KEY, 'anthropic-version': rec.headers['anthropic-version'] ?? '2023-06-01' };
    if (betas.length > 0) headers['anthropic-beta'] = betas.join(',');
    if (model === 'count-tokens') {
      if (method !== 'rawPredict' || typeof body.model !== 'string') return anthropicError(res, 'model: Field required');
      return relay(res, await fetch(`${anthropic.url}/messages/count_tokens`, { method: 'POST', headers, body: JSON.stringify(messages) }), fault, drop);
    }
    if ('model' in body) return anthropicError(res, 'model: Extra inputs are not permitted');
    // Vertex checks the body against the schema of the model's generation: before 4.6 it has no adaptive thinking.
    if ((body.thinking as Json | undefined)?.type === 'adaptive' && (claudeVersion(model)?.version ?? 5) < 4.6) {
      return anthropicError(res, "thinking: Input tag 'adaptive' found using 'type' does not match any of the expected tags: 'disabled', 'enabled'");
    }
    if (method !== 'rawPredict' && method !== 'streamRawPredict') return googleError(res, 404, `Method ${method} not found.`);
    if ((method === 'streamRawPredict') !== (body.stream === true)) return anthropicError(res, `stream: ${method} takes stream ${method === 'streamRawPredict'}`);
    await relay(res, await fetch(`${anthropic.url}/messages`, { method: 'POST', headers, body: JSON.stringify({ ...messages, model }) }), fault, drop);
  }

  /** `:predict` of a text embedding model, checked as Vertex checks it. */
  function predict(res: ServerResponse, model: string, body: Json): void {
    const unknown = Object.keys(body).find((k) => k !== 'instances' && k !== 'parameters');
    if (unknown) return googleError(res, 400, `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
    if (!/^(text-embedding|text-multilingual-embedding|gemini-embedding-001)/.test(model)) {
      return googleError(res, 400, `Model ${model} does not serve text embeddings through predict.`);
    }
    const instances = body.instances;
    if (!Array.isArray(instances) || instances.length === 0) return googleError(res, 400, 'instances is required.');
    const max = model.startsWith('gemini') ? 1 : 250;
    if (instances.length > max) {
      return googleError(res, 400, max === 1
        ? `Unable to submit request because batchSize must be 1 but the entered value was ${instances.length}.`
        : `${max} instance(s) is allowed per prediction. Actual: ${instances.length}`);
    }
    const params = (body.parameters ?? {}) as Json;
    const badParam = Object.keys(params).find((k) => !PREDICT_PARAMETERS.has(k));
    if (badParam) return googleError(res, 400, `Invalid parameter "${badParam}".`);
    for (const i of instances as Json[]) {
      const field = Object.keys(i ?? {}).find((k) => !INSTANCE_FIELDS.has(k));
      if (field) return googleError(res, 400, `Invalid instance: unknown field "${field}".`);
      const bad = embedOptionError(i.content, i.task_type, i.title);
      if (bad) return googleError(res, 400, bad);
    }
    const size = embedSize(model, params.outputDimensionality);
    if (typeof size === 'string') return googleError(res, 400, size);
    const texts = (instances as Json[]).map((i) => i.content as string);
    const total = texts.reduce((n, t) => n + tokensOf(t), 0);
    if (total > 20_000) return googleError(res, 400, `Unable to submit request because the input token count is ${total} but the model supports up to 20000. Reduce the input token count and try again.`);
    const cut = texts.find((t) => tokensOf(t) > 2048);
    if (cut !== undefined && params.autoTruncate === false) return googleError(res, 400, `The input token count is ${tokensOf(cut)} but the model supports up to 2048.`);
    sendJson(res, 200, {
      predictions: texts.map((t) => ({ embeddings: { values: mockVector(t, size), statistics: { token_count: Math.min(2048, tokensOf(t)), truncated: tokensOf(t) > 2048 } } })),
      metadata: { billableCharacterCount: texts.reduce((n, t) => n + t.replace(/\s/g, '').length, 0) },
    });
  }

  /** `:embedContent` of a newer Gemini embedding model: one content. */
  function embedContent(res: ServerResponse, model: string, body: Json): void {
    if (!model.startsWith('gemini-embedding') || model === 'gemini-embedding-001') {
      return googleError(res, 400, `Model ${model} does not serve embedContent.`);
    }
    const unknown = Object.keys(body).find((k) => k !== 'content' && k !== 'embedContentConfig');
    if (unknown) return googleError(res, 400, `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`);
    const config = (body.embedContentConfig ?? {}) as Json;
    const badConfig = Object.keys(config).find((k) => !EMBED_CONFIG_FIELDS.has(k));
    if (badConfig) return googleError(res, 400, `Invalid JSON payload received. Unknown name "${badConfig}" at 'embed_content_config': Cannot find field.`);
    const parts = (body.content as { parts?: Array<{ text?: unknown }> } | undefined)?.parts;
    const text = Array.isArray(parts) && parts.length === 1 ? parts[0]?.text : undefined;
    const bad = embedOptionError(text, config.taskType, config.title);
    if (bad) return googleError(res, 400, bad);
    const size = embedSize(model, config.outputDimensionality);
    if (typeof size === 'string') return googleError(res, 400, size);
    const tokens = Math.min(2048, tokensOf(text as string));
    sendJson(res, 200, { embedding: { values: mockVector(text as string, size) }, usageMetadata: { promptTokenCount: tokens, totalTokenCount: tokens }, truncated: false });
  }

  const { stop: stopFront, reset: resetFront } = server;
  return Object.assign(server, {
    url: `http://127.0.0.1:${server.port}`,
    tokenUri,
    requests: modelCalls,
    exchanges,
    refreshes,
    revokeRefreshToken() {
      refreshRevoked = true;
    },
    issued: () => [...tokens.keys()],
    revokeTokens() {
      for (const t of tokens.values()) t.revoked = true;
    },
    gemini,
    anthropic,
    openai,
    async stop() {
      await Promise.all([stopFront(), gemini.stop(), anthropic.stop(), openai.stop()]);
    },
    reset() {
      resetFront();
      modelCalls.length = 0;
      gemini.reset();
      anthropic.reset();
      openai.requests.length = 0;
    },
  });
}

/** Why a text, task type and title are refused, or undefined. */
function embedOptionError(text: unknown, taskType: unknown, title: unknown): string | undefined {
  if (typeof text !== 'string' || text === '') return 'The text content is empty.';
  if (taskType !== undefined && !TASK_TYPES.has(taskType as string)) return `Invalid task type ${String(taskType)}.`;
  if (title !== undefined && taskType !== 'RETRIEVAL_DOCUMENT') return 'Title is only valid with task_type=RETRIEVAL_DOCUMENT.';
  return undefined;
}

/** The vector size asked (a whole number up to the model's), the model's own when none, or why it is refused. */
function embedSize(model: string, asked: unknown): number | string {
  const full = model.startsWith('gemini') ? 3072 : 768;
  if (asked === undefined) return full;
  return Number.isInteger(asked) && (asked as number) >= 1 && (asked as number) <= full ? (asked as number) : `outputDimensionality must be between 1 and ${full}.`;
}

/** The mock's token count: one per 4 characters. */
const tokensOf = (text: string): number => Math.max(1, Math.ceil(text.length / 4));

/**
 * Relays an inner mock's answer: status, content type and body bytes as they come. With
 * `dropAfterEvents`, the SSE events are counted (`\n\n` or `\r\n\r\n`) and the connection is
 * reset after that many.
 */
async function relay(res: ServerResponse, inner: Response, fault: VertexFault | undefined, drop: () => void): Promise<void> {
  if (!inner.body || fault?.dropAfterEvents === undefined) {
    return sendRaw(res, inner.status, inner.headers.get('content-type') ?? 'application/json', await inner.text());
  }
  res.writeHead(inner.status, { 'content-type': inner.headers.get('content-type') ?? 'text/event-stream' });
  let buffered = '';
  let events = 0;
  const decoder = new TextDecoder();
  for await (const chunk of inner.body) {
    buffered += decoder.decode(chunk, { stream: true });
    let cut: RegExpExecArray | null;
    while ((cut = /\r?\n\r?\n/.exec(buffered))) {
      if (events === fault.dropAfterEvents) {
        await new Promise((r) => setTimeout(r, 20)); // what was written leaves before the reset
        return drop();
      }
      res.write(buffered.slice(0, cut.index + cut[0].length));
      buffered = buffered.slice(cut.index + cut[0].length);
      events++;
    }
  }
  res.end(buffered);
}
