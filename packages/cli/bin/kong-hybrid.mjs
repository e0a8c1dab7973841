#!/usr/bin/env node
// The kong-hybrid command: its bundle in lib/ (built by `npm run compile`, shipped in the npm package).
import '../lib/kong-hybrid.mjs';
