import { allocate } from '../dtype';
import { InvalidArgumentError } from '../errors';
import { kernels, stridedIndex } from '../kernels';
import { defineOp, type OpDef } from '../op';
import { shapeText, stridesOf } from '../shape';
import { Tensor, toTensor, type TensorLike } from '../tensor';
import { linearJvp } from './tangents';
import { checkInt, checkOptions } from '../args';

/** What Python's `x[1:, ..., None, 2]` compiles to: TensorFlow's StridedSlice arguments. */
export interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** For each axis of the input: where the slice starts, its step, and how many it takes; and the output's shape. */
interface Resolved {
  begin: number[];
  strides: number[];
  size: number[];
  finalShape: number[];
}

const SHRINK = -1;
const NEW_AXIS = -2;
const bit = (mask: number, i: number): boolean => (mask & (1 << i)) !== 0;

/**
 * TensorFlow's ValidateStridedSliceOp: the sparse spec (with at most one ellipsis, new axes and
 * shrunk axes) becomes one begin/stride/size per input axis, and the final shape drops shrunk axes
 * and inserts new ones. Same clamping, same errors.
 */
function resolve(shape: readonly number[], a: StridedSliceAttrs): Resolved {
  const op = 'StridedSlice';
  const n = a.strides.length;
  if (a.begin.length !== n || a.end.length !== n) {
    throw new InvalidArgumentError(`Expected begin, end, and strides to be 1D equal size tensors, but got shapes [${a.begin.length}], [${a.end.length}], and [${n}] instead.`, op);
  }
  if (a.ellipsisMask & (a.ellipsisMask - 1)) throw new InvalidArgumentError('Multiple ellipses in slice spec not allowed', op);
  // Step 1: new axes after the ellipsis; an ellipsis at the end when there is none.
  let ellipsisMask = a.ellipsisMask;
  let dims = n;
  let addAfterEllipsis = 0;
  let seen = false;
  for (let i = 0; i < n; i++) {
    if (seen && bit(a.newAxisMask, i)) addAfterEllipsis++;
    if (bit(ellipsisMask, i)) seen = true;
  }
  if (!seen) ellipsisMask |= 1 << dims++;
  // Step 2: the dense spec, one entry per input axis.
  const rank = shape.length;
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  const strides = new Array<number>(rank).fill(1);
  const beginMasked = new Array<boolean>(rank).fill(false);
  const endMasked = new Array<boolean>(rank).fill(false);
  const shrink = new Array<boolean>(rank).fill(false);
  const gather: number[] = [];
  let full = 0;
  for (let i = 0; i < dims; i++) {
    if (bit(ellipsisMask, i)) {
      const next = Math.min(rank - (dims - i) + 1 + addAfterEllipsis, rank);
      for (; full < next; full++) {
        beginMasked[full] = endMasked[full] = true;
        gather.push(full);
      }
    } else if (bit(a.newAxisMask, i)) {
      gather.push(NEW_AXIS);
    } else {
      if (full === rank) throw new InvalidArgumentError(`Index out of range using input dim ${full}; input has only ${rank} dims`, op);
      begin[full] = a.begin[i];
      end[full] = a.end[i];
      strides[full] = a.strides[i];
      beginMasked[full] = bit(a.beginMask, i);
      endMasked[full] = bit(a.endMask, i);
      shrink[full] = bit(a.shrinkAxisMask, i);
      gather.push(shrink[full] ? SHRINK : full);
      full++;
    }
  }
  // Step 3: explicit, clamped ranges and each axis's length.
  const size = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const dim = shape[i];
    const s = strides[i];
    if (s === 0) throw new InvalidArgumentError(`strides[${i}] must be non-zero`, op);
    if (shrink[i]) {
      if (s <= 0) throw new InvalidArgumentError('only stride 1 allowed on non-range indexing.', op);
      const b = begin[i] < 0 ? dim + begin[i] : begin[i];
      if (b < 0 || b >= dim) throw new InvalidArgumentError(`slice index ${b} of dimension ${i} out of bounds.`, op);
      begin[i] = b;
      end[i] = b + 1;
    } else {
      // The valid range: [0, dim] going forward, [-1, dim - 1] going backward.
      const lo = s > 0 ? 0 : -1;
      const hi = s > 0 ? dim : dim - 1;
      const canonical = (x: number, masked: boolean, isEnd: boolean): number => {
        if (masked) return s > 0 === isEnd ? hi : lo;
        const f = x < 0 ? dim + x : x;
        return f < lo ? lo : f > hi ? hi : f;
      };
      begin[i] = canonical(begin[i], beginMasked[i], false);
      end[i] = canonical(end[i], endMasked[i], true);
    }
    const interval = end[i] - begin[i];
    size[i] = interval === 0 || interval < 0 !== s < 0 ? 0 : Math.trunc(interval / s) + (interval % s !== 0 ? 1 : 0);
  }
  // Step 4: the final shape.
  const finalShape: number[] = [];
  for (const g of gather) {
    if (g >= 0) finalShape.push(size[g]);
    else if (g === NEW_AXIS) finalShape.push(1);
  }
  return { begin, strides, size, finalShape };
}

