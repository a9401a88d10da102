#!/usr/bin/env node
// Entry point for the installed `tradegym` command. It registers tsx's loader in this process
// and imports the TypeScript CLI, so there is no build step and signals reach the real process.
import { register } from 'tsx/esm/api';

register();
await import('../scripts/cli.ts');
