import { describe, expect, it } from 'vitest';
import { ConfigError, loadEnv } from '../../config/env.ts';

describe('configuration from the environment', () => {
  it('has working defaults for a laptop', () => {
    const env = loadEnv({});
    expect(env.RINGLENS_PORT).toBe(8080);
    expect(env.NEO4J_URI).toBeUndefined();
    expect(env.NEO4J_VERSION_RANGE).toBe('[5.26.0,5.27)');
  });

  it('names the variable and the problem when a value is bad', () => {
    expect(() => loadEnv({ RINGLENS_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadEnv({ RINGLENS_PORT: '99999' })).toThrow(/RINGLENS_PORT/);
    expect(() => loadEnv({ NEO4J_URI: 'http://x:7474', NEO4J_PASSWORD: 'p' })).toThrow(/NEO4J_URI: must start with bolt/);
    expect(() => loadEnv({ NEO4J_HEAP: 'lots' })).toThrow(/NEO4J_HEAP: must be a size/);
    expect(() => loadEnv({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
  });

  it('refuses an external Neo4j without its password', () => {
    expect(() => loadEnv({ NEO4J_URI: 'bolt://db:7687' })).toThrow(/NEO4J_PASSWORD/);
    expect(loadEnv({ NEO4J_URI: 'bolt://db:7687', NEO4J_PASSWORD: 's' }).NEO4J_URI).toBe('bolt://db:7687');
  });

  it('treats empty variables as unset', () => {
    expect(loadEnv({ REDIS_URL: '', NEO4J_URI: ' ' }).REDIS_URL).toBeUndefined();
  });

  it('trusts no proxy unless told which one, and never every peer', () => {
    expect(loadEnv({}).RINGLENS_TRUST_PROXY).toBe(false);
    expect(loadEnv({ RINGLENS_TRUST_PROXY: '1' }).RINGLENS_TRUST_PROXY).toBe(1);
    expect(loadEnv({ RINGLENS_TRUST_PROXY: '10.0.0.5, 10.1.0.0/16,loopback' }).RINGLENS_TRUST_PROXY).toBe('10.0.0.5, 10.1.0.0/16,loopback');
    expect(() => loadEnv({ RINGLENS_TRUST_PROXY: 'true' })).toThrow(/RINGLENS_TRUST_PROXY: .*forge/);
    expect(() => loadEnv({ RINGLENS_TRUST_PROXY: 'proxy.local' })).toThrow(/not proxy\.local/);
  });
});
