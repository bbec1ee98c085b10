/** Creation functions: constants and variables made from JavaScript values (no gradient). */
import { allocate, type DType } from '../dtype';
import { describeValue, InvalidArgumentError } from '../errors';
import { checkCount, checkShape, sameShape, shapeTuple, sizeOf } from '../shape';
import { noteCreated, Tensor, tensorFromValues, toTensor, Variable, type NestedArray, type TensorLike, type TypedArray, type VariableOptions } from '../tensor';
import { checkBool, checkOptions } from '../args';

/** tf.constant(value, dtype?, shape?): see tensorFromValues. */
export function constant(value: number | boolean | NestedArray | TypedArray | Tensor, dtype?: DType, shape?: readonly number[]): Tensor {
  return noteCreated(tensorFromValues(value, dtype, shape), 'constant');
}

/** tf.Variable(initial, name=, trainable=, dtype=): default name "Variable", as TensorFlow eager names every one. */
export function variable(initial: TensorLike, options: VariableOptions = {}): Variable {
  checkOptions('variable', options, ['name', 'trainable', 'dtype', 'shape']);
  checkBool('variable', 'trainable', options.trainable);
  if (options.name !== undefined && typeof options.name !== 'string') throw new TypeError(`variable(name) expects a string, got ${describeValue(options.name)}`);
  const fresh = !(initial instanceof Tensor);
  const t = fresh ? tensorFromValues(initial, options.dtype) : initial;
  if (options.shape && !sameShape(options.shape, t.shape)) {
    throw new InvalidArgumentError(`Shape ${shapeTuple(t.shape)} of the initial value is not compatible with the variable's shape ${shapeTuple(options.shape)}`, 'VarHandleOp');
  }
  const dtype = options.dtype ?? t.dtype;
  let data = t.data;
  if (!fresh || dtype !== t.dtype) {
    // A tensor's storage is shared by design; the variable gets its own.
    data = allocate(dtype, t.size);
    data.set(t.data);
  }
  const v = new Variable(data, fresh ? t.shape : t.shape.slice(), dtype, options.name ?? 'Variable', options.trainable ?? true);
  noteCreated(v, 'variable');
  return v;
}

/** tf.fill(dims, value): `shape` is checked where it is passed (see checkShape). */
export function fill(shape: readonly number[] | number, value: number, dtype: DType = 'float32'): Tensor {
  return filledConstant(checkShape(shape, 'fill(dims)'), value, dtype);
}

export function zeros(shape: readonly number[] | number, dtype: DType = 'float32'): Tensor {
  return filledConstant(checkShape(shape, 'zeros(shape)'), 0, dtype);
}

export function ones(shape: readonly number[] | number, dtype: DType = 'float32'): Tensor {
  return filledConstant(checkShape(shape, 'ones(shape)'), 1, dtype);
}

function filledConstant(shape: number[], value: number, dtype: DType): Tensor {
  const data = allocate(dtype, sizeOf(shape));
  data.fill(value);
  return noteCreated(new Tensor(data, shape, dtype), 'constant');
}

/** A new constant (no path back to x, as TensorFlow's zeros_like). */
export function zerosLike(x: TensorLike): Tensor {
  const t = toTensor(x);
  return filledConstant(t.shape.slice(), 0, t.dtype);
}

export function onesLike(x: TensorLike): Tensor {
  const t = toTensor(x);
  return filledConstant(t.shape.slice(), 1, t.dtype);
}

/** tf.range(start, limit, delta): with one argument, range(0, start). float32 unless dtype says otherwise. */
export function range(start: number, limit?: number, delta = 1, dtype: DType = 'float32'): Tensor {
  if (limit === undefined) {
    limit = start;
    start = 0;
  }
  if (delta === 0) throw new InvalidArgumentError('Requires delta != 0: 0', 'Range');
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * delta;
  return noteCreated(new Tensor(data, [n], dtype), 'constant');
}

/** tf.linspace(start, stop, num): num evenly spaced values including both ends. */
export function linspace(start: number, stop: number, num: number): Tensor {
  if (num < 1 || !Number.isInteger(num)) throw new InvalidArgumentError(`Requires num > 0: ${num}`, 'LinSpace');
  const data = new Float32Array(num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return noteCreated(new Tensor(data, [num], 'float32'), 'constant');
}

/** tf.eye(numRows, numColumns = numRows). */
export function eye(numRows: number, numColumns = numRows, dtype: DType = 'float32'): Tensor {
  checkCount(numRows, 'eye(numRows)');
  checkCount(numColumns, 'eye(numColumns)');
  const data = allocate(dtype, numRows * numColumns);
  for (let i = 0; i < Math.min(numRows, numColumns); i++) data[i * numColumns + i] = 1;
  return noteCreated(new Tensor(data, [numRows, numColumns], dtype), 'constant');
}
