/**
 * The GenerateContentResponse wire shape the gateway writes to Gemini clients (camelCase, as
 * generativelanguage.googleapis.com returns it; zero and empty fields omitted, as proto3 JSON
 * does).
 *
 * @see https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse
 */

export interface GeminiOutPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  functionCall?: { name: string; args: Record<string, unknown>; id?: string };
}

export interface GeminiOutCandidate {
  content: { role: 'model'; parts?: GeminiOutPart[] };
  finishReason?: string;
  finishMessage?: string;
  index: number;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
}

export interface GeminiGenerateContentResponse {
  candidates: GeminiOutCandidate[];
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
}

