/**
 * Conformance matrix, anthropic-messages client dialect: the official `@anthropic-ai/sdk` (messages.create and messages.stream().finalMessage()) against each of the four upstream
 * formats through one real gateway, over the shared case table (kit/run-matrix.ts).
 */
import { createAnthropicDriver } from './drivers/anthropic-driver.ts';
import { runMatrix } from './kit/run-matrix.ts';

runMatrix(createAnthropicDriver());
