import { describe, expect, it } from '@jest/globals';
import { Env } from '../../protocol/index.js';
import { ConfigError } from '../../runtime/src/errors.js';
import type { Logger } from '../../runtime/src/logger.js';
import { loadTrafficConfig } from '../../runtime/src/traffic/config.js';
import { DebuggerPresence } from '../../runtime/src/traffic/presence.js';
import { route } from '../../runtime/src/traffic/router.js';
import { Sampler } from '../../runtime/src/traffic/sampler.js';

const quiet: Logger = { log: () => undefined };

describe('traffic configuration', () => {
  it('defaults to today: the debugger answers everything, errors when it is gone', () => {
    expect(loadTrafficConfig({})).toEqual({ whenDisconnected: 'error', mode: 'debug', observeSampleMs: 1000, reconnectCheckMs: 5000 });
  });

  it('refuses bad values naming the variable', () => {
    expect(() => loadTrafficConfig({ [Env.RouteFilter]: '{"type":"order"}' })).toThrow(ConfigError);
    expect(() => loadTrafficConfig({ [Env.RouteFilter]: 'not json' })).toThrow(new RegExp(`^${Env.RouteFilter} is not a valid EventBridge event pattern`));
    expect(() => loadTrafficConfig({ [Env.WhenDisconnected]: 'retry' })).toThrow(/PLLDB_WHEN_DISCONNECTED is "retry": expected error or passthrough/);
    expect(() => loadTrafficConfig({ [Env.Mode]: 'watch' })).toThrow(/PLLDB_MODE/);
    expect(() => loadTrafficConfig({ [Env.ObserveSampleMs]: '-1' })).toThrow(/PLLDB_OBSERVE_SAMPLE_MS/);
  });
});

describe('route', () => {
  const connected = { connected: true };
  const gone = { connected: false };
  const config = (env: Record<string, string>) => loadTrafficConfig(env);

  it('sends matching events to the debugger and the others (non-JSON included) to the deployed code', () => {
    const traffic = config({ [Env.RouteFilter]: '{"kind":["debug-me"]}' });
    expect(route('{"kind":"debug-me"}', traffic, connected, new Sampler(0))).toEqual({ answeredBy: 'debugger' });
    expect(route('{"kind":"other"}', traffic, connected, new Sampler(0))).toMatchObject({ answeredBy: 'deployed', reason: 'filter' });
    expect(route('plain text', traffic, connected, new Sampler(0))).toMatchObject({ answeredBy: 'deployed', reason: 'filter' });
  });

  it('passes through only when asked to and the debugger is gone', () => {
    expect(route('{}', config({}), gone, new Sampler(0))).toEqual({ answeredBy: 'debugger' });
    expect(route('{}', config({ [Env.WhenDisconnected]: 'passthrough' }), gone, new Sampler(0))).toMatchObject({ answeredBy: 'deployed', reason: 'disconnected' });
    expect(route('{}', config({ [Env.WhenDisconnected]: 'passthrough' }), connected, new Sampler(0))).toEqual({ answeredBy: 'debugger' });
  });

  it('observe: the deployed code answers; a copy per sample period, of matching events only', () => {
    let now = 0;
    const sampler = new Sampler(1000, () => now);
    const traffic = config({ [Env.Mode]: 'observe', [Env.RouteFilter]: '{"kind":["x"]}' });
    expect(route('{"kind":"x"}', traffic, connected, sampler)).toEqual({ answeredBy: 'deployed', reason: 'observe', copy: true });
    expect(route('{"kind":"x"}', traffic, connected, sampler)).toMatchObject({ copy: false });
    now = 1000;
    expect(route('{"kind":"y"}', traffic, connected, sampler)).toMatchObject({ copy: false });
    expect(route('{"kind":"x"}', traffic, connected, sampler)).toMatchObject({ copy: true });
  });
});

describe('DebuggerPresence', () => {
  it('stays gone until a check, at most every period, finds the connection back', async () => {
    let now = 0;
    let back = false;
    let probes = 0;
    const presence = new DebuggerPresence(async () => (probes++, back), 5000, quiet, () => now);
    presence.gone('r1');
    expect(presence.connected).toBe(false);
    await presence.recheck('r2');
    expect(probes).toBe(0);
    now = 5000;
    await presence.recheck('r3');
    expect([probes, presence.connected]).toEqual([1, false]);
    back = true;
    now = 7000;
    await presence.recheck('r4');
    expect(probes).toBe(1);
    now = 10_000;
    await presence.recheck('r5');
    expect([probes, presence.connected]).toEqual([2, true]);
  });

  it('lets the debugger path decide when the check itself fails (e.g. no permission)', async () => {
    let now = 0;
    const presence = new DebuggerPresence(() => Promise.reject(new Error('AccessDenied')), 1000, quiet, () => now);
    presence.gone('r1');
    now = 1000;
    await presence.recheck('r2');
    expect(presence.connected).toBe(true);
  });
});
