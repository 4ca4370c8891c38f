/**
 * HTTP basic authentication against bcrypt hashes, as the Prometheus
 * exporter-toolkit does it: bcrypt runs on a worker thread (never on the
 * event loop that serves scrapes), an unknown user is compared against a
 * dummy hash of the same cost (so timing does not tell which users exist),
 * and credentials that passed are remembered by a SHA-256 of user, password
 * and hash, so that each scrape does not pay bcrypt's cost again.
 */
import { createHash } from 'node:crypto';
import { BcryptWorker } from './bcrypt-pool.js';

/** A well-formed bcrypt hash that bcryptjs can check: version, cost 04–31, 22 characters of salt and 31 of hash. */
export const BCRYPT_HASH = /^\$2[aby]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/** Salt and hash of a password nobody knows; prefixed with a cost, it makes the dummy an unknown user is checked against. */
const DUMMY_TAIL = 'jFAFC/U7aHCSnUORcEDTtOasgjJpn/ltXuGqjbPAypRvEooeQRPsm';
/** bcrypt's default cost (htpasswd -B), for a configuration whose hashes are all malformed. */
const DEFAULT_COST = 10;

/** The cost most of the configured hashes use (the highest among ties). */
function commonCost(hashes: Iterable<string>): number {
  const counts = new Map<number, number>();
  for (const h of hashes) {
    const m = BCRYPT_HASH.exec(h);
    if (m) counts.set(Number(m[1]), (counts.get(Number(m[1])) ?? 0) + 1);
  }
  let best = DEFAULT_COST;
  let bestCount = 0;
  for (const [cost, count] of counts) {
    if (count > bestCount || (count === bestCount && cost > best)) [best, bestCount] = [cost, count];
  }
  return best;
}

export class BasicAuth {
  private readonly verified = new Set<string>();
  private readonly bcrypt = new BcryptWorker();
  private readonly dummy: string;

  constructor(private readonly users: ReadonlyMap<string, string>) {
    this.dummy = `$2b$${String(commonCost(users.values())).padStart(2, '0')}$${DUMMY_TAIL}`;
  }

  get enabled(): boolean {
    return this.users.size > 0;
  }

  /** Whether an Authorization header carries a valid user and password (the scheme name in any case). */
  async check(header: string | undefined): Promise<boolean> {
    if (!this.enabled) return true;
    const m = /^basic[ \t]+([A-Za-z0-9+/=]+)[ \t]*$/i.exec(header ?? '');
    if (!m) return false;
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    const known = this.users.get(user);
    const hash = known ?? this.dummy;
    const key = createHash('sha256').update(`${user}\u0000${password}\u0000${hash}`).digest('hex');
    if (known !== undefined && this.verified.has(key)) return true;
    // An unknown user costs what a known one does: the comparison runs, and its answer is ignored.
    const ok = (await this.bcrypt.compare(password, hash)) && known !== undefined;
    if (ok) this.verified.add(key);
    return ok;
  }

  /** Stops the bcrypt worker. */
  close(): Promise<void> {
    return this.bcrypt.close();
  }
}
