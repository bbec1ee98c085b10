/**
 * formatNumpyRepr against real numpy: fixtures/numpy-repr.json holds about 300 arrays and scalars
 * (float32/float64/int32/bool; tiny, huge, mixed-magnitude, non-finite, summarised, empty) with
 * the repr numpy 2.4 printed for them under legacy='1.25' (numpy 1.x scalar reprs, as TensorFlow
 * shows them). Regenerate with `python3 test/engine/fixtures/gen_numpy_repr.py`.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DType } from '../../src/engine/dtype';
import { allocate } from '../../src/engine/dtype';
import { formatNumpyRepr } from '../../src/format/tensors';

interface Case {
  dtype: string;
  shape: number[];
  values: (number | boolean | string)[];
  repr: string;
}

const cases = JSON.parse(readFileSync(path.join(__dirname, 'fixtures', 'numpy-repr.json'), 'utf8')) as Case[];

function decode(v: number | boolean | string): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === 'nan') return NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v as number;
}

describe('numpy formatting matches numpy itself', () => {
  it(`reproduces all ${cases.length} reprs`, () => {
    const failures: string[] = [];
    for (const c of cases) {
      const dtype = c.dtype as DType;
      const data = allocate(dtype, c.values.length);
      c.values.forEach((v, i) => (data[i] = decode(v)));
      const got = formatNumpyRepr(data, c.shape, dtype);
      if (got !== c.repr) failures.push(`${c.dtype} ${JSON.stringify(c.shape)}:\n  numpy: ${JSON.stringify(c.repr)}\n  ours:  ${JSON.stringify(got)}`);
    }
    assert.equal(failures.length, 0, `${failures.length} of ${cases.length} differ:\n${failures.slice(0, 8).join('\n')}`);
  });
});
