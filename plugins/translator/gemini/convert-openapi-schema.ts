/**
 * Gemini's `parameters` and `responseSchema` use Google's OpenAPI 3.0 subset (`type: "OBJECT"`,
 * `nullable: true`, `format: "enum"`, `propertyOrdering`). The hub carries JSON Schema, which
 * every other upstream reads, so this converts: lower-case types, `nullable` → a `null` type,
 * Gemini-only keys dropped, and the int64 limits proto3 JSON writes as strings
 * (`"minItems": "1"`, as @google/genai types them) back to integers. Everything else is copied.
 * Pure.
 *
 * @see https://ai.google.dev/api/caching#Schema
 */
export function convertOpenApiSchema(schema: unknown, depth = 0): unknown {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema) || depth > 64) return schema;
  const out: Record<string, unknown> = {};
  let nullable = false;
  for (const [key, value] of Object.entries(schema as Record<string, unknown>)) {
    switch (key) {
      case 'type':
        out.type = typeof value === 'string' ? value.toLowerCase() : value;
        break;
      case 'nullable':
        nullable = value === true;
        break;
      case 'propertyOrdering':
        break;
      case 'format':
        if (value !== 'enum') out.format = value;
        break;
      case 'properties':
        out.properties = mapValues(value, depth);
        break;
      case 'items':
        out.items = convertOpenApiSchema(value, depth + 1);
        break;
      case 'anyOf':
        out.anyOf = Array.isArray(value) ? value.map((s) => convertOpenApiSchema(s, depth + 1)) : value;
        break;
      case 'minItems': case 'maxItems': case 'minLength': case 'maxLength': case 'minProperties': case 'maxProperties':
        out[key] = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
        break;
      default:
        out[key] = value;
    }
  }
  if (nullable) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    else if (Array.isArray(out.anyOf)) out.anyOf = [...out.anyOf, { type: 'null' }];
  }
  return out;
}

function mapValues(value: unknown, depth: number): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(value as Record<string, unknown>)) out[k] = convertOpenApiSchema(s, depth + 1);
  return out;
}
