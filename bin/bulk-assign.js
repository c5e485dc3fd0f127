#!/usr/bin/env node
// The CLI is compiled by `npm run build` (run by `prepare` during `npm ci`/`npm install`).
import('../dist/src/cli/main.js');
