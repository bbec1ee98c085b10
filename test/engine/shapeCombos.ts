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


/** Any shape of rank 0-3 with dimensions 1-3. */
export const anyShape = (): fc.Arbitrary<number[]> => fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 3 });

/**
 * Any pair of shapes that broadcast: from a full shape, each side may drop leading axes and
 * turn some axes into 1s (NumPy's rules, generated rather than listed).
 */
export const broadcastPair = (): fc.Arbitrary<[number[], number[]]> =>
  fc
    .tuple(anyShape(), fc.nat(3), fc.nat(3), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }))
    .map(([full, dropA, dropB, onesA, onesB]) => {
      const side = (drop: number, ones: boolean[]): number[] => full.slice(Math.min(drop, full.length)).map((d, i) => (ones[i] ? 1 : d));
      return [side(dropA, onesA), side(dropB, onesB)];
    });
