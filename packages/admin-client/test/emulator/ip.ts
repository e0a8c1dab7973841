/**
 * Kong's address checks, written from kong/tools/ip.lua at 3.9.3: hostname
 * types, `normalize_ip` (ipv4, ipv4:port, ipv6, [ipv6]:port, name, name:port)
 * and the IP / CIDR validators the schemas use (`ip`, `ip_or_cidr`).
 * `resty.ipmatcher` parses the addresses there; Node's `net.isIPv4/isIPv6`
 * stand in for it here.
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface NormalizedAddress {
  readonly type: 'ipv4' | 'ipv6' | 'name';
  readonly host: string;
  readonly port?: number;
}

/** kong/tools/ip.lua:121 at 3.9.3: by exclusion, not validation. */
export function hostnameType(name: string): 'ipv4' | 'ipv6' | 'name' {
  const colons = (name.match(/:/g) ?? []).length;
  if (colons > 1) return 'ipv6';
  if (/^[\d.]+$/.test(name.replace(/:/g, ''))) return 'ipv4';
  return 'name';
}

type Result = { host: string; port?: number } | { error: string };

/** kong/tools/ip.lua:136 at 3.9.3. */
function normalizeIpv4(address: string): Result {
  const m = address.includes(':')
    ? /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3}):(\d+)$/.exec(address)
    : /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (!m) return { error: `invalid ipv4 address: ${address}` };
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return { error: `invalid ipv4 address: ${address}` };
  if (m[5] !== undefined && Number(m[5]) > 65535) return { error: 'invalid port number' };
  return { host: octets.join('.'), ...(m[5] !== undefined ? { port: Number(m[5]) } : {}) };
}

/** kong/tools/ip.lua:167 at 3.9.3. */
function normalizeIpv6(address: string): Result {
  let check = address;
  let port: number | undefined;
  const bracketed = /^\[([^\]]*)\](.*)$/.exec(address);
  if (bracketed) {
    check = bracketed[1];
    if (bracketed[2] !== '') {
      const p = /^:(\d*)$/.exec(bracketed[2]);
      if (!p) return { error: 'invalid ipv6 address' };
      port = Number(p[1]);
      if (port > 65535) return { error: 'invalid port number' };
    }
  }
  if (check.startsWith(':')) check = `0${check}`;
  if (check.endsWith(':')) check = `${check}0`;
  if (check.includes('::')) {
    const count = (check.match(/:/g) ?? []).length;
    check = check.replace('::', `:${'0:'.repeat(Math.max(0, 8 - count))}`);
  }
  const groups = check.split(':');
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return { error: `invalid ipv6 address: ${address}` };
  return { host: groups.map((g) => g.padStart(4, '0')).join(':').toLowerCase(), ...(port !== undefined ? { port } : {}) };
}

/** kong/tools/ip.lua:224 at 3.9.3. */
function checkHostname(address: string): Result {
  let name = address;
  const p = /:(\d+)$/.exec(address);
  let port: number | undefined;
  if (p) {
    name = name.slice(0, -(p[1].length + 1));
    port = Number(p[1]);
    if (port > 65535) return { error: 'invalid port number' };
  }
  if (!/^[\dA-Za-z\-._]+$/.test(name)) return { error: `invalid hostname: ${address}` };
  const segments = name.split('.');
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (s.endsWith('-') || (s === '' && i !== segments.length - 1)) return { error: `invalid hostname: ${address}` };
  }
  return { host: name, ...(port !== undefined ? { port } : {}) };
}

/** `normalize_ip` (kong/tools/ip.lua:265 at 3.9.3): the address, or why not. */
export function normalizeIp(address: string): NormalizedAddress | { error: string } {
  const type = hostnameType(address);
  const r = type === 'ipv4' ? normalizeIpv4(address) : type === 'ipv6' ? normalizeIpv6(address) : checkHostname(address);
  if ('error' in r) return r;
  return { type, host: r.host, ...(r.port !== undefined ? { port: r.port } : {}) };
}

/** `format_host` (kong/tools/ip.lua:291 at 3.9.3) with a default port. */
export function formatHost(p: NormalizedAddress, defaultPort?: number): string {
  const port = p.port ?? defaultPort;
  const host = p.type === 'ipv6' && !p.host.includes('[') ? `[${p.host}]` : p.host;
  return port !== undefined ? `${host}:${port}` : host;
}

const isIp = (s: string) => isIPv4(s) || isIPv6(s);

/** `split_cidr` with a prefix table (kong/tools/ip.lua:32 at 3.9.3): the `/` is looked for from the third character. */
function cidr(s: string, max: number, parse: (x: string) => boolean): boolean {
  const at = s.indexOf('/', 2);
  if (at < 0) return false;
  const prefix = s.slice(at + 1);
  if (!/^(0|[1-9]\d*)$/.test(prefix) || Number(prefix) > max) return false;
  return parse(s.slice(0, at));
}

/** `is_valid_ip_or_cidr` (kong/tools/ip.lua:108 at 3.9.3). */
export function isValidIpOrCidr(s: string): boolean {
  return isIp(s) || cidr(s, 32, isIPv4) || cidr(s, 128, isIPv6);
}

/** `is_valid_ip` (kong/tools/ip.lua:78 at 3.9.3). */
export const isValidIp = isIp;
