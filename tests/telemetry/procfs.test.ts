import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clockTicksPerSecond, listPids, parseCgroup, readCpuTicks, readIdentity } from '../../src/telemetry/procfs.js';

const PROC = fileURLToPath(new URL('../fixtures/procfs', import.meta.url));

describe('container and pod from /proc/PID/cgroup', () => {
  it('reads each runtime’s path form (cgroup v1 and v2)', () => {
    const cases: Array<[pid: number, container: string, pod: string]> = [
      [1001, '1a2b3c4d'.repeat(8), '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f'], // containerd, systemd driver, v2
      [1002, '5e6f7a8b'.repeat(8), '7e1f3c2a-9b8d-4e6f-a1b2-c3d4e5f60718'], // containerd, cgroupfs, v1
      [1003, 'c0ffee00'.repeat(8), '11223344-5566-7788-99aa-bbccddeeff00'], // CRI-O, systemd driver, v2
      [1004, 'deadbeef'.repeat(8), ''], // Docker, cgroupfs, v1
      [1005, '0123abcd'.repeat(8), ''], // Docker, systemd driver, v2
      [1006, '', ''], // a host process
      [1007, 'feedface'.repeat(8), '99887766-5544-3322-1100-ffeeddccbbaa'], // a Guaranteed pod, v1
      [1008, '', '0c1d2e3f-4a5b-6c7d-8e9f-0a1b2c3d4e5f'], // CRI-O's conmon: in the pod, not the container
    ];
    for (const [pid, containerId, podUid] of cases) expect({ pid, ...readIdentity(pid, PROC) }).toMatchObject({ pid, containerId, podUid });
  });

  it('takes the command from comm, not from stat', () => {
    expect(readIdentity(1001, PROC)!.command).toBe('python3');
    expect(readIdentity(1005, PROC)!.command).toBe('redis-server');
  });

  it('leaves what is not a container id alone', () => {
    expect(parseCgroup('0::/system.slice/docker.service\n')).toEqual({ containerId: '', podUid: '' });
    expect(parseCgroup(`0::/docker/${'a'.repeat(63)}\n`)).toEqual({ containerId: '', podUid: '' });
    expect(parseCgroup('')).toEqual({ containerId: '', podUid: '' });
  });

  it('says a process that is gone is gone', () => {
    expect(readIdentity(99999, PROC)).toBeNull();
    expect(readCpuTicks(99999, PROC)).toBeNull();
  });
});

describe('CPU time from /proc/PID/stat', () => {
  it('adds utime and stime, counting fields after the command even when it holds spaces and parentheses', () => {
    expect(readCpuTicks(1001, PROC)).toBe(100 + 10); // "(my (odd) cmd)"
    expect(readCpuTicks(1004, PROC)).toBe(400 + 40);
  });

  it('lists the numeric entries only', () => {
    expect(listPids(PROC).sort()).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008]);
  });

  it('reads this process’s own CPU time from the real procfs', () => {
    expect(readCpuTicks(process.pid)).toBeGreaterThan(0);
    expect(readIdentity(process.pid)!.command.length).toBeGreaterThan(0);
  });

  it('takes ticks per second from getconf CLK_TCK (100 on Linux)', () => {
    expect(clockTicksPerSecond()).toBe(100);
  });
});
