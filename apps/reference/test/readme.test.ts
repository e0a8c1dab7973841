import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const repo = path.join(__dirname, '..', '..', '..');
const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');

/** The fenced code block of a language in the README (exactly one expected). */
function readmeBlock(language: string): string[] {
  const blocks = [...readme.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
  expect(blocks).toHaveLength(1);
  return lines(blocks[0]);
}

/** The region between `README: <language>` and `end` markers of a test program. */
function testRegion(file: string, language: string): string[] {
  const text = readFileSync(path.join(repo, file), 'utf8');
  const region = text.match(new RegExp(`README: ${language} ---\\n([\\s\\S]*?)\\n\\s*(#|//) --- end ---`));
  expect(region).not.toBeNull();
  return lines(region![1]);
}

/** Lines without their indentation (Java's lives inside a method), blank lines dropped. */
function lines(code: string): string[] {
  return code.split('\n').map((l) => l.trim()).filter(Boolean);
}

describe('the README', () => {
  test('GIVEN the Python snippet WHEN compared THEN it is the program the Python binding test runs', () => {
    expect(readmeBlock('python')).toEqual(testRegion('packages/cdk/test/bindings/python/test_reference_deployment.py', 'python'));
  });

  test('GIVEN the Java snippet WHEN compared THEN it is the program the Java binding test runs', () => {
    expect(readmeBlock('java')).toEqual(testRegion(
      'packages/cdk/test/bindings/java/src/test/java/io/github/konghybrid/cdk/bindings/ReferenceDeploymentTest.java', 'java'));
  });

  test('GIVEN the settings table WHEN compared THEN it lists every context key the app reads', async () => {
    const { DEFAULT_CONFIG } = await import('../src/config');
    for (const key of Object.keys(DEFAULT_CONFIG)) expect(readme).toContain(`\`${key}\``);
  });
});
