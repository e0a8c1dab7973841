import { Duration, Token } from 'aws-cdk-lib';

/**
 * Synth-time checks shared by every construct. Each one is token-aware (a
 * value only known at deploy time is left alone) and names the prop and the
 * value it received.
 */

function fail(prop: string, value: unknown, expected: string): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new Error(`${prop} ${expected}, got ${shown}`);
}

/** Checks `min <= value <= max` for a number that may be a token. */
export function checkRange(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isFinite(value) || value < min || value > max) fail(prop, value, `must be between ${min} and ${max}`);
}

/** Checks that `value` is a whole number in range. */
export function checkInteger(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!Number.isInteger(value)) fail(prop, value, 'must be a whole number');
  checkRange(prop, value, min, max);
}

/** Checks `low <= high` for two props (tokens skip the check). */
export function checkOrder(lowProp: string, low: number, highProp: string, high: number): void {
  if (Token.isUnresolved(low) || Token.isUnresolved(high)) return;
  if (low > high) throw new Error(`${lowProp} (${low}) must not be greater than ${highProp} (${high})`);
}

/** Checks a Duration's length in seconds. */
export function checkDurationSeconds(prop: string, value: Duration | undefined, min: number, max: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds();
  if (seconds < min || seconds > max) fail(prop, `${seconds} s`, `must be between ${min} and ${max} seconds`);
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** True for an IPv4 CIDR block such as `203.0.113.0/24`. */
export function isIpv4Cidr(value: string): boolean {
  const [ip, bits, ...rest] = value.split('/');
  return rest.length === 0 && bits !== undefined && IPV4.test(ip) && /^\d{1,2}$/.test(bits) && Number(bits) <= 32;
}

/** True for an IPv6 CIDR block such as `2001:db8::/32`. */
export function isIpv6Cidr(value: string): boolean {
  const [ip, bits, ...rest] = value.split('/');
  if (rest.length !== 0 || bits === undefined || !/^\d{1,3}$/.test(bits) || Number(bits) > 128) return false;
  if (!/^[0-9a-fA-F:]+$/.test(ip) || ip.split('::').length > 2) return false;
  const groups = ip.split(':').filter((g) => g !== '');
  if (groups.some((g) => g.length > 4)) return false;
  return ip.includes('::') ? groups.length < 8 : groups.length === 8;
}

/** Checks an IPv4 CIDR block (a VPC's, for example). */
export function checkIpv4Cidr(prop: string, value: string | undefined): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (!isIpv4Cidr(value)) fail(prop, value, 'must be an IPv4 CIDR block such as "10.0.0.0/16"');
}

/** Checks a list of IPv4 or IPv6 CIDR blocks; returns them split by family. */
export function checkCidrList(prop: string, values: string[]): { ipv4: string[]; ipv6: string[] } {
  const ipv4: string[] = [];
  const ipv6: string[] = [];
  if (Token.isUnresolved(values)) fail(prop, '(a token)', 'must be a list known at synth time');
  values.forEach((value, i) => {
    if (Token.isUnresolved(value)) fail(`${prop}[${i}]`, '(a token)', 'must be known at synth time');
    if (isIpv4Cidr(value)) ipv4.push(value);
    else if (isIpv6Cidr(value)) ipv6.push(value);
    else fail(`${prop}[${i}]`, value, 'must be an IPv4 or IPv6 CIDR block such as "203.0.113.0/24"');
  });
  return { ipv4, ipv6 };
}

/** Fargate's CPU and memory pairs (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html). */
export function checkFargateSize(cpuProp: string, cpu: number, memoryProp: string, memory: number): void {
  if (Token.isUnresolved(cpu) || Token.isUnresolved(memory)) return;
  const ranges: Record<number, [number, number, number]> = {
    256: [512, 2048, 512], // min, max, step (512 MiB, then 1 and 2 GiB)
    512: [1024, 4096, 1024],
    1024: [2048, 8192, 1024],
    2048: [4096, 16384, 1024],
    4096: [8192, 30720, 1024],
    8192: [16384, 61440, 4096],
    16384: [32768, 122880, 8192],
  };
  const range = ranges[cpu];
  if (!range) fail(cpuProp, cpu, `must be one of ${Object.keys(ranges).join(', ')} (Fargate CPU units)`);
  const [min, max, step] = range;
  const ok = cpu === 256 ? [512, 1024, 2048].includes(memory) : memory >= min && memory <= max && memory % step === 0;
  if (!ok) fail(memoryProp, memory, `must be a Fargate memory size for ${cpuProp} ${cpu} (${cpu === 256 ? '512, 1024 or 2048 MiB' : `${min}..${max} MiB in steps of ${step}`})`);
}
