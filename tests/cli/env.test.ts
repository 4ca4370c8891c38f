import { describe, expect, it } from 'vitest';
import { envName, withEnv } from '../../src/cli/env.js';
import { UsageError } from '../../src/core/errors.js';

const SPEC = {
  listen: { kind: 'string' as const, default: '127.0.0.1:9877' },
  'probe-timeout': { kind: 'number' as const, default: 120 },
  'enable-probe-endpoint': { kind: 'boolean' as const, default: false },
  backend: { kind: 'list' as const },
};

describe('options from the environment', () => {
  it('names variables FLOPMETER_<FLAG>', () => {
    expect(envName('probe-timeout')).toBe('FLOPMETER_PROBE_TIMEOUT');
  });

  it('takes the command line first, then the environment, then the default', () => {
    const env = { FLOPMETER_LISTEN: ':9999', FLOPMETER_PROBE_TIMEOUT: '30', FLOPMETER_ENABLE_PROBE_ENDPOINT: 'yes', FLOPMETER_BACKEND: 'cpu, webgpu' };
    expect(withEnv({ listen: '[::1]:1' } as Record<string, unknown>, SPEC, env)).toEqual({ listen: '[::1]:1', probeTimeout: 30, enableProbeEndpoint: true, backend: ['cpu', 'webgpu'] });
    expect(withEnv({}, SPEC, {})).toEqual({ listen: '127.0.0.1:9877', probeTimeout: 120, enableProbeEndpoint: false, backend: undefined });
  });

  it('rejects values of the wrong kind, naming the variable', () => {
    expect(() => withEnv({}, SPEC, { FLOPMETER_PROBE_TIMEOUT: 'soon' })).toThrow(UsageError);
    expect(() => withEnv({}, SPEC, { FLOPMETER_PROBE_TIMEOUT: '' })).toThrow(/FLOPMETER_PROBE_TIMEOUT=: --probe-timeout takes a number/);
    expect(() => withEnv({}, SPEC, { FLOPMETER_ENABLE_PROBE_ENDPOINT: 'maybe' })).toThrow(/takes true or false/);
  });
});
