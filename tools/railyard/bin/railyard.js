#!/usr/bin/env node
// The `railyard` command (npx railyard …): the compiled CLI does the work; build it first (npm run build).
import { main } from '../dist/cli.js';

await main();
