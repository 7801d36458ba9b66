/**
 * Sends `body`; when the upstream refuses it in a way the gateway caused and can fix (`repair`
 * returns the fixed body), sends that once more. Failing over a refusal the translation made
 * would be the gateway's fault: a Claude 4.6 model refusing a prefill, a compatible server
 * refusing a field by name, another organization's encrypted reasoning. At most one more call
 * per attempt; `repair` returns undefined for every other error, which is thrown as it is.
 */
export async function sendRepaired<B>(
  send: (body: B) => Promise<Response>,
  body: B,
  repair: (err: unknown, body: B) => B | undefined,
): Promise<Response> {
  try {
    return await send(body);
  } catch (err) {
    const fixed = repair(err, body);
    if (fixed === undefined) throw err;
    return send(fixed);
  }
}
