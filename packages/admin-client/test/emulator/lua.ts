/**
 * How Kong renders values in its messages: Penlight's `pretty.write`
 * (`pl/pretty.lua`, penlight 1.14.0, the version Kong 3.9.3 pins in
 * kong-3.9.3-0.rockspec) and Lua's `%q` string quoting. Error messages quote
 * keys with it (`UNIQUE violation detected on '{name="x"}'`) and nested field
 * errors with its multi-line form.
 *
 * Values follow the emulator's convention for Lua: `null` is `ngx.null`
 * (JSON null), `undefined` is nil, an array is a sequence (holes are nil).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const LUA_KEYWORDS = new Set(['and', 'break', 'do', 'else', 'elseif', 'end', 'false', 'for', 'function', 'goto', 'if', 'in',
  'local', 'nil', 'not', 'or', 'repeat', 'return', 'then', 'true', 'until', 'while']);

/** Lua's `("%q"):format(s)`: double quotes, with `"`, `\` and newlines escaped, control bytes as `\ddd`. */
export function luaQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\\n';
    else if (ch === '\r') out += '\\r';
    else if (c === 0) out += '\\000';
    else if (c < 32 || c === 127) out += `\\${c}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Lua's `tostring` of a number: integers without a fraction, others in `%.14g`. */
export function luaNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isNaN(n)) return 'nan';
  return String(Number(n.toPrecision(14)));
}

function tostring(v: unknown): string {
  if (v === null) return 'userdata: NULL';
  if (typeof v === 'number') return luaNumber(v);
  return String(v);
}

/**
 * `pl.pretty.write(value, space)`: `space = ''` gives the one-line form of
 * Kong's key quotes (`{name="x"}`), the default two spaces the multi-line form.
 * Array items first, then string keys sorted, then other numeric keys.
 */
export function pretty(value: unknown, space = '  '): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? luaQuote(value) : tostring(value);
  }
  const set = space === '' ? '=' : ' = ';
  const lines: string[] = [];
  let line = '';
  const put = (s: string) => {
    line += s;
  };
  const putln = (s: string) => {
    if (line.length > 0) {
      lines.push(line + s);
      line = '';
    } else {
      lines.push(s);
    }
  };
  const eatLastComma = () => {
    const last = lines[lines.length - 1];
    if (last.endsWith(',')) lines[lines.length - 1] = last.slice(0, -1);
  };
  const quoteIfNecessary = (v: string) => (v.includes(' ') ? luaQuote(v) : v);
  const isIdentifier = (s: string) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && !LUA_KEYWORDS.has(s);
  const index = (numkey: boolean, key: string) => {
    if (!numkey) {
      key = luaQuote(key);
      if (key.startsWith('[')) key = ` ${key} `;
    }
    return `[${key}]`;
  };

  const writeit = (t: Json, oldindent: string, indent: string) => {
    if (t === null || typeof t !== 'object') {
      if (typeof t === 'string') putln(`${luaQuote(t)},`);
      else putln(`${quoteIfNecessary(tostring(t))},`);
      return;
    }
    const newindent = indent + space;
    putln('{');
    const entries: Array<[string | number, Json]> = Array.isArray(t)
      ? t.map((v, i) => [i + 1, v] as [number, Json]).filter(([, v]) => v !== undefined)
      : Object.entries(t).filter(([, v]) => v !== undefined);
    // ipairs: the sequence 1..n without holes
    const used = new Set<number>();
    for (let i = 1; ; i++) {
      const item = entries.find(([k]) => k === i);
      if (!item) break;
      put(indent);
      writeit(item[1], indent, newindent);
      used.add(i);
    }
    const stringKeys = entries.filter(([k]) => typeof k === 'string').map(([k]) => k as string).sort();
    for (const key of stringKeys) {
      const k = isIdentifier(key) ? key : index(false, key);
      put(indent + k + set);
      writeit(t[key], indent, newindent);
    }
    for (const [key, val] of entries) {
      if (typeof key !== 'number' || used.has(key)) continue;
      put(indent + index(true, String(key)) + set);
      writeit(val, indent, newindent);
    }
    eatLastComma();
    putln(`${oldindent}},`);
  };
  writeit(value, '', space);
  eatLastComma();
  return lines.join(space.length > 0 ? '\n' : '');
}

/** Kong's `quoted_list` (kong/db/schema/init.lua:185 at 3.9.3): `'a', 'b'`, or `('a', 'b'), ('c')` for lists of lists. */
export function quotedList(words: ReadonlyArray<string | readonly string[]>): string {
  return words.map((w) => (typeof w === 'string' ? `'${w}'` : `(${quotedList(w)})`)).join(', ');
}

/** Lua's `%d` of a number (truncated toward zero). */
export const luaInt = (n: number): string => luaNumber(Math.trunc(n));
