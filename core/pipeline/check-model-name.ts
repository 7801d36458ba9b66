import { GatewayError } from '../errors/gateway-error.ts';

/**
 * Longest model name a client may send. Real names, provider prefix included, stay far below it
 * (a Bedrock inference-profile ARN is about 130 characters). The name is client-chosen
 * (`provider/<anything>` routes to any model of a provider) and the gateway keeps names in maps
 * bounded by count (per-model quirks, stated output limits, route stats, plan cache): without
 * this cap each entry could be as long as the body limit.
 */
export const MAX_MODEL_NAME_CHARS = 512;

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Refuses a model name no upstream has: longer than {@link MAX_MODEL_NAME_CHARS}, or holding a
 * control character (a line break would forge log lines). Runs once per request, after the
 * translator decoded it and before the pipeline remembers anything of it. Throws GatewayError
 * `GW_BAD_REQUEST` (400, `param: model`), whose message does not echo the name.
 */
export function checkModelName(model: string): void {
  if (model.length > MAX_MODEL_NAME_CHARS) {
    throw new GatewayError('GW_BAD_REQUEST', `The model name is longer than ${MAX_MODEL_NAME_CHARS} characters.`, { param: 'model' });
  }
  if (CONTROL.test(model)) throw new GatewayError('GW_BAD_REQUEST', 'The model name holds a control character.', { param: 'model' });
}
