import { GatewayError } from '../../../core/errors/gateway-error.ts';
import { upgradeSchema } from '../../../core/util/upgrade-json-schema.ts';

type Json = Record<string, unknown>;

const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** How the Messages API refuses a tool whose `input_schema` is not draft 2020-12. */
const REFUSED = /tools\.\d+\.(custom\.)?input_schema: JSON schema is invalid/;

/** True for the API's refusal of a tool's input schema. */
export function isToolSchemaRefusal(err: unknown): boolean {
  return err instanceof GatewayError && err.upstream?.status === 400 && REFUSED.test(err.upstream.message ?? err.message);
}

/** `tools` with their input schemas upgraded (`upgradeSchema`), or undefined when none changed. */
export function upgradeToolSchemas(tools: unknown): unknown[] | undefined {
  if (!Array.isArray(tools)) return undefined;
  let out: unknown[] | undefined;
  tools.forEach((t, i) => {
    if (!isObject(t) || !isObject(t.input_schema)) return;
    const schema = upgradeSchema(t.input_schema);
    if (schema !== t.input_schema) (out ??= tools.slice())[i] = { ...t, input_schema: schema };
  });
  return out;
}
