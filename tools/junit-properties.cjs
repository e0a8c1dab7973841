// jest-junit calls this for every test suite it writes (testSuitePropertiesFile,
// set for every workspace in projenrc/monorepo.ts): the suite's <properties>
// record the Node.js that ran it, and tools/test-summary.mjs prints it.
module.exports = () => ({ 'node.version': process.version });
