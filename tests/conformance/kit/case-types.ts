/**
 * The shape of one row of the shared case table.
 */
import type { Conversation, Driver } from './conformance-types.ts';
import type { MatrixContext } from './matrix-context.ts';
import type { WireFormat } from './read-upstream-request.ts';

export type Mode = 'non-stream' | 'stream';

export interface Case {
  /** Row name in the report. */
  id: string;
  modes: Mode[];
  /** The client dialect cannot express the case at all: the cell is reported as n/a. */
  na?(driver: Driver, format: WireFormat): string | undefined;
  /**
   * The upstream format cannot do it: the gateway must refuse with a clear 400 in the client's
   * dialect (and never call the upstream), which is what the cell then asserts.
   */
  refusal?(driver: Driver, format: WireFormat): string | undefined;
  /** The first request of the case (what a refused cell sends). */
  conversation(ctx: MatrixContext): Conversation;
  run(ctx: MatrixContext): Promise<void>;
}