/** The flat index in x of every element of the slice, in order. */
function indexMap(shape: readonly number[], r: Resolved): Int32Array {
  const st = stridesOf(shape);
  let start = 0;
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    n *= r.size[i];
    start += r.begin[i] * st[i];
  }
  const idx = new Int32Array(n);
  if (n === 0) return idx;
  return stridedIndex(r.size, st.map((d, i) => d * r.strides[i]), start, idx);
}

/** out = x[begin:end:strides] with TensorFlow's masks.  ∂L/∂x = ∂L/∂out scattered back into zeros (StridedSliceGrad). */
export const StridedSlice: OpDef<StridedSliceAttrs> = defineOp<StridedSliceAttrs>({
  name: 'StridedSlice',
  inputs: ['input'],
  derivative: '∂L/∂input = ∂L/∂out scattered back to the sliced positions, zeros elsewhere',
  jvp: linearJvp,
  forward: ([x], attrs) => {
    const r = resolve(x.shape, attrs);
    const map = indexMap(x.shape, r);
    const out = allocate(x.dtype, map.length);
    kernels.take(x.data, map, out);
    return new Tensor(out, r.finalShape, x.dtype);
  },
  gradient: (dy, [x], _out, attrs) => [() => StridedSliceGrad.apply([dy], { ...attrs, shape: x.shape.slice() })],
  sample: { kind: 'cases', cases: [
    // x[1:4:2, ::-2]
    { inputs: [{ shape: [4, 5] }], attrs: { begin: [1, 0], end: [4, 0], strides: [2, -2], beginMask: 2, endMask: 2, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 } },
    // x[1, ..., None]
    { inputs: [{ shape: [3, 4, 2] }], attrs: { begin: [1, 0, 0], end: [2, 0, 0], strides: [1, 1, 1], beginMask: 0, endMask: 0, ellipsisMask: 2, newAxisMask: 4, shrinkAxisMask: 1 } },
    // x[-2:, -1] on a vector-of-rows, negative indices
    { inputs: [{ shape: [5, 3] }], attrs: { begin: [-2, -1], end: [0, 0], strides: [1, 1], beginMask: 0, endMask: 1, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 2 } },
  ] },
});

/**
 * The adjoint of StridedSlice: zeros of the input's shape with dy written at the sliced positions.
 * ∂L/∂dy = the same strided slice of ∂L/∂out.
 */
export const StridedSliceGrad: OpDef<StridedSliceAttrs & { shape: number[] }> = defineOp<StridedSliceAttrs & { shape: number[] }>({
  name: 'StridedSliceGrad',
  inputs: ['dy'],
  derivative: '∂L/∂dy = the strided slice of ∂L/∂out',
  jvp: linearJvp,
  forward: ([dy], attrs) => {
    const map = indexMap(attrs.shape, resolve(attrs.shape, attrs));
    const out = allocate(dy.dtype, attrs.shape.reduce((p, d) => p * d, 1));
    kernels.scatterAdd(dy.data, map, out);
    return new Tensor(out, attrs.shape.slice(), dy.dtype);
  },
  gradient: (ddx, _xs, _out, { shape: _shape, ...attrs }) => [() => StridedSlice.apply([ddx], attrs)],
  sample: { kind: 'cases', cases: [
    { inputs: [{ shape: [2, 3] }], attrs: { shape: [4, 5], begin: [1, 0], end: [4, 0], strides: [2, -2], beginMask: 2, endMask: 2, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 } },
  ] },
});

export interface StridedSliceOptions {
  beginMask?: number;
  endMask?: number;
  ellipsisMask?: number;
  newAxisMask?: number;
  shrinkAxisMask?: number;
}

/**
 * tf.stridedSlice(x, begin, end, strides = ones, masks): TensorFlow's strided_slice, bit for bit —
 * bit i of a mask refers to entry i of begin/end/strides.
 */
export function stridedSlice(x: TensorLike, begin: readonly number[], end: readonly number[], strides?: readonly number[], options: StridedSliceOptions = {}): Tensor {
  checkOptions('stridedSlice', options, ['beginMask', 'endMask', 'ellipsisMask', 'newAxisMask', 'shrinkAxisMask']);
  for (const [k, v] of Object.entries(options)) checkInt('stridedSlice', k, v);
  const t = toTensor(x);
  const s = strides ?? begin.map(() => 1);
  for (const [name, v] of [['begin', begin], ['end', end], ['strides', s]] as const) {
    if (!Array.isArray(v) || v.some((e) => !Number.isInteger(e))) {
      throw new InvalidArgumentError(`${name} must be a list of integers, got ${JSON.stringify(v)}`, 'StridedSlice');
    }
  }
  if (begin.length >= 32) throw new InvalidArgumentError(`Expected begin, end, and strides to be 1D equal size tensors, but got shapes ${shapeText([begin.length])}, ${shapeText([end.length])}, and ${shapeText([s.length])} instead.`, 'StridedSlice');
  return StridedSlice.apply([t], {
    begin: begin.slice(),
    end: end.slice(),
    strides: s.slice(),
    beginMask: options.beginMask ?? 0,
    endMask: options.endMask ?? 0,
    ellipsisMask: options.ellipsisMask ?? 0,
    newAxisMask: options.newAxisMask ?? 0,
    shrinkAxisMask: options.shrinkAxisMask ?? 0,
  });
}
