/**
 * Conformance matrix, gemini client dialect: the official `@google/genai` SDK (generateContent and generateContentStream) against each of the four upstream
 * formats through one real gateway, over the shared case table (kit/run-matrix.ts).
 */
import { createGeminiDriver } from './drivers/gemini-driver.ts';
import { runMatrix } from './kit/run-matrix.ts';

runMatrix(createGeminiDriver());
