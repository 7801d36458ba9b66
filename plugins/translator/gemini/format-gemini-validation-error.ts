import type { BaseIssue } from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';

type Issue = BaseIssue<unknown>;

/**
 * Turns the first valibot issue into a 400 GatewayError worded like Google's own
 * `INVALID_ARGUMENT` answers (`Invalid value at 'contents[0].role' …`), with the field path
 * in `param`. Reports the deepest leaf of a union (the branch the client meant). Never echoes
 * more of the body than the offending scalar's type.
 */
export function formatGeminiValidationError(issues: readonly Issue[]): GatewayError {
  const issue = deepest(issues[0]);
  const path = toPath(issue);
  let message: string;
  if (path === '') message = 'Invalid JSON payload received. Expected a GenerateContentRequest object.';
  else if (issue.received === 'undefined') message = `Invalid JSON payload received. Required field '${path}' is missing.`;
  else if (!issue.message.startsWith('Invalid ')) message = `Invalid value at '${path}': ${issue.message}.`;
  else message = `Invalid value at '${path}': expected ${issue.expected ?? 'another value'}, received ${clip(issue.received)}.`;
  return new GatewayError('GW_BAD_REQUEST', message, { status: 400, param: path || undefined });
}

function deepest(issue: Issue): Issue {
  if (!issue.issues || issue.issues.length === 0) return issue;
  let best = issue;
  let bestDepth = issue.path?.length ?? 0;
  for (const sub of issue.issues) {
    const leaf = deepest(sub);
    const depth = leaf.path?.length ?? 0;
    if (depth > bestDepth) {
      best = leaf;
      bestDepth = depth;
    }
  }
  return best;
}

function toPath(issue: Issue): string {
  let out = '';
  for (const item of issue.path ?? []) {
    const key = (item as { key: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
