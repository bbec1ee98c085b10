import { allocate, isFloat, type DType } from '../dtype';
import { kernels } from '../kernels';
import { defineOp } from '../op';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';
import { checkDtype } from '../args';

/** out = x as dtype.  ∂out/∂x = 1 between float dtypes; null to or from int32/bool. */
export const Cast = defineOp<{ dtype: DType }>({
  name: 'Cast',
  inputs: ['x'],
  derivative: '∂out/∂x = 1 (float to float)',
  forward: ([x], { dtype }) => {
    const out = allocate(dtype, x.size);
    kernels.cast(x.data, out, dtype === 'bool');
    return new Tensor(out, x.shape, dtype);
  },
  gradient: (dy, [x]) => [isFloat(x.dtype) && isFloat(dy.dtype) ? () => cast(dy, x.dtype) : null],
  jvp: linearJvp,
  sample: { kind: 'unary', attrs: { dtype: 'float64' } },
});

/** tf.cast: out = x as dtype.  ∂out/∂x = 1 between float dtypes; null to or from int32/bool. */
export function cast(x: TensorLike, dtype: DType): Tensor {
  checkDtype('cast', dtype);
  const t = toTensor(x);
  return Cast.apply([t], { dtype });
}
