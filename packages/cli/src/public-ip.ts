import { isIP } from 'node:net';

/**
 * Where this machine's public IPv4 address is asked: AWS's own checkip
 * service, which answers the caller's address as plain text (the README's
 * `curl -s https://checkip.amazonaws.com`). `KONG_HYBRID_CHECKIP_URL` points
 * it elsewhere (a proxy that answers the same way; the tests' stand-in).
 */
export const CHECKIP_URL = 'https://checkip.amazonaws.com/';

/** The answer: an address, or why there is none. */
export type PublicIp = { readonly ip: string; readonly source: string } | { readonly error: string; readonly source: string };

/** Asks for this machine's public IP address; never throws. */
export async function lookupPublicIp(env: Readonly<Record<string, string | undefined>>, fetchImpl: typeof fetch = fetch, timeoutMs = 3_000): Promise<PublicIp> {
  const source = env.KONG_HYBRID_CHECKIP_URL || CHECKIP_URL;
  try {
    const res = await fetchImpl(source, { signal: AbortSignal.timeout(timeoutMs) });
    const text = (await res.text()).trim();
    if (!res.ok) return { error: `${source} answered ${res.status}`, source };
    if (isIP(text) === 0) return { error: `${source} answered ${JSON.stringify(text.slice(0, 60))}, not an address`, source };
    return { ip: text, source };
  } catch (error) {
    return { error: `${source} did not answer (${(error as Error).message})`, source };
  }
}
