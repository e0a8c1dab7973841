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
// still validated. Each report is kept by the hash of the template's bytes and the
// options (CACHE_DIR below): the same template, synthesized again by another test
// file, workspace or run, gets the report the engine gave for it, warnings included.
//
// Likewise one moto server per jest worker, lent to each test file reset, as if new
// (moto.cjs says how; KONG_HYBRID_SHARED_MOTO=off starts one per file).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { TestEnvironment } = require('jest-environment-node');
const moto = require('./moto.cjs');

/** Where aws-cdk-lib's own copy resolves from a workspace (it may be nested under aws-cdk-lib). */
function validatorPath(rootDir) {
  const cdk = path.dirname(require.resolve('aws-cdk-lib/package.json', { paths: [rootDir] }));
  return require.resolve('@aws/cloudformation-validate', { paths: [cdk] });
}

/**
 * Where validation reports are kept, by the SHA-256 of what the report is a function
 * of: the template's bytes, the options aws-cdk-lib passes (rules excluded, account,
 * region, severity) and the validator's version. A template that changes is a new key,
 * so a kept report is never stale; git ignores node_modules/, and a clean clone
 * starts with none. KONG_HYBRID_TEST_CACHE=off validates every time.
 */
const CACHE_DIR = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'kong-hybrid', 'cloudformation-validate');

/**
 * The package, whose RegoEngine, for the default configuration (no rules of the
 * user's own), is one engine per worker, built on the first template it has not
 * seen, and whose reports are kept by content (see CACHE_DIR).
 */
function shareDefaultEngine(validate, file) {
  const packageVersion = JSON.parse(fs.readFileSync(path.join(path.dirname(file), 'package.json'), 'utf8')).version;
  const cache = process.env.KONG_HYBRID_TEST_CACHE !== 'off';
  let engine;
  const theEngine = () => engine ??= new validate.RegoEngine({});
  const isDefault = (config) => !config || ((config.customRules ?? []).length === 0 && (config.guardRules ?? []).length === 0);

  class SharedEngine {
    validateDetailed(template, options) {
      if (!cache) return theEngine().validateDetailed(template, options);
      const hash = crypto.createHash('sha256')
        .update(JSON.stringify({ packageVersion, version: validate.version(), options: options ?? {} }))
        .update('\0')
        .update(template.readBytes())
        .digest('hex');
      const kept = path.join(CACHE_DIR, `${hash}.json`);
      if (fs.existsSync(kept)) {
        // The same bytes, read from another path: the report names this one.
        return { ...JSON.parse(fs.readFileSync(kept, 'utf8')), filePath: template.path };
      }
      const report = theEngine().validateDetailed(template, options);
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      // Whole or not at all: another worker may read it at the same moment.
      const partial = `${kept}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify(report));
      fs.renameSync(partial, kept);
      return report;
    }
    validateStandard(template, options) { return theEngine().validateStandard(template, options); }
    listRules() { return theEngine().listRules(); }
    engineName() { return theEngine().engineName(); }
    // The default plugin's engine never ends (nothing frees it): neither may a test file end it.
    free() {}
  }
  const sharedEngine = new SharedEngine();
  class RegoEngine extends validate.RegoEngine {
    constructor(config) {
      if (!isDefault(config)) return super(config);
      return sharedEngine;
    }
  }
  return { ...validate, RegoEngine };
}

const shared = new Map();

/**
 * What the test files of one worker share by design, by a key that names all it
 * is a function of (e.g. the Admin API emulator's compiled OpenAPI contract, by
 * the hash of the document's bytes): built by the first test file that needs it,
 * read by the next. Only values no test changes belong here.
 */
const workerStore = new Map();

/** This worker's moto server, started when a test file first asks for moto (moto.cjs). */
let sharedMoto;

class KongHybridTestEnvironment extends TestEnvironment {
  /** The motos lent to this test file: given back (or ended) when it ends, stop() called or not. */
  #motos = [];

  constructor(config, context) {
    super(config, context);
    const motos = this.#motos;
    const launcher = {
      async startMoto(timeoutMs) {
        const server = process.env.KONG_HYBRID_SHARED_MOTO === 'off'
          ? await moto.startMoto(timeoutMs)
          : await (sharedMoto ??= new moto.SharedMoto()).startMoto(timeoutMs);
        motos.push(server);
        return server;
      },
    };
    // What test/support/moto.ts's startMoto() uses, when it is there.
    Object.defineProperty(this.global, '__kongHybridMoto', { configurable: false, enumerable: false, value: launcher });
    const file = validatorPath(config.projectConfig.rootDir);
    // Lazily: test files that never synthesize do not load it.
    Object.defineProperty(this.global, '__kongHybridCloudFormationValidate', {
      configurable: false,
      enumerable: false,
      get() {
        if (!shared.has(file)) shared.set(file, shareDefaultEngine(require(file), file));
        return shared.get(file);
      },
    });
    Object.defineProperty(this.global, '__kongHybridWorkerStore', { configurable: false, enumerable: false, value: workerStore });
  }

  async teardown() {
    await Promise.all(this.#motos.splice(0).map((server) => server.stop()));
    await super.teardown();
  }
}

module.exports = KongHybridTestEnvironment;
