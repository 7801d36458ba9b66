import { GatewayError } from '../errors/gateway-error.ts';
import { MAX_BUFFERED_REPLY_BYTES } from './create-http-client.ts';
import { readBounded } from './exchange.ts';

const utf8 = new TextDecoder();

/**
 * A streamed-mode reply that turned out to be one JSON document (a JSON answer to a stream
 * request, an operation's result) read whole as text, with the cap the outbound client puts on
 * replies it reads whole: past `max` bytes, a retryable GW_UPSTREAM_PROTOCOL (502) and the body
 * is cancelled, so a hostile or broken upstream cannot fill memory. `host` names it in the error.
 */
export async function readReplyText(res: Response, host: string, max = MAX_BUFFERED_REPLY_BYTES): Promise<string> {
  const bytes = await readBounded(res, max, host);
  return bytes ? utf8.decode(bytes) : '';
}

/**
 * The reply parsed as JSON, read as {@link readReplyText} reads it (same cap, same error past
 * it). A body that is not JSON (an empty one included) is the same retryable
 * GW_UPSTREAM_PROTOCOL (502), naming `host`; the parser's message is not kept, as it quotes the body.
 * The value is not checked further: the caller's mapper decides what shape it accepts.
 */
export async function readReplyJson(res: Response, host: string, max = MAX_BUFFERED_REPLY_BYTES): Promise<unknown> {
  const text = await readReplyText(res, host, max);
  try {
    return JSON.parse(text);
  } catch {
    throw new GatewayError('GW_UPSTREAM_PROTOCOL', `Upstream ${host} sent invalid JSON.`, { status: 502, retryable: true });
  }
}
