/**
 * `flopmeter run --push URL`: the run's results, as the exporter exposes them,
 * pushed to a Prometheus Pushgateway (prom-client's client) under a
 * job/instance grouping, replacing that group's previous push.
 */
import { Pushgateway, type Registry } from 'prom-client';
import { FlopmeterError, describeError } from '../core/errors.js';
import type { Result } from '../measure/result.js';
import { buildInfoFamily } from './build-info.js';
import { family } from './family.js';
import { Exposition } from './registry.js';
import { resultFamilies } from './result-metrics.js';

export interface PushTarget {
  url: string;
  job: string;
  instance: string;
}

export async function pushResults(target: PushTarget, results: readonly Result[], at = Date.now()): Promise<void> {
  const exposition = new Exposition(
    () => [
      buildInfoFamily(),
      ...resultFamilies(results.filter((r) => r.status !== 'skipped').map((result) => ({ result, at }))),
      family('flopmeter_push_timestamp_seconds', 'When this group was last pushed (Unix time).', 'gauge', [{ labels: {}, value: at / 1000 }]),
    ],
    { processMetrics: false },
  );
  await exposition.render('prometheus');
  const gateway = new Pushgateway(target.url.replace(/\/+$/, ''), { timeout: 10_000 }, exposition.registryFor('prometheus') as Registry);
  try {
    await gateway.push({ jobName: target.job, groupings: { instance: target.instance } });
  } catch (err) {
    throw new FlopmeterError(`pushing to ${target.url} failed: ${describeError(err)}`, { cause: err });
  }
}
