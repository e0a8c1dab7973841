// node:test's JUnit reporter, with the Node.js that ran the tests recorded in
// every <testsuite>'s properties, as the jest, pytest and surefire reports do
// (tools/test-summary.mjs prints it).
import { junit } from 'node:test/reporters';

export default async function* reporter(source) {
  const properties = `<properties><property name="node.version" value="${process.version}"/></properties>`;
  for await (const chunk of junit(source)) {
    yield typeof chunk === 'string' ? chunk.replace(/(<testsuite\s[^>]*[^/]>)/g, `$1${properties}`) : chunk;
  }
}
