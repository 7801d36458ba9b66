import { describe, expect, test } from 'bun:test';
import { findRefusedMessageField, refusesListContent } from './find-refused-field.ts';
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
