/**
 * The systemd unit and its environment file in deploy/: hardened as the README
 * says, accepted by `systemd-analyze verify`, and every variable of the
 * environment file an option `flopmeter serve` knows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT, requireComponent, runCli } from '../helpers.js';
import { hasCommand } from '../exporter/prometheus-tools.js';
import { UNIT, unitWithExecStart, verifyShippedUnit, verifyUnit } from './systemd.js';

/** Each `Key=value` of the unit, values in order (a key may repeat). */
function directives(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) out.set(m[1]!, [...(out.get(m[1]!) ?? []), m[2]!]);
  }
  return out;
}

describe('deploy/flopmeter.service', () => {
  const unit = directives(readFileSync(UNIT, 'utf8'));
  const one = (key: string): string | undefined => unit.get(key)?.at(-1);

  it('runs flopmeter serve as a dynamic user with its options from /etc/default/flopmeter', () => {
    expect(one('ExecStart')).toBe('/usr/local/bin/flopmeter serve');
    expect(one('DynamicUser')).toBe('yes');
    expect(one('StateDirectory')).toBe('flopmeter');
    expect(one('EnvironmentFile')).toBe('-/etc/default/flopmeter');
  });

  it('is hardened: read-only system, no privileges or capabilities, only the GPU device nodes', () => {
    for (const [key, value] of Object.entries({ ProtectSystem: 'strict', ProtectHome: 'yes', PrivateTmp: 'yes', NoNewPrivileges: 'yes', CapabilityBoundingSet: '', DevicePolicy: 'closed', RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX' })) {
      expect(one(key), key).toBe(value);
    }
    expect(unit.get('DeviceAllow')).toEqual(expect.arrayContaining(['char-nvidia-frontend rw', '/dev/nvidiactl rw', 'char-drm rw']));
    expect(one('SupplementaryGroups')?.split(' ')).toEqual(['video', 'render']);
    expect(one('ReadOnlyPaths')?.split(' ')).toContain('/sys/class/powercap');
    // Per-process energy reads other processes' /proc entries; PrivateDevices would hide /dev/nvidia*.
    expect(unit.has('ProtectProc')).toBe(false);
    expect(unit.has('PrivateDevices')).toBe(false);
  });

  it('passes `systemd-analyze verify` without a warning, and a broken copy does not', (ctx) => {
    requireComponent(ctx, hasCommand('systemd-analyze'), 'systemd-analyze (Debian package systemd)');
    const good = verifyShippedUnit(BIN);
    expect(good.output).toBe('');
    expect(good.code).toBe(0);
    const broken = verifyUnit(unitWithExecStart(readFileSync(UNIT, 'utf8'), BIN).replace('ProtectSystem=strict', 'ProtectSystem=everything'));
    expect(broken.output).toMatch(/ProtectSystem|protect system/i);
    const missing = verifyShippedUnit('/nonexistent/flopmeter');
    expect(missing.code).not.toBe(0);
  });
});

describe('deploy/flopmeter.env', () => {
  it('sets only variables that name `flopmeter serve` options', async () => {
    const text = readFileSync(join(ROOT, 'deploy', 'flopmeter.env'), 'utf8');
    const names = [...text.matchAll(/^#?(FLOPMETER_[A-Z_]+)=/gm)].map((m) => m[1]!);
    expect(names).toContain('FLOPMETER_LISTEN');
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    for (const name of names) {
      const option = `--${name.slice('FLOPMETER_'.length).toLowerCase().replaceAll('_', '-')}`;
      expect(help.stdout, name).toContain(option);
    }
  });
});
