/**
 * The registry and the ids kept apart from it (for what needs only the ids,
 * such as `flopmeter probes`) name the same backends in the same order.
 */
import { describe, expect, it } from 'vitest';
import { BACKEND_IDS } from '../../src/backends/backend.js';
import { BACKENDS } from '../../src/backends/index.js';

describe('BACKEND_IDS', () => {
  it('lists the registry’s backends in its order', () => {
    expect(BACKENDS.map((b) => b.id)).toEqual([...BACKEND_IDS]);
  });
});
