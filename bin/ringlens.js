#!/usr/bin/env node
// The CLI is written in TypeScript; tsx compiles it on the fly so there is no build step to forget.
import { register } from 'tsx/esm/api';
import { DETECTION_COMMANDS, useDetectionHeapSettings } from './v8-memory.js';

// Before anything is loaded: a detection run's peak memory depends on how V8 sizes its heap (v8-memory.js).
if (DETECTION_COMMANDS.includes(process.argv[2] ?? '')) {
  try {
    useDetectionHeapSettings();
  } catch (err) {
    console.error(`ringlens: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  }
}
register();
await import('../cli/main.ts');
