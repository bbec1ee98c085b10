// The typed-array sort the layout's ranks and the spatial index share (webview/model/sortByKey.ts).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sortByKey } from '../../webview/model/sortByKey';

describe('panel: sorting indices by key, ties by index', () => {
  it('gives what a comparison sort gives, on any part of the array, with many ties and long runs', () => {
    fc.assert(
      fc.property(
        // Few distinct keys (ties) or many; lengths past the insertion runs (16) and several merge passes.
        fc.array(fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { maxLength: 300, size: 'max' }),
        fc.nat(), fc.nat(), fc.boolean(),
        (keys, p, q, reversed) => {
          const n = keys.length;
          const key = Float64Array.from(keys);
          // Indices in order (ties already by index) or reversed (every tie out of order).
          const members = Int32Array.from({ length: n }, (_, i) => (reversed ? n - 1 - i : i));
          const a = n ? p % (n + 1) : 0, b = a + (n ? q % (n - a + 1) : 0);
          const before = Array.from(members);
          const want = [...before.slice(0, a), ...before.slice(a, b).sort((x, y) => key[x] - key[y] || x - y), ...before.slice(b)];
          sortByKey(members, a, b, key, new Int32Array(n));
          assert.deepEqual(Array.from(members), want);
        },
      ),
      { numRuns: 400 },
    );
  });
});
