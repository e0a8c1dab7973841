import { javascript, typescript } from 'projen';
import { MIN_NODE_VERSION, VERSIONS } from './versions';
import type { NpmMonorepo } from './monorepo';

/** The repository every package points at. */
export const REPOSITORY = 'https://github.com/kong-hybrid/kong-hybrid.git';
export const AUTHOR = 'kong-hybrid maintainers';
export const AUTHOR_ADDRESS = 'https://github.com/kong-hybrid/kong-hybrid';

/** Options every workspace project shares. */
export function workspaceDefaults(root: NpmMonorepo, outdir: string) {
  return {
    parent: root,
    outdir,
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    minNodeVersion: MIN_NODE_VERSION,
    typescriptVersion: VERSIONS.typescript,
    repository: REPOSITORY,
    repositoryDirectory: outdir,
    authorName: AUTHOR,
    authorUrl: AUTHOR_ADDRESS,
    sampleCode: false,
    eslint: false,
    release: false,
    depsUpgrade: false,
    github: false,
    licensed: true,
    projenrcTs: false,
    projenrcJs: false,
    buildWorkflow: false,
    pullRequestTemplate: false,
    stale: false,
    typecheckTests: true,
  } satisfies Partial<typescript.TypeScriptProjectOptions>;
}

/** Compiler options shared with tsconfig.base.json (workspaces extend it). */
export const BASE_COMPILER_OPTIONS = {
  target: 'ES2022',
  lib: ['ES2022'],
  module: 'commonjs',
  moduleResolution: 'node',
  strict: true,
  declaration: true,
  esModuleInterop: true,
  skipLibCheck: true,
  forceConsistentCasingInFileNames: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  resolveJsonModule: true,
  sourceMap: false,
  inlineSourceMap: true,
  inlineSources: true,
  types: ['node'],
};
