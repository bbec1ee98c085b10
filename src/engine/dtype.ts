/** Tensor element types and their storage (see API.md "Tensors"). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Every dtype, in the order messages list them. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(size);
    case 'float64':
      return new Float64Array(size);
    case 'int32':
      return new Int32Array(size);
    case 'bool':
      return new Uint8Array(size);
  }
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** TensorFlow's dtype names in messages: `float` for float32, `double` for float64. */
export function tfTypeName(dtype: DType): string {
  return dtype === 'float32' ? 'float' : dtype === 'float64' ? 'double' : dtype;
}
