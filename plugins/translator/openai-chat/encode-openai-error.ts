/**
 * The OpenAI error envelope is shared by every OpenAI-dialect route; it lives in core so the
 * chat translator, the endpoints and the admin API say the same thing the same way.
 */
export { encodeOpenAIError, encodeOpenAIErrorBody, encodeOpenAIStreamError, type OpenAIErrorBody } from '../../../core/errors/openai-error.ts';
