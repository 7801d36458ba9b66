/**
 * A fake Kiro: AWS SSO-OIDC (`/client/register`, `/device_authorization`, `/token` with
 * camelCase JSON, RFC 8628 error codes with HTTP 400 and `x-amzn-errortype`), the Kiro auth
 * service's social refresh (`/refreshToken`), `getUsageLimits`, and `generateAssistantResponse`,
 * which checks the `conversationState` envelope like the real service (alternating history,
 * tool results answering the previous tool uses, a known model id) and answers with the AWS
 * binary event stream, frames split across network chunks. An expired or unknown bearer token
 * gets 403 AccessDeniedException, as AWS answers.
 */
import { encodeAwsEventMessage } from '../../core/util/aws-event-stream.ts';
import { MockOAuthCore } from './mock-oauth-server.ts';

export const MOCK_KR_EMAIL = 'kiro@example.test';
export const MOCK_KR_ARN = 'arn:aws:codewhisperer:us-east-1:000000000000:profile/MOCKPROFILE';
const MODELS = new Set(['claude-sonnet-4.5', 'claude-haiku-4.5', 'claude-opus-4.5', 'claude-sonnet-4', 'auto']);

type Json = Record<string, unknown>;
interface Device { userCode: string; clientId: string; approved: boolean; script: string[] }

export interface MockKiro {
  url: string;
  /** Token registry (issued / valid / refresh counters); `refreshCalls` counts both refresh kinds. */
  oauth: MockOAuthCore;
  registrations: Json[];
  /** Registered clients: id → secret. */
  clients: Map<string, string>;
  deviceStarts: Json[];
  chats: Array<{ headers: Headers; body: Json; status: number }>;
  usage: Json;
  /** Status for a dead bearer token: 403 AccessDeniedException (AWS's usual answer) or 401. */
  expiredStatus: 401 | 403;
  /**
   * Makes the answers fail: a corrupted first frame, an exception frame instead of the answer, a
   * body cut inside its first frame, or a corrupted last frame (after the content).
   */
  fault?: 'corrupt' | 'exception' | 'truncate' | 'corrupt-late';
  approve(userCode: string, script?: string[]): void;
  /** A social (Google) login's token pair, as Kiro would write it. */
  issueSocial(): { accessToken: string; refreshToken: string };
  oauthYaml(): string;
  stop(): Promise<void>;
}

const awsError = (status: number, type: string, message: string) =>
  Response.json({ message, __type: `com.amazon.aws.codewhisperer#${type}` }, { status, headers: { 'x-amzn-errortype': type } });
const oidcError = (error: string, type: string) => Response.json({ error, error_description: error }, { status: 400, headers: { 'x-amzn-errortype': type } });

const event = (type: string, payload: unknown) =>
  encodeAwsEventMessage({ ':message-type': 'event', ':event-type': type, ':content-type': 'application/json' }, JSON.stringify(payload));

/** Problems a real Kiro would refuse the envelope for (empty = acceptable). */
function envelopeProblem(body: Json): string | undefined {
  const cs = body.conversationState as Json | undefined;
  const cur = (cs?.currentMessage as Json | undefined)?.userInputMessage as Json | undefined;
  if (!cs || cs.chatTriggerType !== 'MANUAL' || typeof cs.conversationId !== 'string' || !cur) return 'no conversationState';
  if (typeof cur.content !== 'string' || !cur.content || cur.origin !== 'AI_EDITOR' || !MODELS.has(String(cur.modelId))) return 'bad currentMessage';
  const history = (cs.history as Json[] | undefined) ?? [];
  for (let i = 0; i < history.length; i++) {
    const want = i % 2 === 0 ? 'userInputMessage' : 'assistantResponseMessage';
    if (!(want in history[i]!)) return `history[${i}] is not a ${want}`;
    const u = history[i]!.userInputMessage as Json | undefined;
    if (u && (!u.content || (u.userInputMessageContext as Json | undefined)?.tools)) return `history[${i}] is empty or has tools`;
  }
  if (history.length % 2 !== 0) return 'history does not end with an assistant turn';
  const results = ((cur.userInputMessageContext as Json | undefined)?.toolResults as Json[] | undefined) ?? [];
  const uses = (((history.at(-1)?.assistantResponseMessage as Json | undefined)?.toolUses as Json[] | undefined) ?? []).map((u) => u.toolUseId);
  if (results.some((r) => !uses.includes(r.toolUseId))) return 'a tool result answers no tool use';
  return undefined;
}

