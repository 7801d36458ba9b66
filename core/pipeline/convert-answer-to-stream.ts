import type { CallResult, GatewayRequest } from '../plugin/types.ts';
import type { ChatResult } from '../types/hub.ts';
import { streamOf } from '../util/stream-of.ts';
import { resultToParts } from '../types/result-to-parts.ts';

/**
 * A `beforeRequest` short-circuit answer in the mode the client asked for: a complete chat
 * result given to a streamed request becomes its parts as a stream, so the client's translator
 * encodes it as the dialect's stream (a streaming SDK cannot read a JSON body). Anything else is
 * returned as it is.
 */
export function convertAnswerToStream(answer: CallResult, req: GatewayRequest): CallResult {
  if (answer.type !== 'result' || !req.stream || req.operation !== 'chat') return answer;
  return { type: 'stream', parts: streamOf(resultToParts(answer.result as ChatResult)) };
}
