import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { broadcastIndex, kernels } from '../kernels';
import { defineOp } from '../op';
import { broadcastShape, shapeText } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { pair, sameDtype } from './helpers';
import { sumTangents } from './tangents';
import { checkBool, checkOptions } from '../args';

export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

/**
 * out = op(A)·op(B), batched over leading dims (broadcast).  With dy = ∂L/∂out:
 * ∂L/∂A = dy·Bᵀ, ∂L/∂B = Aᵀ·dy (TensorFlow's _MatMulGrad for the four transpose cases).
 */
export const MatMul = defineOp<MatMulAttrs>({
  name: 'MatMul',
  inputs: ['a', 'b'],
  derivative: '∂L/∂a = ∂L/∂out · bᵀ, ∂L/∂b = aᵀ · ∂L/∂out',
  forward: ([a, b], { transposeA, transposeB }) => {
    const dtype = sameDtype('MatMul', [a, b]);
    const ra = a.shape.length;
    const rb = b.shape.length;
    // tf.matmul runs MatMul for two matrices and BatchMatMulV2 when either input has rank > 2;
    // the errors carry that op's text and name.
    const batched = ra > 2 || rb > 2;
    const opName = batched ? 'BatchMatMulV2' : 'MatMul';
    if (ra < 2 || rb < 2) {
      const i = ra < 2 ? 0 : 1;
      throw new InvalidArgumentError(
        batched ? `In[${i}] ndims must be >= 2: ${i === 0 ? ra : rb}` : `In[${i}] is not a matrix. Instead it has shape ${shapeText(i === 0 ? a.shape : b.shape)}`,
        opName,
      );
    }
    const [a0, a1] = [a.shape[ra - 2], a.shape[ra - 1]];
    const [b0, b1] = [b.shape[rb - 2], b.shape[rb - 1]];
    const m = transposeA ? a1 : a0;
    const k = transposeA ? a0 : a1;
    const kb = transposeB ? b1 : b0;
    const n = transposeB ? b0 : b1;
    if (k !== kb) {
      throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: ${shapeText(a.shape)}, In[1]: ${shapeText(b.shape)}`, opName);
    }
    if (ra === 2 && rb === 2) {
      const out = allocate(dtype, m * n);
      kernels.matmul(a.data, 0, b.data, 0, out, 0, m, k, n, transposeA, transposeB);
      return new Tensor(out, [m, n], dtype);
    }
    const aBatch = a.shape.slice(0, ra - 2);
    const bBatch = b.shape.slice(0, rb - 2);
    let batch: number[];
    try {
      batch = broadcastShape(aBatch, bBatch);
    } catch {
      throw new InvalidArgumentError(`In[0] and In[1] must have compatible batch dimensions: ${shapeText(a.shape)} vs. ${shapeText(b.shape)}`, opName);
    }
    let count = 1;
    for (const d of batch) count *= d;
    const out = allocate(dtype, count * m * n);
    const ia = broadcastIndex(aBatch, batch);
    const ib = broadcastIndex(bBatch, batch);
    for (let i = 0; i < count; i++) {
      const ai = ia ? ia[i] : i;
      const bi = ib ? ib[i] : i;
      kernels.matmul(a.data, ai * a0 * a1, b.data, bi * b0 * b1, out, i * m * n, m, k, n, transposeA, transposeB);
    }
    return new Tensor(out, [...batch, m, n], dtype);
  },
  // The op itself, not tf.matmul: the inputs are tensors and the flags booleans, so the
  // argument checks would only cost a training step an options object per product.
  gradient: (dy, [a, b], _out, { transposeA: tA, transposeB: tB }) => {
    if (!tA && !tB) return [() => mm(dy, b, false, true), () => mm(a, dy, true, false)];
    if (!tA && tB) return [() => mm(dy, b, false, false), () => mm(dy, a, true, false)];
    if (tA && !tB) return [() => mm(b, dy, false, true), () => mm(a, dy, false, false)];
    return [() => mm(b, dy, true, true), () => mm(dy, a, true, true)];
  },
  jvp: ([ta, tb], [a, b], out, attrs, op) => sumTangents([ta && op.apply([ta, b], attrs), tb && op.apply([a, tb], attrs)], out),
  sample: {
    kind: 'cases',
    cases: [
      { inputs: [{ shape: [2, 3] }, { shape: [3, 4] }], attrs: { transposeA: false, transposeB: false } },
      { inputs: [{ shape: [3, 2] }, { shape: [3, 4] }], attrs: { transposeA: true, transposeB: false } },
      { inputs: [{ shape: [2, 3] }, { shape: [4, 3] }], attrs: { transposeA: false, transposeB: true } },
      { inputs: [{ shape: [3, 2] }, { shape: [4, 3] }], attrs: { transposeA: true, transposeB: true } },
      { inputs: [{ shape: [2, 2, 3] }, { shape: [3, 2] }], attrs: { transposeA: false, transposeB: false } },
      { inputs: [{ shape: [1, 2] }, { shape: [2, 1] }], attrs: { transposeA: false, transposeB: false } },
    ],
  },
});

/** The MatMul op on two tensors (the gradient's products). */
function mm(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return MatMul.apply([a, b], { transposeA, transposeB });
}

/** tf.matmul: out = op(A)·op(B), batched over leading dims (broadcast).  With dy = ∂L/∂out: ∂L/∂A = dy·Bᵀ, ∂L/∂B = Aᵀ·dy (TensorFlow's _MatMulGrad for the four transpose cases). */
export function matmul(a: TensorLike, b: TensorLike, options: { transposeA?: boolean; transposeB?: boolean } = {}): Tensor {
  checkOptions('matmul', options, ['transposeA', 'transposeB']);
  checkBool('matmul', 'transposeA', options.transposeA);
  checkBool('matmul', 'transposeB', options.transposeB);
  return MatMul.apply(pair(a, b), { transposeA: options.transposeA ?? false, transposeB: options.transposeB ?? false });
}
