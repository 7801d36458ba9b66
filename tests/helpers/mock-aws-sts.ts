/**
 * A fake of the AWS credential services the Bedrock provider calls for a profile, on one
 * node:http server on 127.0.0.1 (point AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_SSO and
 * AWS_ENDPOINT_URL_SSO_OIDC, or AWS_ENDPOINT_URL, at `url`), with the real wire formats:
 *
 * - STS (query protocol, `POST /`, form body, XML answers): `AssumeRole`, its SigV4 signature
 *   verified on its own (`sigV4Signature` of the mock Bedrock: scope region and service `sts`,
 *   `x-amz-date` within 5 minutes of the mock's clock, the source's session token signed and
 *   current) against the source keys it knows (`sources`); `AssumeRoleWithWebIdentity`,
 *   unsigned, with a token it knows. Refusals are `<ErrorResponse><Error><Type/><Code/><Message/>`.
 * - The SSO portal's GetRoleCredentials (`GET /federation/credentials?account_id&role_name`,
 *   `x-amz-sso_bearer_token`): JSON `{"roleCredentials": {…, "expiration": <epoch ms>}}`; an
 *   unknown token is a 401 UnauthorizedException, a role not granted a 403 ForbiddenException.
 * - SSO OIDC's CreateToken for `refresh_token` (`POST /token`, JSON): a new access token (valid
 *   at the portal from then on) and a rotated refresh token; an unknown client or refresh token
 *   is a 400 `invalid_grant`.
 *
 * Every key set it issues is new (`ASIAMOCK…`, secrets and tokens starting `canary-`), added to
 * `sources` (temporary keys may assume further roles), and handed to `onIssue` (a test adds it
 * to the mock Bedrock's accepted keys). Their lifetime is `lifetimeMs` when set, else the
 * request's DurationSeconds, else an hour, counted on the mock's clock (`now`).
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sigV4Signature } from './mock-bedrock.ts';
import { responders, startMockHttpServer, type MockHttpServer, type RecordedBase } from './mock-http-server.ts';

export interface AwsKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** A scripted refusal of the next request: its HTTP status and error code. */
export interface AwsFault {
  status: number;
  code: string;
}

export interface RecordedAws extends RecordedBase<AwsFault> {
  service: 'sts' | 'sso' | 'oidc' | 'unknown';
  /** STS Action, `GetRoleCredentials`, or `CreateToken`. */
  action?: string;
  /** STS: the form; SSO: the query; OIDC: the JSON body. */
  params: Record<string, string>;
  /** STS AssumeRole: the access key id that signed it. */
  accessKeyId?: string;
  status: number;
  problem?: string;
}

export interface MockAwsOptions {
  /** The mock's clock (expirations, signature time): default `Date.now`. */
  now?: () => number;
  /** The region STS signatures must be scoped to (default us-east-1). */
  region?: string;
  /** Keys that may call AssumeRole. */
  sources?: AwsKeys[];
  /** Role ARNs that may be assumed (any other: AccessDenied). */
  roles?: string[];
  /** Tokens AssumeRoleWithWebIdentity accepts. */
  webIdentityTokens?: string[];
  /** SSO: access tokens the portal accepts, the `account/role` pairs it grants, and the OIDC clients with their refresh tokens. */
  sso?: {
    accessTokens?: string[];
    roles?: string[];
    clients?: Array<{ clientId: string; clientSecret: string; refreshTokens: string[] }>;
  };
  onIssue?(keys: AwsKeys): void;
}

export interface MockAws extends MockHttpServer<RecordedAws, AwsFault> {
  url: string;
  /** Keys it accepts as AssumeRole sources, read at each request. */
  sources: AwsKeys[];
  /** Access tokens the portal accepts, read at each request. */
  accessTokens: string[];
  /** Keys issued so far, in order. */
  issued: AwsKeys[];
  /** Lifetime of the keys issued from now on (undefined: DurationSeconds, else an hour). */
  lifetimeMs?: number;
}

const { sendJson, sendRaw } = responders('x-amzn-requestid');
const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function stsError(res: ServerResponse, status: number, code: string, message: string): void {
  sendRaw(res, status, 'text/xml', `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${esc(message)}</Message>\n  </Error>\n  <RequestId>mock</RequestId>\n</ErrorResponse>\n`);
}

