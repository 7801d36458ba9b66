import type { TemporaryAwsCredentials } from './aws-credential-plan.ts';
import { parseAwsTime } from './sso-token-file.ts';
import { lookupTable } from '../../../core/util/lookup-table.ts';

const ENTITIES: Readonly<Record<string, string>> = lookupTable({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" });

/** The content of the first element named `name` in `xml`, as written; undefined when absent. */
function inner(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
}

/** A leaf element's text, XML entities decoded. */
function element(xml: string, name: string): string | undefined {
  return inner(xml, name)?.trim().replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== '#') return ENTITIES[ref] ?? whole;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The `<Credentials>` of an STS answer (AssumeRole, AssumeRoleWithWebIdentity: the query
 * protocol's XML): AccessKeyId, SecretAccessKey, SessionToken and Expiration (ISO 8601).
 * Undefined when a key is missing. Pure.
 *
 * @see https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
 */
export function parseStsCredentials(xml: string): TemporaryAwsCredentials | undefined {
  const block = inner(xml, 'Credentials');
  if (!block) return undefined;
  const accessKeyId = element(block, 'AccessKeyId');
  const secretAccessKey = element(block, 'SecretAccessKey');
  const sessionToken = element(block, 'SessionToken');
  if (!accessKeyId || !secretAccessKey || !sessionToken) return undefined;
  const expiresAt = parseAwsTime(element(block, 'Expiration'));
  return { credentials: { accessKeyId, secretAccessKey, sessionToken }, ...(expiresAt !== undefined ? { expiresAt } : {}) };
}

/** The `<Code>` of an STS `<ErrorResponse><Error>` (`AccessDenied`, `ExpiredToken`…), if any. Pure. */
export function parseStsErrorCode(xml: string): string | undefined {
  return element(inner(xml, 'Error') ?? '', 'Code');
}
