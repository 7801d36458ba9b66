import { describe, expect, test } from 'bun:test';
import { findRefusedMessageField, findRoleOrderRule, refusedTokenField, refusesListContent, statedEmptyContent } from './find-refused-field.ts';
import { refusedSamplingField } from '../../../core/util/refused-fields.ts';
import { mapOpenAIErrorBody } from './map-openai-error.ts';

const body = {
  model: 'm',
  messages: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'hello', reasoning_content: 'thinking', refusal: null },
    { role: 'user', content: 'again' },
  ],
};

describe('findRefusedMessageField', () => {
  test('the field a strict validator refuses in the history, however it words it', () => {
    const refusals = [
      // Cerebras
      mapOpenAIErrorBody(400, { message: "messages.1.assistant.reasoning_content: property 'messages.1.assistant.reasoning_content' is unsupported", type: 'invalid_request_error', param: 'messages.1.assistant.reasoning_content', code: 'wrong_api_format' }),
      // A FastAPI server (vLLM-based, NIM): pydantic's list in `detail`.
      mapOpenAIErrorBody(422, { detail: [{ type: 'extra_forbidden', loc: ['body', 'messages', 1, 'assistant', 'reasoning_content'], msg: 'Extra inputs are not permitted', input: 'thinking' }] }),
      // OpenAI
      mapOpenAIErrorBody(400, { error: { message: "Unknown parameter: 'messages[1].reasoning_content'.", type: 'invalid_request_error', param: 'messages[1].reasoning_content', code: 'unknown_parameter' } }),
      mapOpenAIErrorBody(400, { error: { message: "Additional properties are not allowed ('reasoning_content' was unexpected) - 'messages.1'", type: 'invalid_request_error', param: null, code: null } }),
      // Groq
      mapOpenAIErrorBody(400, { error: { message: "'messages.1' : for 'role:assistant' the following must be satisfied[('messages.1' : property 'reasoning_content' is unsupported)]", type: 'invalid_request_error' } }),
    ];
    for (const e of refusals) expect([e.message, findRefusedMessageField(e, body)]).toEqual([e.message, 'reasoning_content']);
  });

  test('nothing for other errors, a field no message holds, or what a message is made of', () => {
    const e = (message: string, status = 400) => mapOpenAIErrorBody(status, { error: { message, type: 'invalid_request_error' } });
    expect(findRefusedMessageField(e("Unknown parameter: 'messages[1].annotations'."), body)).toBeUndefined();
    expect(findRefusedMessageField(e("Unknown parameter: 'messages[1].content'."), body)).toBeUndefined();
    expect(findRefusedMessageField(e("Invalid type for 'messages[1].tool_calls': expected an array."), body)).toBeUndefined();
    expect(findRefusedMessageField(e("messages.1.assistant.reasoning_content is fine but the server is down", 500), body)).toBeUndefined();
    expect(findRefusedMessageField(e('The model `x` does not exist'), body)).toBeUndefined();
    expect(findRefusedMessageField(new Error("Unknown parameter: 'messages[1].reasoning_content'."), body)).toBeUndefined();
  });
});

