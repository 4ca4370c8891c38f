/**
 * Provenance: which flopmeter build, on which host.
 */
import os from 'node:os';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { distDir, packageRoot } from '../core/paths.js';
import type { HostInfo, ToolInfo } from './types.js';

export function toolInfo(): ToolInfo {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  const infoPath = join(distDir(), 'build-info.json');
  const build = existsSync(infoPath) ? (JSON.parse(readFileSync(infoPath, 'utf8')) as { commit: string | null; dirty: boolean | null }) : null;
  return { name: 'flopmeter', version: pkg.version, commit: build?.commit ?? null, dirty: build?.dirty ?? null };
}

export async function hostInfo(): Promise<HostInfo> {
  // Loaded here, not at the top: toolInfo serves `flopmeter --version`, which should not wait for it.
  const { default: si } = await import('systeminformation');
  const [osInfo, cpu, system] = await Promise.all([si.osInfo(), si.cpu(), si.system().catch(() => null)]);
  return {
    hostname: os.hostname(),
    os: [osInfo.distro, osInfo.release].filter(Boolean).join(' ') || os.type(),
    kernel: osInfo.kernel || os.release(),
    arch: os.arch(),
    cpu: [cpu.manufacturer, cpu.brand].filter(Boolean).join(' ') || os.cpus()[0]?.model || 'unknown',
    logicalCpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    virtual: system ? Boolean(system.virtual) : null,
    node: process.version,
    v8: process.versions.v8,
  };
}
