import type { GatewayRequest } from '../../../core/plugin/types.ts';
import { describeEncoderEquivalence } from '../../../tests/helpers/encoder-equivalence.ts';
import { createResponsesStreamEncoder, encodeResponsesStream } from './encode-responses-stream.ts';

const REQ = { operation: 'chat', model: 'm', stream: true, body: { messages: [{ role: 'user', content: 'hi' }] } } as unknown as GatewayRequest;

describeEncoderEquivalence('Responses', {
  chain: (parts) => encodeResponsesStream(parts, REQ),
  encoder: () => createResponsesStreamEncoder(REQ),
  // Each stream names its response with a new id and its creation and completion seconds (which
  // differ when the two runs straddle a second).
  normalize: (text) => text.replace(/resp_[\w-]+/g, 'resp_ID').replace(/(msg|rs|fc|ctc)_[\w-]+/g, '$1_ID').replace(/"(created|completed)_at":\d+/g, '"$1_at":0'),
});
