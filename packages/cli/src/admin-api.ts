import type { Context } from './context';
import { CliError } from './errors';
import { lookupPublicIp, type PublicIp } from './public-ip';
import { required, type Deployment } from './stack';

/** The proxied Admin API and its key (read from Secrets Manager, never printed). */
export interface AdminAccess {
  readonly baseUrl: string;
  readonly apiKey: string;
}

/** Reads the admin key from the secret the stack names (Secrets Manager GetSecretValue). */
export async function adminAccess(ctx: Context, deployment: Deployment): Promise<AdminAccess> {
  const baseUrl = required(deployment, 'adminUrl', 'the Admin API').replace(/\/+$/, '');
  const secretId = required(deployment, 'adminApiKeySecretArn', 'the Admin API key');
  const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient(ctx.aws);
  try {
    const answer = await ctx.call('Secrets Manager GetSecretValue (the admin API key)', () => client.send(new GetSecretValueCommand({ SecretId: secretId })));
    const apiKey = answer.SecretString?.trim();
    if (!apiKey) throw new CliError(`The admin API key secret ${secretId} is empty.`, ['Deploy again with -c adminApiKeyGeneration=<next number> to write a new key.']);
    return { baseUrl, apiKey };
  } finally {
    client.destroy();
  }
}

/** What the admin path answered that was not a success, explained. */
export interface AdminFailure {
  readonly status: number;
  readonly body: string;
}

function kongMessage(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the admin path refused or failed, in words a person acts on; undefined
 * for an answer of Kong's Admin API itself (a 404 of an entity, a 400 of a
 * schema violation: those are the command's result).
 *
 * The path runs ALB (WAF) → data plane (route `/kong-admin` with key-auth,
 * acl, ip-restriction) → control plane's Admin API. Kong's own messages:
 * - ip-restriction: 403 "IP address not allowed: <address>" (its default
 *   message, kong/plugins/ip-restriction/handler.lua:33-40 at 3.9.3); the WAF
 *   blocks the same CIDRs at the edge with a plain 403 page
 *   (https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-action.html);
 * - key-auth: 401 "No API key found in request" or "Unauthorized"
 *   (kong/plugins/key-auth/handler.lua:30-31 at 3.9.3);
 * - a stopped control plane: Cloud Map has no address for it, so the data
 *   plane answers 503 "name resolution failed"
 *   (kong/runloop/balancer/init.lua:381-385 at 3.9.3), or 502/504 while it
 *   stops or starts.
 */
export function explainAdminFailure(failure: AdminFailure, deployment: Deployment, publicIp?: PublicIp): CliError | undefined {
  const message = kongMessage(failure.body);
  const url = deployment.adminUrl ?? 'the admin path';
  if (failure.status === 403 && (message === undefined || /IP address not allowed|Cannot identify the client IP/i.test(message))) {
    const who = message ? `Kong's ip-restriction: "${message}"` : 'the firewall (WAF) at the load balancer';
    const allowed = deployment.adminAllowedCidrs;
    const ip = publicIp && 'ip' in publicIp ? publicIp.ip : undefined;
    return new CliError(`${url} refused this machine (403 from ${who}).`, [
      `Your public IP address: ${ip ?? `unknown (${publicIp && 'error' in publicIp ? publicIp.error : 'not looked up'})`}`,
      `Allowed (adminAllowedCidrs): ${allowed === undefined ? 'unknown (the stack has no AdminAllowedCidrs output)' : allowed.length > 0 ? allowed.join(', ') : 'none: the admin path is closed to everyone'}`,
      `To allow it, deploy with -c adminAllowedCidrs=${[...(allowed ?? []), ip ? `${ip}/32` : '<your address>/32'].join(',')} (or work from an allowed network).`,
    ]);
  }
  if (failure.status === 401) {
    return new CliError(`${url} refused the admin API key (401${message ? `: ${message}` : ''}).`, [
      'The key in the stack\'s AdminApiKeySecretArn secret is not the one Kong holds: was /kong-admin replaced (a `deck gateway sync` without select tags)?',
      'It is put back with the same key on the next control plane start or stack update (apps/reference/README.md, "Keeping /kong-admin working").',
    ]);
  }
  if (failure.status === 503 || failure.status === 502 || failure.status === 504) {
    return new CliError(`The control plane does not answer (${failure.status}${message ? `: ${message}` : ''}): it is asleep, or starting.`, [
      'Wake it and wait for the data planes to sync: kong-hybrid wake --wait',
      'kong-hybrid status shows where it stands.',
    ]);
  }
  if (failure.status === 404 && message === 'no Route matched with those values') {
    return new CliError(`${url} is not routed by the data planes (404: ${message}).`, [
      'The /kong-admin route is gone from Kong: it comes back on the next control plane start or stack update, or repair it (apps/reference/README.md).',
    ]);
  }
  return undefined;
}

/** Sends one request to the Admin API through the admin path, with the key. */
export async function adminFetch(access: AdminAccess, method: string, path: string, body?: string, fetchImpl: typeof fetch = fetch): Promise<Response> {
  const headers: Record<string, string> = { apikey: access.apiKey, accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    return await fetchImpl(`${access.baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(`${access.baseUrl} did not answer (${cause?.code ?? cause?.message ?? (error as Error).message}).`, [
      'Check the network path to the load balancer (DNS, a VPN, a proxy); kong-hybrid status shows the gateway itself.',
    ]);
  }
}

/** Explains a failed answer (looking up this machine's public address for a 403). */
export async function failureOf(ctx: Context, deployment: Deployment, res: Response, body: string): Promise<CliError | undefined> {
  const publicIp = res.status === 403 ? await lookupPublicIp(ctx.io.env) : undefined;
  return explainAdminFailure({ status: res.status, body }, deployment, publicIp);
}
