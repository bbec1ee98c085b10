import { InvalidArgumentError } from '../errors';
import { kernels } from '../kernels';
import { defineOp, type OpDef } from '../op';
import { shapeText } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { gather } from './gather';
import { reshape } from './reshape';

/**
 * The positions of the k largest entries of each row (last axis), largest first, ties to the lower
 * position: TensorFlow's TopKV2 `indices` output. Integer, so not differentiable; the values are
 * gathered from the input through these positions, which carries the gradient (as _TopKGrad
 * scatters it to the same positions).
 */
export const TopKV2: OpDef<{ k: number }> = defineOp<{ k: number }>({
  name: 'TopKV2',
  inputs: ['input'],
  derivative: 'none: an integer output carries no gradient (the values take theirs through a gather)',
  forward: ([x], { k }) => {
    if (x.dtype === 'bool') throw new InvalidArgumentError(`Value for attr 'T' of bool is not in the list of allowed values`, 'TopKV2');
    const n = x.shape[x.rank - 1];
    const rows = n === 0 ? 0 : x.size / n;
    const out = new Int32Array(rows * k);
    kernels.topK(x.data, rows, n, k, out);
    return new Tensor(out, [...x.shape.slice(0, -1), k], 'int32');
  },
  gradient: null,
});

/**
 * tf.math.topK (also tf.nn.topK): `{ values, indices }` of the k largest entries along the last
 * axis, sorted, ties to the lower index. ∂L/∂x = ∂L/∂values at the chosen positions, 0 elsewhere.
 */
export function topK(x: TensorLike, k = 1): { values: Tensor; indices: Tensor } {
  const t = toTensor(x);
  if (!Number.isInteger(k) || k < 0) throw new InvalidArgumentError(`Need k >= 0, got ${k}`, 'TopKV2');
  if (t.rank < 1) throw new InvalidArgumentError(`input must be >= 1-D, got shape ${shapeText(t.shape)}`, 'TopKV2');
  const n = t.shape[t.rank - 1];
  if (n < k) throw new InvalidArgumentError(`input must have at least k columns. Had ${n}, needed ${k}`, 'TopKV2');
  const indices = TopKV2.apply([t], { k });
  // Row r's position j is element r·n + j of the flattened input.
  const flat = new Int32Array(indices.size);
  for (let i = 0; i < flat.length; i++) flat[i] = Math.floor(i / k) * n + indices.data[i];
  const values = reshape(gather(reshape(t, [-1]), new Tensor(flat, [flat.length], 'int32')), indices.shape);
  return { values, indices };
}
