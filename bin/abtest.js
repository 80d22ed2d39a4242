#!/usr/bin/env node
// The `abtest` command. Runs the TypeScript sources through tsx so that `npx abtest` works
// right after `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../shared/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
