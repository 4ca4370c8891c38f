/**
 * flopmeter_build_info: which flopmeter produced the series (exporter scrapes
 * and Pushgateway pushes alike), so that every figure traces to its tool.
 */
import { toolInfo } from '../report/provenance.js';
import { family, type Family } from './family.js';

export function buildInfoFamily(): Family {
  const v = toolInfo();
  return family('flopmeter_build_info', 'flopmeter build: version, commit, Node.js.', 'gauge', [{ labels: { version: v.version, commit: v.commit ?? 'unknown', node: process.version }, value: 1 }]);
}