function stsCredentials(res: ServerResponse, action: string, keys: AwsKeys, expiresAt: number, roleArn: string): void {
  const expiration = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
  sendRaw(res, 200, 'text/xml', `<${action}Response xmlns="${STS_NS}">
  <${action}Result>
    <AssumedRoleUser>
      <AssumedRoleId>AROAMOCK:session</AssumedRoleId>
      <Arn>${esc(roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/'))}/session</Arn>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${keys.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${esc(keys.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${esc(keys.sessionToken!)}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
  </${action}Result>
  <ResponseMetadata>
    <RequestId>mock</RequestId>
  </ResponseMetadata>
</${action}Response>
`);
}

/** Why an AssumeRole signature is refused (code, message), or undefined when it verifies. */
function signatureProblem(rec: RecordedAws, raw: string, sources: AwsKeys[], region: string, now: number): [string, string] | undefined {
  const auth = rec.headers.authorization ?? '';
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) return ['MissingAuthenticationToken', 'Request is missing Authentication Token'];
  const parts = Object.fromEntries(auth.slice(17).split(/,\s*/).map((kv) => kv.split('=') as [string, string]));
  const [keyId, day, scopeRegion, service, terminator] = (parts.Credential ?? '').split('/');
  rec.accessKeyId = keyId;
  const creds = sources.find((c) => c.accessKeyId === keyId);
  if (!creds) return ['InvalidClientTokenId', 'The security token included in the request is invalid.'];
  if (scopeRegion !== region || service !== 'sts' || terminator !== 'aws4_request') return ['SignatureDoesNotMatch', `Credential should be scoped to a valid region and service: ${parts.Credential}`];
  const amzDate = rec.headers['x-amz-date'] ?? '';
  const at = Date.parse(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  if (!amzDate.startsWith(day ?? '-') || !(Math.abs(now - at) < 5 * 60_000)) return ['SignatureDoesNotMatch', 'Signature expired'];
  const signed = (parts.SignedHeaders ?? '').split(';');
  for (const need of ['host', 'x-amz-date', 'content-type', ...(creds.sessionToken ? ['x-amz-security-token'] : [])]) {
    if (!signed.includes(need)) return ['SignatureDoesNotMatch', `${need} must be signed`];
  }
  if (rec.headers['x-amz-security-token'] !== creds.sessionToken) return ['InvalidClientTokenId', 'The security token included in the request is invalid.'];
  const bodyHash = createHash('sha256').update(raw).digest('hex');
  const expected = sigV4Signature({ method: 'POST', path: rec.path.split('?')[0]!, headers: rec.headers, signed, bodyHash, secretAccessKey: creds.secretAccessKey, amzDate, region, service: 'sts' });
  if (parts.Signature !== expected) return ['SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.'];
  return undefined;
}

