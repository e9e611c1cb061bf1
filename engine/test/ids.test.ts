import { describe, expect, it } from 'vitest';
import { isUuid, newId } from '../src/persistence/ids.js';

describe('new ids', () => {
  it('are distinct version 7 uuids, in the order they were made, stamped with the time', () => {
    // when many ids are made at once (hundreds share a millisecond) and across the random pool's refills
    const before = Date.now();
    const ids = Array.from({ length: 20_000 }, () => newId());
    const after = Date.now();
    // then each is a version 7 uuid of the RFC 9562 variant
    for (const id of ids) {
      expect(isUuid(id)).toBe(true);
      expect(id[14]).toBe('7');
      expect('89ab').toContain(id[19]);
    }
    // and none repeats, and sorting them (as an index does) keeps the order they were made in
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // and the first 48 bits are the time they were made
    const stamp = (id: string) => Number.parseInt(id.replaceAll('-', '').slice(0, 12), 16);
    expect(stamp(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(stamp(ids.at(-1)!)).toBeLessThanOrEqual(after + 1);
    // and the random part differs between ids made in one millisecond
    const tails = new Set(ids.map((id) => id.slice(-12)));
    expect(tails.size).toBe(ids.length);
  });
});
