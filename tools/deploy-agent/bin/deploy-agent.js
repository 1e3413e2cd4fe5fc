#!/usr/bin/env node
// The reference deploy agent (npm start -w @railyard/deploy-agent): the compiled server does the work; build it first.
await import('../dist/main.js');
