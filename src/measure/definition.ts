/**
 * The definition hash: two results are comparable only when their workloads
 * are the same. It is computed from declared data only — the probe id, its
 * declared definition (version, work formula, reference; WorkloadDeclaration),
 * the parameters, the work they count, the tolerance and the kernel that ran
 * (its source text from kernels/, or the library call) — so every build of
 * flopmeter, for any JavaScript target, gives the same hash. Parameters that
 * only say how a workload runs (ParamSpec.execution: a model probe's engine)
 * are left out.
 */
import { createHash } from 'node:crypto';
import type { AnyProbe, Params } from '../core/probe.js';

/**
 * The scheme the hash is computed by, stored beside it in each result. Scheme 1
 * (reports without the field, flopmeter 0.1.0) hashed the compiled text of
 * `work` and `reference`, which changes with the build; its hashes cannot be
 * matched by a later scheme.
 */
export const DEFINITION_SCHEME = 2;

export function definitionHash(probe: AnyProbe, params: Params, kernelIdentity: string): string {
  const canonicalParams = Object.keys(params)
    .filter((k) => !probe.params[k]?.execution)
    .sort()
    .map((k) => [k, params[k]]);
  const counted = probe.work(params) as Record<string, number | undefined>;
  const material = JSON.stringify({
    scheme: DEFINITION_SCHEME,
    probe: probe.id,
    version: probe.definition.version,
    params: canonicalParams,
    work: probe.definition.work,
    // The amounts the formula gives for these parameters: a change to work() that its declaration missed still shows.
    counted: Object.keys(counted)
      .filter((k) => counted[k] !== undefined)
      .sort()
      .map((k) => [k, counted[k]]),
    reference: probe.definition.reference,
    tolerance: probe.tolerance(params),
    kernel: kernelIdentity,
  });
  return `sha256:${createHash('sha256').update(material).digest('hex')}`;
}
