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
