/**
 * Wire types of the Gemini generateContent API, as much as the adapter reads and writes.
 * camelCase JSON as generativelanguage.googleapis.com speaks it.
 *
 * @see https://ai.google.dev/api/generate-content
 * @see https://ai.google.dev/api/caching#Content
 */

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { fileUri: string; mimeType?: string };
  functionCall?: { name: string; args?: Record<string, unknown> | null; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
  executableCode?: { language?: string; code?: string };
  codeExecutionResult?: { outcome?: string; output?: string };
}

export interface GeminiContent {
  role?: 'user' | 'model';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: Array<{ functionDeclarations?: GeminiFunctionDeclaration[] } & Record<string, unknown>>;
  toolConfig?: Record<string, unknown>;
  generationConfig?: Record<string, unknown>;
  safetySettings?: unknown[];
  cachedContent?: string;
  labels?: Record<string, unknown>;
}

export interface GeminiUsageMetadata {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  thoughtsTokenCount?: number;
  cachedContentTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

export interface GeminiCandidate {
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  finishMessage?: string;
  index?: number;
  safetyRatings?: unknown[];
  groundingMetadata?: unknown;
  urlContextMetadata?: unknown;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string; blockReasonMessage?: string; safetyRatings?: unknown[] };
  usageMetadata?: GeminiUsageMetadata;
  modelVersion?: string;
  responseId?: string;
  /** Present instead of the rest when a stream breaks (`{"error":{code,message,status}}`). */
  error?: { code?: number; message?: string; status?: string; details?: unknown[] };
}
