// The jest test environment of every workspace: jest's node environment, plus
// what is too costly to build again for each test file and is shared by design.
//
// aws-cdk-lib validates every synthesized template with @aws/cloudformation-validate,
// a WebAssembly build of CloudFormation's schemas and rules, through one engine per
// process (CloudFormationValidatePlugin._singletonInstance, core/lib/validation/
// cloudformation-validate-plugin.js at aws-cdk-lib 2.263.0). Loading the module,
// building the engine and its first validation (schemas, rule compilation) cost
// 8 to 20 s of CPU on these machines; later validations under a second each. jest
// gives each test file its own module registry, so each file that synthesized paid
// the first-time cost again. Here the module and its default engine live once per
// jest worker, outside the registries, as they would in one `cdk synth` process,
// and cloudformation-validate.cjs (where jest's moduleNameMapper points the package)
// hands them to every test file: same package, same rules, and every synthesis is
// still validated.
'use strict';
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');

/** Where aws-cdk-lib's own copy resolves from a workspace (it may be nested under aws-cdk-lib). */
function validatorPath(rootDir) {
  const cdk = path.dirname(require.resolve('aws-cdk-lib/package.json', { paths: [rootDir] }));
  return require.resolve('@aws/cloudformation-validate', { paths: [cdk] });
}

/** The package, whose RegoEngine hands out one engine for the default configuration. */
function shareDefaultEngine(validate) {
  // The default plugin's engine never ends (nothing frees it): neither may a test file end it.
  class SharedEngine extends validate.RegoEngine {
    free() {}
  }
  let engine;
  const isDefault = (config) => !config || ((config.customRules ?? []).length === 0 && (config.guardRules ?? []).length === 0);
  class RegoEngine extends validate.RegoEngine {
    constructor(config) {
      if (!isDefault(config)) return super(config);
      return engine ??= new SharedEngine(config);
    }
  }
  return { ...validate, RegoEngine };
}

const shared = new Map();

class KongHybridTestEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    const file = validatorPath(config.projectConfig.rootDir);
    // Lazily: test files that never synthesize do not load it.
    Object.defineProperty(this.global, '__kongHybridCloudFormationValidate', {
      configurable: false,
      enumerable: false,
      get() {
        if (!shared.has(file)) shared.set(file, shareDefaultEngine(require(file)));
        return shared.get(file);
      },
    });
  }
}

module.exports = KongHybridTestEnvironment;