describe('refusesListContent', () => {
  const listed = { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] };
  const refusals = [
    // DeepSeek (serde)
    mapOpenAIErrorBody(422, { error: { message: 'Failed to deserialize the JSON body into the target type: messages[0].content: invalid type: sequence, expected a string at line 1 column 48', type: 'invalid_request_error', param: null, code: 'invalid_request_error' } }),
    // SambaNova
    mapOpenAIErrorBody(400, { error: { message: "Invalid 'content' type. Expected one of: ['str'], got list", type: 'invalid_request_error' } }),
    // Groq
    mapOpenAIErrorBody(400, { error: { message: "'messages.0' : for 'role:user' the following must be satisfied[('messages.0.content' : value must be a string)]", type: 'invalid_request_error' } }),
    // A FastAPI server (pydantic)
    mapOpenAIErrorBody(422, { detail: [{ type: 'string_type', loc: ['body', 'messages', 0, 'content'], msg: 'Input should be a valid string', input: [{ type: 'text', text: 'hi' }] }] }),
  ];

  test('a list refused where the server reads a string, however it words it', () => {
    for (const e of refusals) expect([e.message, refusesListContent(e, listed)]).toEqual([e.message, true]);
  });

  test('not without a list in the body, for another status, or for another field', () => {
    const strings = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
    for (const e of refusals) expect(refusesListContent(e, strings)).toBe(false);
    expect(refusesListContent(mapOpenAIErrorBody(500, { error: { message: 'invalid type: sequence, expected a string (content)' } }), listed)).toBe(false);
    expect(refusesListContent(mapOpenAIErrorBody(400, { error: { message: "'model' : value must be a string" } }), listed)).toBe(false);
    expect(refusesListContent(new Error('content: invalid type: sequence, expected a string'), listed)).toBe(false);
  });
});

describe('findRoleOrderRule', () => {
  test('the rule of role order an upstream states, however it words it', () => {
    const cases = [
      // Gemma's chat template on vLLM
      [mapOpenAIErrorBody(400, { object: 'error', message: 'System role not supported', type: 'BadRequestError', param: null, code: 400 }), 'systemAsUser'],
      [mapOpenAIErrorBody(400, { error: { message: "Unsupported value: 'messages[0].role' does not support 'system' with this model.", type: 'invalid_request_error', param: 'messages[0].role', code: 'unsupported_value' } }), 'systemAsUser'],
      // Mistral Instruct's template in LM Studio
      [mapOpenAIErrorBody(400, { error: 'Error rendering prompt with jinja template: "Only user and assistant roles are supported!".' }), 'systemAsUser'],
      // Llama 2 / Mistral chat templates
      [mapOpenAIErrorBody(400, { object: 'error', message: 'Conversation roles must alternate user/assistant/user/assistant/...', type: 'BadRequestError', code: 400 }), 'strictAlternation'],
      // Perplexity
      [mapOpenAIErrorBody(400, { error: { message: 'After the (optional) system message(s), user and assistant roles should be alternating.', type: 'invalid_message', code: 400 } }), 'strictAlternation'],
      // DeepSeek
      [mapOpenAIErrorBody(400, { error: { message: 'deepseek-reasoner does not support successive user or assistant messages (messages[1] and messages[2] in your input). You should interleave the user/assistant messages in the message sequence.', type: 'invalid_request_error' } }), 'strictAlternation'],
      // Mistral
      [mapOpenAIErrorBody(400, { object: 'error', message: "Unexpected role 'user' after role 'tool'", type: 'invalid_request_message_order', param: null, code: '3230' }), 'assistantAfterTool'],
    ] as const;
    for (const [e, rule] of cases) expect([e.message, findRoleOrderRule(e)]).toEqual([e.message, rule]);
  });

  test('nothing for other errors, or the same words in another status', () => {
    expect(findRoleOrderRule(mapOpenAIErrorBody(400, { error: { message: 'Invalid model' } }))).toBeUndefined();
    expect(findRoleOrderRule(mapOpenAIErrorBody(500, { error: { message: 'System role not supported' } }))).toBeUndefined();
    expect(findRoleOrderRule(new Error('System role not supported'))).toBeUndefined();
  });
});

