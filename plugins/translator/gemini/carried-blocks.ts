import type { ReasoningPart } from '../../../core/types/hub.ts';
import { wrapCarried, type CarriedReasoning } from './gemini-signature.ts';

/**
 * The foreign reasoning blocks of a reply since its last function call, collected as they end,
 * for the next call to carry (`wrapCarried`). Blocks without a signature or payload are skipped:
 * no provider takes them back.
 */
export class CarriedBlocks {
  private blocks: CarriedReasoning[] = [];
  private origin = '';

  add(part: Pick<ReasoningPart, 'text' | 'signature' | 'redacted' | 'origin'>): void {
    if (part.origin === undefined || part.origin === 'gemini' || (!part.signature && !part.redacted)) return;
    this.origin = part.origin;
    this.blocks.push(part.signature ? { text: part.text, signature: part.signature } : { text: part.text, redacted: part.redacted });
  }

  /** The wrapped blocks for a call (undefined when there are none); the collection starts over. */
  take(): string | undefined {
    if (this.blocks.length === 0) return undefined;
    const value = wrapCarried(this.blocks, this.origin);
    this.blocks = [];
    return value;
  }
}
