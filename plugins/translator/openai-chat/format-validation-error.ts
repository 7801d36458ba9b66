import type { BaseIssue } from 'valibot';
import { GatewayError } from '../../../core/errors/gateway-error.ts';

type Issue = BaseIssue<unknown>;

/**
 * Turns the first valibot issue into a 400 GatewayError with an OpenAI-style message and
 * `param` (`messages[0].content`). For unions it reports the most specific branch failure
 * (the deepest path), which is nearly always the one the client meant.
 * Never echoes more of the body than the offending scalar.
 */
export function formatValidationError(issues: readonly Issue[]): GatewayError {
  const { issue, path } = deepest(issues[0]);
  const param = toParam(path);
  let message: string;
  if (issue.received === 'undefined' && issue.type.endsWith('object')) {
    message = `Missing required parameter: '${param}'.`;
  } else if (!issue.message.startsWith('Invalid ')) {
    message = `Invalid '${param}': ${issue.message}.`;
  } else if (issue.expected !== null) {
    message = `Invalid '${param}': expected ${issue.expected} but received ${clip(issue.received)}.`;
  } else {
    message = `Invalid '${param}': ${issue.message}`;
  }
  if (param === '') message = 'Invalid request body: expected a JSON object.';
  return new GatewayError('GW_BAD_REQUEST', message, { status: 400, param: param || undefined });
}

type PathItem = NonNullable<Issue['path']>[number];

/**
 * Leaf issue with the longest path; the first one on a tie. Sub-issues of a union carry
 * paths relative to the union, so the paths are joined on the way down.
 */
function deepest(issue: Issue, base: readonly PathItem[] = []): { issue: Issue; path: readonly PathItem[] } {
  const path = [...base, ...(issue.path ?? [])];
  let best: { issue: Issue; path: readonly PathItem[] } = { issue, path };
  for (const sub of issue.issues ?? []) {
    const leaf = deepest(sub, path);
    if (leaf.path.length > best.path.length) best = leaf;
  }
  return best;
}

/** `messages[0].content` from a valibot path. */
function toParam(path: readonly PathItem[]): string {
  let out = '';
  for (const item of path) {
    const key = (item as { key: unknown }).key;
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
