import * as path from 'node:path';
import { readCloudAssembly, renderSummary } from './summary';

// Prints the reference deployment's summary from a synthesized cloud assembly.
// Usage: node lib/summary/cli.js [cdk.out]
const dir = path.resolve(process.argv[2] ?? 'cdk.out');
console.log(renderSummary(readCloudAssembly(dir)));