/** The event frames of the answer: a tool call when a tool is offered and asked for, else an echo. */
function answerFrames(body: Json): Uint8Array[] {
  const cur = ((body.conversationState as Json).currentMessage as Json).userInputMessage as Json;
  const ctx = (cur.userInputMessageContext as Json | undefined) ?? {};
  const tools = (ctx.tools as Array<{ toolSpecification: { name: string } }> | undefined) ?? [];
  const results = (ctx.toolResults as Array<{ content: Array<{ text: string }> }> | undefined) ?? [];
  const text = String(cur.content);
  const frames: Uint8Array[] = [];
  if (tools.length > 0 && text.includes('weather')) {
    const base = { toolUseId: 'tooluse_mock_1', name: tools[0]!.toolSpecification.name };
    frames.push(event('assistantResponseEvent', { content: 'Checking.' }), event('toolUseEvent', base),
      event('toolUseEvent', { ...base, input: '{"city":' }), event('toolUseEvent', { ...base, input: '"Paris"}' }), event('toolUseEvent', { ...base, stop: true }));
  } else {
    const reply = results.length > 0 ? `tool said: ${results.map((r) => r.content.map((c) => c.text).join('')).join(' ')}` : text;
    const cut = Math.ceil(reply.length / 2);
    frames.push(event('assistantResponseEvent', { content: reply.slice(0, cut) }), event('assistantResponseEvent', { content: reply.slice(cut) }));
  }
  frames.push(event('meteringEvent', { unit: 'credit', unitPlural: 'credits', usage: 0.02 }), event('contextUsageEvent', { contextUsagePercentage: 1.5 }));
  return frames;
}

/** Frames as a byte stream whose chunks never line up with frame boundaries. */
function chunked(frames: Uint8Array[], fault: MockKiro['fault']): ReadableStream<Uint8Array> {
  const all = Buffer.concat(fault === 'exception'
    ? [encodeAwsEventMessage({ ':message-type': 'exception', ':exception-type': 'ThrottlingException' }, '{"message":"Too many requests"}')]
    : frames);
  if (fault === 'corrupt') all[20] ^= 0xff;
  if (fault === 'corrupt-late') all[all.length - 30] ^= 0xff;
  const bytes = fault === 'truncate' ? all.subarray(0, 30) : all;
  return new ReadableStream({
    start(c) {
      for (let i = 0; i < bytes.length; i += 37) c.enqueue(bytes.subarray(i, i + 37));
      c.close();
    },
  });
}

