// Report work to `flopmeter measure` (Node.js, no dependencies).
//
//   import { work, latency, markWarmupDone } from './flopmeter-work.mjs';
//   markWarmupDone();   // everything before this is warm-up
//   work(512);          // 512 units of work (the unit: --work-unit)
//   latency(0.153);     // one request took 0.153 s
//
// Outside `flopmeter measure` (no FLOPMETER_WORK_FD / FLOPMETER_WORK_FILE) every call does nothing.
// Writes are synchronous, so that each line is stamped by flopmeter when it happens.
import { openSync, writeSync } from 'node:fs';
import process from 'node:process';

function open() {
  const fd = Number.parseInt(process.env.FLOPMETER_WORK_FD ?? '', 10);
  if (Number.isInteger(fd)) return fd;
  const path = process.env.FLOPMETER_WORK_FILE;
  return path ? openSync(path, 'w') : null;
}

const channel = open();

function send(obj) {
  if (channel !== null) writeSync(channel, `${JSON.stringify(obj)}\n`);
}

/** Adds `units` (a non-negative integer) units of work. */
export const work = (units) => send({ work: units });
/** Records one request's latency, in seconds. */
export const latency = (seconds) => send({ latency: seconds });
/** Records several requests' latencies, in seconds. */
export const latencies = (seconds) => send({ latencies: seconds });
/** Starts the measured part: what came before is warm-up. */
export const markWarmupDone = () => send({ mark: 'warmup-done' });
