// Worker threads do not inherit the main thread's TypeScript loader: register it, then run the lane.
import { register } from 'tsx/esm/api';

register();
await import('./lane-worker.ts');
