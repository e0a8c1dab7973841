import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

/** What `npm pack` would put in the tarball (the Python and Java packages wrap the same files). */
function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  return (JSON.parse(out)[0].files as Array<{ path: string }>).map((f) => f.path).sort();
}

describe('the npm package', () => {
  const files = packedFiles();

  test('GIVEN the library WHEN packed THEN it ships the compiled library, the jsii assembly and the Lambda bundles', () => {
    expect(files).toEqual(expect.arrayContaining(['lib/index.js', 'lib/index.d.ts', '.jsii', 'README.md', 'LICENSE', 'package.json']));
    for (const bundle of ['admin-api-proxy', 'cluster-certificate', 'idle-scaler']) expect(files).toContain(`assets/${bundle}/index.js`);
  });

  test('GIVEN the library WHEN packed THEN no build or test file goes with it: no turbo.json, no sources, no tests, no handler sources', () => {
    expect(files.filter((f) => /(^|\/)turbo\.json$|^\.turbo\/|^src\/|^test\/|^lambda\/|^bench\/|tsconfig|jest\.config/.test(f))).toEqual([]);
  });
});
