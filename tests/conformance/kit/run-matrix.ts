/**
 * Generates one client dialect's slice of the conformance matrix: for each of the four upstream
 * formats (`describe.each`) every row of the shared case table in each mode that applies
 * (`test.each`), so the report reads as a grid. One gateway and four mocks per test file,
 * reused by every cell.
 *
 * A row the client dialect cannot express is reported as skipped with its reason (n/a); a row
 * the upstream format cannot serve asserts the gateway's clear 400 in the client's dialect.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { startTestGateway, type TestGateway } from '../../helpers/test-gateway.ts';
import type { Case, Mode } from './case-types.ts';
import { CONTENT_CASES } from './cases-content.ts';
import { ERROR_CASES } from './cases-errors.ts';
import { THINKING_CASES } from './cases-thinking.ts';
import { TOOL_CASES } from './cases-tools.ts';
import type { Driver } from './conformance-types.ts';
import { expectSdkError, modelOf, type MatrixContext } from './matrix-context.ts';
import type { WireFormat } from './read-upstream-request.ts';
import { FORMATS, startUpstreams, type Upstream } from './start-upstreams.ts';

/** The shared case table, in report order. */
export const CASES: Case[] = [...CONTENT_CASES, ...TOOL_CASES, ...THINKING_CASES, ...ERROR_CASES];


interface Cell {
  name: string;
  kase: Case;
  mode: Mode;
  na?: string;
  refusal?: string;
}

function cellsFor(driver: Driver, format: WireFormat): Array<[string, Cell]> {
  const cells: Array<[string, Cell]> = [];
  for (const kase of CASES) {
    for (const mode of kase.modes) {
      const na = kase.na?.(driver, format);
      const refusal = na ? undefined : kase.refusal?.(driver, format);
      const suffix = na ? ` — n/a: ${na}` : refusal ? ` — 400 expected: ${refusal}` : '';
      const name = `${kase.id} [${mode}]${suffix}`;
      cells.push([name, { name, kase, mode, na, refusal }]);
    }
  }
  return cells;
}

/** A refused cell: the SDK's 400 error class, and the upstream never called. */
async function expectRefused(ctx: MatrixContext, kase: Case): Promise<void> {
  const before = ctx.up.received().length;
  const err = await expectSdkError(ctx, ctx.driver.send(kase.conversation(ctx), { model: modelOf(ctx.up), stream: ctx.stream }), 400);
  expect(String((err as Error).message)).toMatch(/not|cannot|unsupported/i);
  expect(ctx.up.received().length).toBe(before);
}

/** Declares the whole grid for one client driver. */
export function runMatrix(driver: Driver): void {
  let gw: TestGateway | undefined;
  let upstreams: Awaited<ReturnType<typeof startUpstreams>> | undefined;

  beforeAll(async () => {
    upstreams = await startUpstreams();
    gw = await startTestGateway(upstreams.yaml);
    driver.connect(gw.url, gw.key);
  });
  afterAll(async () => {
    await gw?.stop();
    await upstreams?.stop();
  });

  const context = (format: WireFormat, mode: Mode): MatrixContext => {
    const all = upstreams!.list;
    const up = all.find((u) => u.format === format) as Upstream;
    return { driver, up, all, stream: mode === 'stream' };
  };

  describe(`${driver.sdk} (${driver.dialect} client)`, () => {
    describe.each(FORMATS)('→ %s', (_label, format) => {
      const cells = cellsFor(driver, format);
      const runnable = cells.filter(([, c]) => !c.na);
      const na = cells.filter(([, c]) => c.na);
      test.each(runnable)('%s', async (_name, cell) => {
        const ctx = context(format, cell.mode);
        try {
          if (cell.refusal) await expectRefused(ctx, cell.kase);
          else await cell.kase.run.call(cell.kase, ctx);
        } finally {
          ctx.up.disarm();
        }
      });
      if (na.length > 0) test.skip.each(na)('%s', () => {});
    });
  });
}
