/**
 * Conformance matrix, openai-responses client dialect: the official `openai` SDK (responses.create and responses.stream().finalResponse()) against each of the four upstream
 * formats through one real gateway, over the shared case table (kit/run-matrix.ts).
 */
import { createResponsesDriver } from './drivers/responses-driver.ts';
import { runMatrix } from './kit/run-matrix.ts';

runMatrix(createResponsesDriver());
