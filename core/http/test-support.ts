import { type GatewayError, isGatewayError } from '../errors/gateway-error.ts';

/** Tests: the GatewayError `p` rejects with (anything else, or success, fails the test). */
export async function caught(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    if (isGatewayError(e)) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}
