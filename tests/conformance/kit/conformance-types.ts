/**
 * The shared vocabulary of the conformance matrix: a conversation described once, neutrally
 * (`Conversation`), which each client driver writes in its own dialect with its official SDK,
 * and the reply each driver reads back into the same neutral shape (`Reply`).
 */

/** A function tool, as every dialect can declare it. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments (may carry `$schema`, `$defs`, `additionalProperties`). */
  schema: Record<string, unknown>;
}

/** A tool call as the client saw it. */
export interface ToolCall {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

/** One turn of a conversation. An assistant turn replays an earlier reply in its native form. */
export type Turn =
  | { role: 'user'; text: string; image?: { mediaType: string; data: string } }
  | { role: 'assistant'; text: string }
  | { role: 'assistant'; reply: Reply }
  | { role: 'tool'; results: Array<{ call: ToolCall; output: string }> };

/** What a case asks for, independent of the dialect. */
export interface Conversation {
  system?: string;
  turns: Turn[];
  tools?: ToolSpec[];
  /** Ask for reasoning / thinking (with signatures or encrypted reasoning where the dialect has them). */
  thinking?: boolean;
  /** Structured output with this JSON schema. */
  json?: { name: string; schema: Record<string, unknown> };
  stop?: string[];
}

/** Kinds of finish every dialect can express. */
export type FinishKind = 'stop' | 'tool-calls' | 'length' | 'other';

/** A reply as the client SDK parsed it. */
export interface Reply {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  finish: FinishKind;
  /** The dialect's own finish value (`finish_reason`, `stop_reason`, `status`, `finishReason`). */
  rawFinish: string;
  /** Opaque reasoning tokens the client holds (signatures, encrypted reasoning, thought signatures). */
  signatures: string[];
  usage?: { input: number; output: number };
  /** The assistant turn in the client's own wire form, replayed by `{ role: 'assistant', reply }`. */
  native: unknown;
}

/** Options of one send. */
export interface SendOptions {
  model: string;
  stream: boolean;
}

/** What a dialect cannot express at all (its cells are reported as n/a). */
export interface DialectLimits {
  stop?: string;
  signatures?: string;
}

/** A client dialect driven through its official SDK. */
export interface Driver {
  dialect: 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';
  /** The SDK, for test names (`openai chat.completions`). */
  sdk: string;
  limits: DialectLimits;
  /** Points the SDK at the gateway. */
  connect(gatewayUrl: string, key: string): void;
  /** Sends one request; resolves with the parsed reply or rejects with the SDK's error. */
  send(conv: Conversation, opts: SendOptions): Promise<Reply>;
  /** The JSON body of the SDK's last request (as it went on the wire). */
  lastRequestBody(): Record<string, unknown> | undefined;
  /** The SDK error class for an HTTP status, and the status an SDK error carries. */
  errorClass(status: number): abstract new (...args: never[]) => Error;
  statusOf(err: unknown): number | undefined;
  /** True for an error the SDK raises on a broken stream. */
  isStreamError(err: unknown): boolean;
  /** The error type of the dialect's envelope (`error.type`, Google's `error.status`). */
  errorType(err: unknown): string | undefined;
  /** True for a type of the dialect's own error vocabulary. */
  isDialectErrorType(type: string): boolean;
}
