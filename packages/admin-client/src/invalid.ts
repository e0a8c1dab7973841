/** Throws a TypeError that names the function, the rule broken and the value received. */
export function invalid(where: string, rule: string, got: unknown): never {
  throw new TypeError(`${where}: ${rule}, got ${typeof got === 'string' ? JSON.stringify(got) : String(got)}`);
}
