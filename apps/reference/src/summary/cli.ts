import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { synthesizeProfile } from '../synthesize-profile';
import { PROFILES } from './profiles';
import { readCloudAssembly, renderSummary } from './summary';

// Prints the reference deployment's summary from a synthesized cloud assembly,
// and the profiles' figures (cdk.json plus each profile's context, synthesized here).
// Usage: node lib/summary/cli.js [cdk.out]
const dir = path.resolve(process.argv[2] ?? 'cdk.out');
const cdkJson = [path.join(path.dirname(dir), 'cdk.json'), path.resolve('cdk.json')].find((f) => existsSync(f));
const context = cdkJson ? JSON.parse(readFileSync(cdkJson, 'utf8')).context ?? {} : {};
const profiles = PROFILES.map((profile) => ({ profile, stacks: synthesizeProfile(profile, context) }));
console.log(renderSummary(readCloudAssembly(dir), { profiles, referenceContext: context }));
