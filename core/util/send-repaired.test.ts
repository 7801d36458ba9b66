import { describe, expect, test } from 'bun:test';
import { sendRepaired } from './send-repaired.ts';

describe('sendRepaired', () => {
  const ok = new Response('ok');

  test('a body that goes through is sent once', async () => {
    const sent: string[] = [];
    const res = await sendRepaired(async (b: string) => (sent.push(b), ok), 'a', () => 'fixed');
    expect(res).toBe(ok);
    expect(sent).toEqual(['a']);
  });

  test('a refusal repair can fix: the fixed body goes once more; a second refusal is thrown', async () => {
    const sent: string[] = [];
    const refusal = new Error('refused');
    const send = async (b: string) => {
      sent.push(b);
      if (b === 'a') throw refusal;
      return ok;
    };
    expect(await sendRepaired<string>(send, 'a', (e, b) => (e === refusal ? `${b}+fix` : undefined))).toBe(ok);
    expect(sent).toEqual(['a', 'a+fix']);
    sent.length = 0;
    const always = async (b: string) => {
      sent.push(b);
      throw refusal;
    };
    expect(await sendRepaired<string>(always, 'a', (_e, b) => `${b}+fix`).catch((e: unknown) => e)).toBe(refusal);
    expect(sent).toEqual(['a', 'a+fix']);
  });

  test('an error repair cannot fix is thrown as it is, without another call', async () => {
    const sent: string[] = [];
    const boom = new Error('boom');
    const err = await sendRepaired(async (b: string) => {
      sent.push(b);
      throw boom;
    }, 'a', () => undefined).catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(sent).toEqual(['a']);
  });

  test('with more repairs allowed, each refusal the repair fixes goes once more, up to that many', async () => {
    const sent: string[] = [];
    const refusal = new Error('refused');
    const send = async (b: string) => {
      sent.push(b);
      if (b.length < 7) throw refusal;
      return ok;
    };
    expect(await sendRepaired<string>(send, 'a', (_e, b) => `${b}+x`, 3)).toBe(ok);
    expect(sent).toEqual(['a', 'a+x', 'a+x+x', 'a+x+x+x']);
    sent.length = 0;
    expect(await sendRepaired<string>(send, 'a', (_e, b) => `${b}+x`, 2).catch((e: unknown) => e)).toBe(refusal);
    expect(sent).toEqual(['a', 'a+x', 'a+x+x']);
  });
});
