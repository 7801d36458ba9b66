import type { ToolChoice, ToolDefinition } from '../../../core/types/hub.ts';
import { convertOpenApiSchema } from './convert-openapi-schema.ts';
import type { GeminiTool, GeminiToolConfig } from './gemini-request-schema.ts';

export interface ConvertedGeminiTools {
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Gemini-only tools (googleSearch, codeExecution, urlContext…), for a Gemini upstream. */
  nativeTools?: Record<string, unknown>[];
  /** The client's toolConfig as sent, for a Gemini upstream (keeps e.g. several allowed names). */
  toolConfig?: Record<string, unknown>;
}

const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {} };

/**
 * Gemini `tools` + `toolConfig` → hub tools and tool choice.
 * - `functionDeclarations` become tool definitions; `parametersJsonSchema` is JSON Schema
 *   already, `parameters` (OpenAPI subset) is converted.
 * - Other tool kinds have no hub form: they are kept for a Gemini upstream.
 * - `mode`: AUTO → auto, NONE → none, ANY → required, or the one tool when exactly one name
 *   is allowed; with ANY or VALIDATED, `allowedFunctionNames` keeps only those declarations.
 *
 * @see https://ai.google.dev/api/caching#Tool
 * @see https://ai.google.dev/api/caching#ToolConfig
 */
export function convertGeminiTools(tools: readonly GeminiTool[] | undefined, config: GeminiToolConfig | undefined): ConvertedGeminiTools {
  const out: ConvertedGeminiTools = {};
  const defs: ToolDefinition[] = [];
  const native: Record<string, unknown>[] = [];
  for (const tool of tools ?? []) {
    const { functionDeclarations, ...rest } = tool;
    for (const fd of functionDeclarations ?? []) {
      const def: ToolDefinition = { name: fd.name, parameters: parameters(fd.parametersJsonSchema, fd.parameters) };
      if (fd.description !== undefined) def.description = fd.description;
      defs.push(def);
    }
    if (Object.keys(rest).length > 0) native.push(rest);
  }
  if (defs.length > 0) out.tools = defs;
  if (native.length > 0) out.nativeTools = native;
  const fcc = config?.functionCallingConfig;
  if (config) out.toolConfig = config as Record<string, unknown>;
  if (fcc?.mode === 'AUTO' || fcc?.mode === 'VALIDATED') out.toolChoice = 'auto';
  else if (fcc?.mode === 'NONE') out.toolChoice = 'none';
  else if (fcc?.mode === 'ANY') {
    const names = fcc.allowedFunctionNames ?? [];
    out.toolChoice = names.length === 1 ? { type: 'tool', name: names[0] } : 'required';
  }
  if (fcc?.mode === 'ANY' || fcc?.mode === 'VALIDATED') out.tools = allowedOnly(out.tools, fcc.allowedFunctionNames);
  return out;
}

/**
 * The declarations the model may call: `allowedFunctionNames` restricts ANY and VALIDATED, and
 * only Gemini has that switch, so the others are left out (as for OpenAI's `allowed_tools`).
 * Names that match no declaration leave the list as it was.
 */
function allowedOnly(tools: ToolDefinition[] | undefined, names: readonly string[] | undefined): ToolDefinition[] | undefined {
  if (!tools || !names || names.length === 0) return tools;
  const allowed = new Set(names);
  const kept = tools.filter((t) => allowed.has(t.name));
  return kept.length > 0 ? kept : tools;
}

function parameters(jsonSchema: unknown, openApi: Record<string, unknown> | undefined): Record<string, unknown> {
  if (isObject(jsonSchema)) return jsonSchema;
  if (openApi) {
    const converted = convertOpenApiSchema(openApi);
    if (isObject(converted)) return converted;
  }
  return { ...EMPTY_OBJECT_SCHEMA };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
