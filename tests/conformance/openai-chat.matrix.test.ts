/**
 * Conformance matrix, openai-chat client dialect: the official `openai` SDK (chat.completions) against each of the four upstream
 * formats through one real gateway, over the shared case table (kit/run-matrix.ts).
 */
import { createOpenAIChatDriver } from './drivers/openai-chat-driver.ts';
import { runMatrix } from './kit/run-matrix.ts';

runMatrix(createOpenAIChatDriver());