describe('refusedTokenField', () => {
  test('the other name of the output-token limit, when the upstream refuses the body\'s own', () => {
    const openai = mapOpenAIErrorBody(400, { error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } });
    expect(refusedTokenField(openai, { max_tokens: 100 })).toBe('max_completion_tokens');
    const pydantic = mapOpenAIErrorBody(422, { detail: [{ type: 'extra_forbidden', loc: ['body', 'max_completion_tokens'], msg: 'Extra inputs are not permitted', input: 100 }] });
    expect(refusedTokenField(pydantic, { max_completion_tokens: 100 })).toBe('max_tokens');
    const older = mapOpenAIErrorBody(400, { error: { message: 'Unrecognized request argument supplied: max_completion_tokens' } });
    expect(refusedTokenField(older, { max_completion_tokens: 100 })).toBe('max_tokens');
  });

  test('nothing for a limit stated, a field the body lacks, a body with both, or another status', () => {
    const tooLarge = mapOpenAIErrorBody(400, { error: { message: "'max_tokens' or 'max_completion_tokens' is too large: 32000. This model's maximum context length is 32768 tokens" } });
    expect(refusedTokenField(tooLarge, { max_tokens: 32000 })).toBeUndefined();
    const openai = mapOpenAIErrorBody(400, { error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead." } });
    expect(refusedTokenField(openai, { max_completion_tokens: 100 })).toBeUndefined();
    expect(refusedTokenField(openai, { max_tokens: 100, max_completion_tokens: 100 })).toBeUndefined();
    expect(refusedTokenField(mapOpenAIErrorBody(500, { error: { message: "Unsupported parameter: 'max_tokens'" } }), { max_tokens: 100 })).toBeUndefined();
  });
});

describe('refusedSamplingField', () => {
  test('a sampling parameter refused as one the model does not take', () => {
    const value = mapOpenAIErrorBody(400, { error: { message: "Unsupported value: 'temperature' does not support 0.2 with this model. Only the default (1) value is supported.", param: 'temperature', code: 'unsupported_value' } });
    expect(refusedSamplingField(value, { temperature: 0.2 })).toBe('temperature');
    const extra = mapOpenAIErrorBody(422, { detail: [{ type: 'extra_forbidden', loc: ['body', 'top_k'], msg: 'Extra inputs are not permitted', input: 40 }] });
    expect(refusedSamplingField(extra, { top_k: 40 })).toBe('top_k');
  });

  test('not a value out of range, a field the body lacks, or another field', () => {
    expect(refusedSamplingField(mapOpenAIErrorBody(400, { error: { message: 'temperature: Input should be less than or equal to 1' } }), { temperature: 1.5 })).toBeUndefined();
    expect(refusedSamplingField(mapOpenAIErrorBody(400, { error: { message: "Unsupported parameter: 'top_p' is not supported with this model." } }), { temperature: 1 })).toBeUndefined();
    expect(refusedSamplingField(mapOpenAIErrorBody(400, { error: { message: "Unsupported parameter: 'stop' is not supported with this model." } }), { stop: ['x'] })).toBeUndefined();
  });
});

describe('statedEmptyContent', () => {
  const withNull = { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: null, tool_calls: [] }] };
  const withEmpty = { messages: [{ role: 'user', content: 'x' }, { role: 'assistant', content: '', tool_calls: [] }] };
  test('the form a server takes, read from its refusal of the other', () => {
    expect(statedEmptyContent(mapOpenAIErrorBody(400, { error: { message: 'invalid message content type: <nil>' } }), withNull)).toBe('');
    expect(statedEmptyContent(mapOpenAIErrorBody(400, { error: { message: "Invalid 'content': 'content' field must be a string or an array of objects." } }), withNull)).toBe('');
    expect(statedEmptyContent(mapOpenAIErrorBody(400, { message: 'The content field in the Message object at messages.[1] is empty. Add a ContentBlock object to the content field and try again.' }), withEmpty)).toBeNull();
  });
  test('nothing when no message holds the refused form, or for another error', () => {
    expect(statedEmptyContent(mapOpenAIErrorBody(400, { error: { message: 'invalid message content type: <nil>' } }), withEmpty)).toBeUndefined();
    expect(statedEmptyContent(mapOpenAIErrorBody(400, { error: { message: 'Invalid model' } }), withNull)).toBeUndefined();
    expect(statedEmptyContent(mapOpenAIErrorBody(500, { error: { message: 'invalid message content type: <nil>' } }), withNull)).toBeUndefined();
  });
});
