/** Tensor element types and their storage (see API.md "Tensors"). */
export type DType = 'float32' | 'float64' | 'int32' | 'bool';

/** Every dtype, in the order messages list them. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32', 'bool'];
export type TypedArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * Small float32 storage is cut from a shared slab: a view costs the GC half the bytes of a typed
 * array of its own (V8 gives each one an ArrayBuffer too), and the scalar ops of a long tape each
 * make one. A live view keeps its slab (SLAB_BYTES) alive, so slabs stay small.
 */
const SLAB_BYTES = 256;
const SLAB_MAX = 4;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/** Allocates zeroed storage for `size` elements of `dtype`. */
export function allocate(dtype: DType, size: number): TypedArray {
  switch (dtype) {
    case 'float32':
      if (size <= SLAB_MAX && size > 0) {
        if (slabUsed + 4 * size > SLAB_BYTES) {
          slab = new ArrayBuffer(SLAB_BYTES);
          slabUsed = 0;
        }
        const view = new Float32Array(slab, slabUsed, size);
        slabUsed += 4 * size;
        return view;
      }
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
