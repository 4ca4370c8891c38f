/**
 * The definition hash: two results are comparable only when their probe
 * definitions are the same — parameters, counted work, reference, tolerance
 * and the kernel that ran. Parameters that only say how a workload runs
 * (ParamSpec.execution: a model probe's engine) are left out.
 */
import { createHash } from 'node:crypto';
import type { AnyProbe, Params } from '../core/probe.js';

export function definitionHash(probe: AnyProbe, params: Params, kernelIdentity: string): string {
  const canonicalParams = Object.keys(params)
    .filter((k) => !probe.params[k]?.execution)
    .sort()
    .map((k) => [k, params[k]]);
  const material = JSON.stringify({
    probe: probe.id,
    params: canonicalParams,
    work: probe.work.toString(),
    reference: probe.reference.toString(),
    tolerance: probe.tolerance(params),
    kernel: kernelIdentity,
  });
  return `sha256:${createHash('sha256').update(material).digest('hex')}`;
}
