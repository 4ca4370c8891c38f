/**
 * The bcrypt worker: compares passwords with their hashes off the exporter's
 * event loop. bcryptjs's asynchronous API yields only between slices of up
 * to 100 ms, so forty parallel wrong passwords would still hold the main
 * thread for seconds; here they hold only this thread.
 */
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcryptjs';
import type { BcryptReply, BcryptRequest } from './bcrypt-pool.js';

if (!parentPort) throw new Error('bcrypt worker: must run as a worker thread');
const port = parentPort;

port.on('message', (msg: BcryptRequest) => {
  let reply: BcryptReply;
  try {
    reply = { id: msg.id, ok: bcrypt.compareSync(msg.password, msg.hash) };
  } catch {
    // A malformed hash (already warned about at start) matches no password.
    reply = { id: msg.id, ok: false };
  }
  port.postMessage(reply);
});
