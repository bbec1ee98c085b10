/** The shapes every elementwise op is checked on: scalars, vectors, matrices, and broadcasting. */

/** Single-input shapes. */
export const UNARY_SHAPES: number[][] = [[], [3], [2, 3], [2, 1, 2]];

/** Pairs of shapes that broadcast (NumPy rules), including scalar ⊕ tensor and stretched 1-axes. */
export const BROADCAST_PAIRS: [number[], number[]][] = [
  [[], []],
  [[3], [3]],
  [[2, 3], [2, 3]],
  [[], [2, 3]],
  [[2, 3], []],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[1, 3], [2, 1]],
  [[2, 1], [2, 3]],
  [[2, 1, 3], [4, 1]],
];
