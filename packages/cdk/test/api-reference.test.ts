import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const pkg = path.join(__dirname, '..');
/** The compiled assembly: what jsii-pacmak turns into the Python and Java packages, and jsii-docgen into the API reference. */
const assembly = JSON.parse(readFileSync(path.join(pkg, '.jsii'), 'utf8'));
const API_FILES = ['API.md', 'docs/API.python.md', 'docs/API.java.md'];

interface Documented { readonly where: string; readonly docs: Record<string, string> }

/** Every type, member and parameter of the public API, with its docs. */
function documented(): Documented[] {
  const out: Documented[] = [];
  const add = (where: string, docs: Record<string, string> | undefined) => out.push({ where, docs: docs ?? {} });
  for (const [fqn, type] of Object.entries<any>(assembly.types)) {
    add(fqn, type.docs);
    for (const p of type.initializer?.parameters ?? []) add(`${fqn}#${p.name}`, p.docs);
    for (const m of [...(type.properties ?? []), ...(type.methods ?? []), ...(type.members ?? [])]) {
      add(`${fqn}.${m.name}`, m.docs);
      for (const p of m.parameters ?? []) add(`${fqn}.${m.name}#${p.name}`, p.docs);
    }
  }
  return out;
}

describe('the API reference', () => {
  const all = documented();

  test('GIVEN the assembly WHEN its summaries are read THEN none is cut at a semicolon', () => {
    // jsii takes the first sentence as the summary, and a `;` ends a sentence for it
    // (jsii lib/docs.ts, FIRST_SENTENCE_REGEX): the Python and Java docs then show half a sentence.
    expect(all.length).toBeGreaterThan(100);
    expect(all.filter((d) => /;$/.test(d.docs.summary ?? '')).map((d) => `${d.where}: ${d.docs.summary}`)).toEqual([]);
  });

  test('GIVEN the assembly WHEN its docs are read THEN no raw {@link} is left for the Python docstrings', () => {
    // jsii-pacmak copies TSDoc text into Python docstrings as it is: write `Foo`, not {@link Foo}.
    expect(all.filter((d) => Object.values(d.docs).some((text) => /\{@link/.test(text))).map((d) => d.where)).toEqual([]);
  });

  test('GIVEN the library WHEN its stability is read THEN it is declared stable and nothing is marked experimental', () => {
    expect(assembly.docs?.stability).toBe('stable');
    expect(all.filter((d) => d.docs.stability !== undefined && d.docs.stability !== 'stable').map((d) => `${d.where}: ${d.docs.stability}`)).toEqual([]);
    for (const file of API_FILES) {
      expect({ file, experimental: /experimental/i.test(readFileSync(path.join(pkg, file), 'utf8')) }).toEqual({ file, experimental: false });
    }
  });

  test('GIVEN the API reference in TypeScript, Python and Java WHEN read THEN each documents the gateway in its language', () => {
    const [ts, python, java] = API_FILES.map((f) => readFileSync(path.join(pkg, f), 'utf8'));
    expect(ts).toContain('new KongHybridGateway(scope: Construct, id: string, props: KongHybridGatewayProps)');
    expect(python).toMatch(/kong_hybrid_cdk\.KongHybridGateway\(\s*scope: Construct,\s*id: str,[\s\S]*domain_name: str,/);
    expect(java).toContain('import io.github.konghybrid.cdk.KongHybridGateway;');
    for (const text of [ts, python, java]) expect(text).not.toContain('{@link');
  });
  test('GIVEN the Python API reference WHEN it names a parameter or property THEN it is spelled as Python accepts it', () => {
    // jsii-pacmak names Python keyword arguments and properties with codemaker's toSnakeCase;
    // jsii-docgen spells them with the `case` package (`data_plane_memory_mi_b`), which Python refuses.
    const from = (pkgName: string) => (id: string) => require(require.resolve(id, { paths: [path.dirname(require.resolve(`${pkgName}/package.json`))] }));
    const { toSnakeCase } = from('jsii-pacmak')('codemaker') as { toSnakeCase: (s: string) => string };
    const docgenSnake = (from('jsii-docgen')('case') as { snake: (s: string) => string }).snake;
    const python = readFileSync(path.join(pkg, 'docs/API.python.md'), 'utf8');
    const names = new Set(all.map((d) => d.where.split(/[.#]/).pop()!));
    const differing = [...names].filter((n) => docgenSnake(n) !== toSnakeCase(n));
    expect(differing).toContain('dataPlaneMemoryMiB');
    for (const name of differing) {
      expect({ name, wrong: python.includes(docgenSnake(name)), right: python.includes(toSnakeCase(name)) }).toEqual({ name, wrong: false, right: true });
    }
  });

  // That these files are the ones `npm run docgen` writes from this assembly is checked
  // by the release dry runs (tools/release/api-reference.test.mjs), after docgen ran.
});
