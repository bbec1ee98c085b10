import fc from 'fast-check';

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


/** Any shape of rank 0-3 with dimensions 1-3 (uniform choices: fast-check's size bias would favour scalars). */
export const anyShape = (): fc.Arbitrary<number[]> =>
  fc.constantFrom(2, 3, 1, 0).chain((rank) => fc.tuple(...Array.from({ length: rank }, () => fc.constantFrom(2, 3, 1))));

/**
 * Any pair of shapes that broadcast: from a full shape, each side may drop leading axes and
 * turn some axes into 1s (NumPy's rules, generated rather than listed).
 */
export const broadcastPair = (): fc.Arbitrary<[number[], number[]]> => {
  const one = fc.constantFrom(false, false, true);
  const side = fc.tuple(fc.constantFrom(0, 1, 0, 2), fc.tuple(one, one, one));
  return fc.tuple(anyShape(), side, side).map(([full, [dropA, onesA], [dropB, onesB]]) => {
    const cut = (drop: number, ones: boolean[]): number[] => full.slice(Math.min(drop, full.length)).map((d, i) => (ones[i] ? 1 : d));
    return [cut(dropA, onesA), cut(dropB, onesB)];
  });
};
