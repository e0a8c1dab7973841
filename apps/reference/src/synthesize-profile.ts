import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createReferenceApp } from './app';
import { type Profile, profileContext } from './summary/profiles';
import { readCloudAssembly, type SynthesizedStack } from './summary/summary';

/**
 * Synthesizes the reference app with a profile's context on top of `context`
 * (cdk.json's), cdk-nag included, into a temporary cloud assembly, and
 * returns its stacks: the profiles' figures come from real templates too.
 */
export function synthesizeProfile(profile: Profile, context: Record<string, unknown>): SynthesizedStack[] {
  const outdir = mkdtempSync(path.join(tmpdir(), 'kong-profile-'));
  try {
    const { app } = createReferenceApp({ context: { ...context, ...profileContext(profile), 'aws:cdk:enable-path-metadata': true }, outdir });
    app.synth();
    return readCloudAssembly(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
