import Anthropic from '@anthropic-ai/sdk';

/** What a client reads off an error the SDK threw: HTTP status, `retry-after`, the body's `error`. */
export interface SdkErrorView {
  status: number | undefined;
  retryAfter: string | null | undefined;
  type: string | undefined;
  message: string | undefined;
}

/** Reads an `Anthropic.APIError` (HTTP error or a stream's `event: error`); throws for anything else. */
export function viewSdkError(e: unknown): SdkErrorView {
  if (!(e instanceof Anthropic.APIError)) throw new Error(`not an SDK API error: ${String(e)}`);
  const body = e.error as { error?: { type?: string; message?: string } } | undefined;
  return { status: e.status, retryAfter: e.headers?.get('retry-after'), type: body?.error?.type, message: body?.error?.message };
}