export async function startMockAwsSts(opts: MockAwsOptions = {}): Promise<MockAws> {
  const now = opts.now ?? Date.now;
  const region = opts.region ?? 'us-east-1';
  const sources = [...(opts.sources ?? [])];
  const accessTokens = [...(opts.sso?.accessTokens ?? [])];
  const clients = (opts.sso?.clients ?? []).map((c) => ({ ...c, refreshTokens: [...c.refreshTokens] }));
  const issued: AwsKeys[] = [];
  let n = 0;
  const issue = (kind: string): AwsKeys => {
    n++;
    const keys = { accessKeyId: `ASIAMOCK${kind}${String(n).padStart(8, '0')}`, secretAccessKey: `canary-${kind.toLowerCase()}-secret-${n}/K7MDENG+bPxRfiCY`, sessionToken: `canary-${kind.toLowerCase()}-session-${n}-IQoJb3JpZ2luX2Vj` };
    issued.push(keys);
    sources.push(keys);
    opts.onIssue?.(keys);
    return keys;
  };
  const lifetime = (durationSeconds?: string) => mock.lifetimeMs ?? (durationSeconds ? Number(durationSeconds) * 1000 : 3600_000);

  const sts = (rec: RecordedAws, res: ServerResponse, raw: string) => {
    const form = Object.fromEntries(new URLSearchParams(raw));
    rec.service = 'sts';
    rec.params = form;
    rec.action = form.Action;
    const refuse = (status: number, code: string, message: string) => {
      rec.status = status;
      rec.problem = `${code}: ${message}`;
      stsError(res, status, code, message);
    };
    if (form.Action !== 'AssumeRole' && form.Action !== 'AssumeRoleWithWebIdentity') return refuse(400, 'InvalidAction', `Could not find operation ${form.Action}`);
    if (form.Version !== '2011-06-15') return refuse(400, 'InvalidParameterValue', 'Version must be 2011-06-15');
    if (!/^[\w+=,.@-]{2,64}$/.test(form.RoleSessionName ?? '')) return refuse(400, 'ValidationError', 'RoleSessionName is invalid');
    if (form.DurationSeconds && !(Number(form.DurationSeconds) >= 900 && Number(form.DurationSeconds) <= 43_200)) return refuse(400, 'ValidationError', 'DurationSeconds is out of range');
    if (form.Action === 'AssumeRole') {
      const problem = signatureProblem(rec, raw, sources, region, now());
      if (problem) return refuse(403, ...problem);
    } else if (rec.headers.authorization || !opts.webIdentityTokens?.includes(form.WebIdentityToken ?? '')) {
      return refuse(400, 'InvalidIdentityToken', 'The web identity token is invalid');
    }
    if (!opts.roles?.includes(form.RoleArn ?? '')) return refuse(403, 'AccessDenied', `User: ${rec.accessKeyId ?? 'web'} is not authorized to perform: sts:AssumeRole on resource: ${form.RoleArn}`);
    stsCredentials(res, form.Action, issue('STS'), now() + lifetime(form.DurationSeconds), form.RoleArn!);
  };

  const sso = (rec: RecordedAws, res: ServerResponse, query: URLSearchParams) => {
    rec.service = 'sso';
    rec.action = 'GetRoleCredentials';
    rec.params = Object.fromEntries(query);
    const refuse = (status: number, type: string, message: string) => {
      rec.status = status;
      rec.problem = `${type}: ${message}`;
      sendJson(res, status, { message }, { 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/` });
    };
    if (!accessTokens.includes(rec.headers['x-amz-sso_bearer_token'] ?? '')) return refuse(401, 'UnauthorizedException', 'Session token not found or invalid');
    if (!opts.sso?.roles?.includes(`${query.get('account_id')}/${query.get('role_name')}`)) return refuse(403, 'ForbiddenException', 'No access');
    const keys = issue('SSO');
    sendJson(res, 200, { roleCredentials: { ...keys, expiration: now() + lifetime() } });
  };

  const oidc = (rec: RecordedAws, res: ServerResponse) => {
    const body = (rec.body ?? {}) as Record<string, string>;
    rec.service = 'oidc';
    rec.action = 'CreateToken';
    rec.params = body;
    const client = clients.find((c) => c.clientId === body.clientId && c.clientSecret === body.clientSecret);
    const at = client?.refreshTokens.indexOf(body.refreshToken ?? '') ?? -1;
    if (body.grantType !== 'refresh_token' || !client || at < 0) {
      rec.status = 400;
      rec.problem = 'invalid_grant';
      return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Invalid refresh token provided' });
    }
    n++;
    const accessToken = `canary-sso-access-${n}-aoJb3JpZ2luX2VjEMOCKACCESS`;
    const refreshToken = `canary-sso-refresh-${n}-Ab3JpZ2luX2VjEMOCKREFRESH`;
    client.refreshTokens.splice(at, 1, refreshToken);
    accessTokens.push(accessToken);
    sendJson(res, 200, { accessToken, tokenType: 'Bearer', expiresIn: 28_800, refreshToken });
  };

  const server = await startMockHttpServer<AwsFault, RecordedAws>('mock-aws', async (req: IncomingMessage, res, rec): Promise<void> => {
    const [path, search] = (req.url ?? '').split('?');
    rec.status = 200;
    rec.service = 'unknown';
    rec.params = {};
    const raw = typeof rec.body === 'string' ? rec.body : rec.body === undefined ? '' : JSON.stringify(rec.body);
    const fault = server.nextFault();
    if (fault) {
      rec.fault = fault;
      rec.status = fault.status;
      return stsError(res, fault.status, fault.code, 'scripted fault');
    }
    if (req.method === 'POST' && path === '/') return sts(rec, res, raw);
    if (req.method === 'GET' && path === '/federation/credentials') return sso(rec, res, new URLSearchParams(search ?? ''));
    if (req.method === 'POST' && path === '/token') return oidc(rec, res);
    rec.status = 404;
    sendJson(res, 404, { message: `no operation at ${req.method} ${path}` });
  });
  const mock: MockAws = Object.assign(server, { url: `http://127.0.0.1:${server.port}`, sources, accessTokens, issued, lifetimeMs: undefined as number | undefined });
  return mock;
}
