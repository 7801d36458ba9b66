/**
 * The non-chat operations an `azure` provider serves through the `openai` adapter's code: the
 * ones Azure OpenAI has deployments for (moderation and rerank it has not). Kept apart from the
 * adapter so the plugin can declare them without loading it.
 */
export const AZURE_OPERATIONS = ['embed', 'image', 'transcribe', 'speech'] as const;