/** Starts the mock on 127.0.0.1 (random port). */
export async function startMockKiro(): Promise<MockKiro> {
  const oauth = new MockOAuthCore({ clientId: 'unused', prefix: 'canary-kr' });
  const devices = new Map<string, Device>();
  let n = 0;
  const state = {
    registrations: [] as Json[], clients: new Map<string, string>(), deviceStarts: [] as Json[], chats: [] as MockKiro['chats'],
    usage: {
      usageBreakdownList: [{ resourceType: 'CREDIT', currentUsageWithPrecision: 12.5, usageLimitWithPrecision: 50, freeTrialInfo: { freeTrialStatus: 'ACTIVE', currentUsageWithPrecision: 0, usageLimitWithPrecision: 50 } }],
      nextDateReset: 1_900_000_000, userInfo: { email: MOCK_KR_EMAIL },
    } as Json,
    fault: undefined as MockKiro['fault'],
    expiredStatus: 403 as 401 | 403,
  };
  const pair = (extra: Json = {}) => {
    const t = oauth.issue() as { access_token: string; refresh_token: string; expires_in: number };
    return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresIn: t.expires_in, tokenType: 'Bearer', ...extra };
  };
  const clientOk = (b: Json) => typeof b.clientId === 'string' && state.clients.get(b.clientId) === b.clientSecret;

  async function oidcToken(b: Json): Promise<Response> {
    if (!clientOk(b)) return Response.json({ error: 'invalid_client', error_description: 'unknown client' }, { status: 401, headers: { 'x-amzn-errortype': 'InvalidClientException' } });
    if (b.grantType === 'refresh_token') {
      oauth.refreshCalls++;
      if (typeof b.refreshToken !== 'string' || oauth.refresh.get(b.refreshToken) !== true) return oidcError('invalid_grant', 'InvalidGrantException');
      oauth.refresh.set(b.refreshToken, false);
      return Response.json(pair());
    }
    const d = devices.get(String(b.deviceCode));
    if (!d || d.clientId !== b.clientId) return oidcError('invalid_grant', 'InvalidGrantException');
    const scripted = d.script.shift();
    if (scripted) return oidcError(scripted, 'AuthorizationPendingException');
    if (!d.approved) return oidcError('authorization_pending', 'AuthorizationPendingException');
    devices.delete(String(b.deviceCode));
    return Response.json(pair());
  }

  async function chat(req: Request): Promise<Response> {
    const body = (await req.json()) as Json;
    const rec = { headers: req.headers, body, status: 0 };
    state.chats.push(rec);
    const answer = (r: Response) => {
      rec.status = r.status;
      return r;
    };
    if (!oauth.bearer(req)) {
      return answer(state.expiredStatus === 401 ? awsError(401, 'UnauthorizedException', 'Token expired.') : awsError(403, 'AccessDeniedException', 'The bearer token included in the request is invalid.'));
    }
    const problem = envelopeProblem(body);
    if (problem) return answer(awsError(400, 'ValidationException', `Improperly formed request: ${problem}`));
    return answer(new Response(chunked(answerFrames(body), state.fault), { headers: { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': crypto.randomUUID() } }));
  }

  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const route = `${req.method} ${url.pathname}`;
      const json = async () => (req.headers.get('content-type')?.includes('application/json') ? ((await req.json()) as Json) : {});
      if (route === 'POST /client/register') {
        const b = await json();
        state.registrations.push(b);
        const clientId = `mock-kr-client-${++n}`;
        const clientSecret = `canary-kr-cs-${n}-${crypto.randomUUID()}`;
        state.clients.set(clientId, clientSecret);
        return Response.json({ clientId, clientSecret, clientIdIssuedAt: 1, clientSecretExpiresAt: 4_000_000_000 });
      }
      if (route === 'POST /device_authorization') {
        const b = await json();
        state.deviceStarts.push(b);
        if (!clientOk(b) || typeof b.startUrl !== 'string') return oidcError('invalid_request', 'InvalidRequestException');
        const deviceCode = `kr-dev-${++n}`;
        const userCode = `KIRO-${1000 + n}`;
        devices.set(deviceCode, { userCode, clientId: String(b.clientId), approved: false, script: [] });
        return Response.json({ deviceCode, userCode, verificationUri: 'https://device.sso.example.test/', verificationUriComplete: `https://device.sso.example.test/?user_code=${userCode}`, expiresIn: 600, interval: 1 });
      }
      if (route === 'POST /token') return oidcToken(await json());
      if (route === 'POST /refreshToken') {
        const b = await json();
        oauth.refreshCalls++;
        if (typeof b.refreshToken !== 'string' || oauth.refresh.get(b.refreshToken) !== true) return Response.json({ message: 'Invalid refresh token' }, { status: 401 });
        oauth.refresh.set(b.refreshToken, false);
        return Response.json(pair({ profileArn: MOCK_KR_ARN }));
      }
      if (route === 'GET /getUsageLimits') return oauth.bearer(req) ? Response.json(state.usage) : awsError(403, 'AccessDeniedException', 'invalid token');
      if (route === 'POST /generateAssistantResponse') return chat(req);
      return awsError(404, 'ResourceNotFoundException', 'not found');
    },
  });
  const base = `http://127.0.0.1:${server.port}`;
  return Object.assign(state, {
    url: base, oauth,
    approve(userCode: string, script: string[] = []) {
      for (const d of devices.values()) {
        if (d.userCode !== userCode) continue;
        d.script.push(...script);
        d.approved = true;
      }
    },
    issueSocial() {
      const p = pair();
      return { accessToken: p.accessToken, refreshToken: p.refreshToken };
    },
    oauthYaml: () => `{ register_url: "${base}/client/register", device_code_url: "${base}/device_authorization", token_url: "${base}/token", social_refresh_url: "${base}/refreshToken", usage_url: "${base}/getUsageLimits" }`,
    async stop() {
      await server.stop(true);
    },
  });
}
