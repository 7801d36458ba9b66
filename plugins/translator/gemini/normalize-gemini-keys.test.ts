import { expect, test } from 'bun:test';
import { normalizeGeminiKeys } from './normalize-gemini-keys.ts';

type Obj = Record<string, any>;

test('snake_case structure is renamed; user data (args, responses, schemas) is kept as written', () => {
  const body = {
    system_instruction: { parts: [{ text: 'be brief' }] },
    contents: [
      { role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: 'AAAA' } }, { text: 'what is it?' }] },
      { role: 'model', parts: [{ function_call: { name: 'f', args: { snake_arg: 1 } } }] },
      { role: 'user', parts: [{ function_response: { name: 'f', response: { some_key: 2 } } }] },
    ],
    tools: [{ function_declarations: [{ name: 'f', parameters_json_schema: { properties: { snake_prop: {} } } }] }],
    generation_config: { max_output_tokens: 5, thinking_config: { include_thoughts: true } },
  };
  const before = structuredClone(body);
  expect(normalizeGeminiKeys(body)).toEqual({
    systemInstruction: { parts: [{ text: 'be brief' }] },
    contents: [
      { role: 'user', parts: [{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }, { text: 'what is it?' }] },
      { role: 'model', parts: [{ functionCall: { name: 'f', args: { snake_arg: 1 } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'f', response: { some_key: 2 } } }] },
    ],
    tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { properties: { snake_prop: {} } } }] }],
    generationConfig: { maxOutputTokens: 5, thinkingConfig: { includeThoughts: true } },
  });
  expect(body).toEqual(before); // never mutated
});

test('a camelCase body (what the SDKs and Gemini CLI send) comes back as the same objects, uncopied', () => {
  const contents = Array.from({ length: 30 }, (_, i) => ({ role: i % 2 ? 'model' : 'user', parts: [{ text: `turn ${i}` }, { functionCall: { name: 'f', args: {} } }] }));
  const body = { contents, systemInstruction: { parts: [{ text: 's' }] }, tools: [{ functionDeclarations: [{ name: 'f' }] }], generationConfig: { temperature: 0 } };
  const out = normalizeGeminiKeys(body) as Obj;
  expect(out).toBe(body);
  expect(out.contents).toBe(contents);
});

test('one snake_case key deep inside copies only its way down; everything else is shared', () => {
  const contents: Obj[] = Array.from({ length: 6 }, (_, i) => ({ role: 'user', parts: [{ text: `t${i}` }, { text: 'x' }] }));
  contents[4]!.parts[1] = { file_data: { file_uri: 'gs://b/o', mime_type: 'text/plain' } };
  const body = { contents, generationConfig: { temperature: 1 } };
  const before = structuredClone(body);
  const out = normalizeGeminiKeys(body) as Obj;
  expect(out).not.toBe(body);
  expect(out.generationConfig).toBe(body.generationConfig);
  for (const i of [0, 1, 2, 3, 5]) expect(out.contents[i]).toBe(contents[i]);
  expect(out.contents[4].parts[0]).toBe(contents[4]!.parts[0]);
  expect(out.contents[4].parts[1]).toEqual({ fileData: { fileUri: 'gs://b/o', mimeType: 'text/plain' } });
  expect(Object.keys(out.contents[4])).toEqual(['role', 'parts']);
  expect(body).toEqual(before);
});
