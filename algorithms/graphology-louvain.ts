import louvainModule from 'graphology-communities-louvain';

/**
 * graphology-communities-louvain is CommonJS (`module.exports = louvain`) but its typings say
 * `export default`. Imported from our ESM code the function is the module itself, which the
 * typings call `.default`; this re-export gives it the right type once for everyone.
 */
export const louvain = louvainModule as unknown as typeof louvainModule.default;
export type { DetailedLouvainOutput, LouvainOptions } from 'graphology-communities-louvain';
