import { readFileSync } from 'node:fs';
import * as path from 'node:path';

describe('the Node.js these tests run on', () => {
  test('GIVEN the toolchain\'s Node.js (the root\'s `node` devDependency, the Lambda runtime\'s major) WHEN the tests run THEN they run on it', () => {
    // The construct library's tests check that the function runs this major (nodejs<major>.x).
    const pinned: string = JSON.parse(readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')).devDependencies.node;
    expect(process.versions.node.split('.')[0]).toBe(pinned.split('.')[0]);
  });
});
