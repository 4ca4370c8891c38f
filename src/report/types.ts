/**
 * The JSON report, schema "flopmeter/report@1" (schemas/report-1.schema.json).
 * Every other format is a view of this.
 */
import type { DeviceInfo } from '../backends/backend.js';
import type { IdleBaseline } from '../measure/idle.js';
import type { Result } from '../measure/result.js';
import type { BackendStatus } from '../measure/suite.js';
import type { SamplerStats } from '../telemetry/protocol.js';
import type { ProcessAccountingSnapshot } from '../telemetry/process-accounting.js';
import type { MissingSensor, SensorInfo } from '../telemetry/types.js';
import type { TelemetryDevice } from '../telemetry/devices.js';
import type { BudgetOutcome } from '../measure/suite-plan.js';
import type { ReportSignature } from './signature.js';

export const REPORT_SCHEMA = 'flopmeter/report@1';

export interface ToolInfo {
  name: 'flopmeter';
  version: string;
  /** Git commit of the build, when built from a checkout. */
  commit: string | null;
  /** Whether the checkout had uncommitted changes at build time. */
  dirty: boolean | null;
}

export interface HostInfo {
  hostname: string;
  os: string;
  kernel: string;
  arch: string;
  cpu: string;
  logicalCpus: number;
  memoryBytes: number;
  /** Whether the host is a virtual machine, where detectable. */
  virtual: boolean | null;
  node: string;
  v8: string;
}

export interface RunConfig {
  /** The command line as typed (arguments after the program name). */
  argv: string[];
  preset: string;
  seed: number;
  threads: number | null;
  backends: string[];
  probes: string[];
  /** Parameter overrides as given. */
  params: string[];
  stopping: { criterion: string; settings: Record<string, number> };
  idleSeconds: number;
  warmup: { minSeconds: number; maxSeconds: number; stableRel: number };
  window: { minSeconds: number; minWindows: number; maxWindows: number; gapMaxSeconds: number };
  /** Independent blocks of windows (absent in reports before blocks). */
  blocks?: { windows: number; min: number; max: number; warmupSeconds: number; pauseSeconds: number };
  /** Whether each device's results were interleaved block by block (absent in reports written before interleaving). */
  interleave?: boolean;
  telemetry: boolean;
  /** A run planned to a time budget: what the plan decided (absent for a run at a preset). */
  budget?: BudgetOutcome;
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: ToolInfo;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** "complete", or "interrupted" when the run was stopped early. */
  status: 'complete' | 'interrupted';
  host: HostInfo;
  backends: BackendStatus[];
  devices: DeviceInfo[];
  config: RunConfig;
  idle: Record<string, IdleBaseline>;
  telemetry: { devices: TelemetryDevice[]; sensors: SensorInfo[]; missing: MissingSensor[]; notes: string[]; samplers: SamplerStats[] };
  results: Result[];
  /** Ed25519 signature over the rest of the report (`flopmeter sign`); absent when unsigned. */
  signature?: ReportSignature;
  /** Energy per process over the run, an estimate (absent where no device had an energy counter, and in older reports). */
  processes?: ProcessesSection;
}

/** Energy per process: each device's split (J, W) and how it was made. */
export interface ProcessesSection extends ProcessAccountingSnapshot {
  /** The method, in words: what the figures estimate and how. */
  method: string;
}
