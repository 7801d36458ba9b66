/**
 * AWS Signature Version 4 for one HTTP request, written out here because the gateway sends its
 * own HTTP (through the attempt's SSRF-guarded fetch) and the AWS SDK's signer would bring the
 * SDK's dependency tree for four HMACs.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
 * @see https://github.com/smithy-lang/smithy-typescript/tree/main/packages/signature-v4 (the suite's vectors)
 */

/** An IAM identity: long-term keys, or temporary ones with their session token. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** What is signed: the request as it goes on the wire. */
export interface AwsRequestToSign {
  method: string;
  /** `host[:port]` as the Host header carries it (`URL.host`). */
  host: string;
  /**
   * The path exactly as sent, already percent-encoded where the URL needs it (a Bedrock model id
   * `…-v1:0` is sent as `…-v1%3A0`). Every service but S3 signs it encoded once more.
   */
  path: string;
  /** The query string without `?` (`a=1&b=2`), percent-encoded as sent. */
  query?: string;
  /** Headers to send and sign besides `host`, `x-amz-date` and `x-amz-security-token`. */
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** The credential scope: the region and the service's signing name (`bedrock`). */
export interface AwsScope {
  region: string;
  service: string;
}

/**
 * Headers that proxies and HTTP stacks may add or rewrite on the way: signing them would break
 * the signature, so they are sent unsigned (the AWS SDKs leave out the same set).
 */
const UNSIGNED = new Set([
  'authorization', 'cache-control', 'connection', 'expect', 'from', 'keep-alive', 'max-forwards', 'pragma',
  'referer', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'x-amzn-trace-id',
]);

/**
 * The headers to send: the request's own (names in lower case), `x-amz-date`, the session's
 * `x-amz-security-token` when there is one, and `authorization` with the signature over all of
 * them but the unsignable ones. `now` is the signing time (a clock the gateway can inject).
 * Pure; never throws.
 */
export function signAwsRequest(req: AwsRequestToSign, creds: AwsCredentials, scope: AwsScope, now: Date): Record<string, string> {
  const amzDate = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) out[k.toLowerCase()] = v;
  out['x-amz-date'] = amzDate;
  if (creds.sessionToken) out['x-amz-security-token'] = creds.sessionToken;

  const signed = new Map<string, string>([['host', req.host]]);
  for (const [k, v] of Object.entries(out)) if (!UNSIGNED.has(k)) signed.set(k, v.trim().replace(/\s+/g, ' '));
  const names = [...signed.keys()].sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    req.method.toUpperCase(),
    canonicalPath(req.path),
    canonicalQuery(req.query ?? ''),
    names.map((n) => `${n}:${signed.get(n)}\n`).join(''),
    signedHeaders,
    sha256Hex(req.body),
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(creds.secretAccessKey, day, scope);
  const signature = hmac(key, stringToSign).toString('hex');
  out.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return out;
}

/** SHA-256 of a body, hex: also the value of `x-amz-content-sha256`. */
export function sha256Hex(data: string | Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(data).digest('hex');
}

function hmac(key: string | Uint8Array, data: string): Buffer {
  return new Bun.CryptoHasher('sha256', key).update(data).digest();
}

function signingKey(secret: string, day: string, scope: AwsScope): Buffer {
  const date = hmac(`AWS4${secret}`, day);
  return hmac(hmac(hmac(date, scope.region), scope.service), 'aws4_request');
}

/** RFC 3986 encoding of everything but the unreserved characters (`A-Z a-z 0-9 - _ . ~`). */
function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Each segment of the path as sent, encoded again (`%3A` → `%253A`); `/` stays. */
function canonicalPath(path: string): string {
  if (!path) return '/';
  return path.split('/').map(uriEncode).join('/');
}

/** Parameters decoded, each name and value encoded, sorted by name then value. */
function canonicalQuery(query: string): string {
  if (!query) return '';
  const pairs = query.split('&').filter(Boolean).map((p) => {
    const eq = p.indexOf('=');
    const [k, v] = eq === -1 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
    return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))] as const;
  });
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}
