// The digits of examples 08 and 12: ten 8×8 bitmaps drawn for them ("#" = ink), and sets of shifted,
// noisy copies. Imported by the examples (a scratch file may import files beside it).
import * as tf from "gradtape";

const DIGITS = [
  ["..####..", ".#....#.", ".#...##.", ".#..#.#.", ".#.#..#.", ".##...#.", ".#....#.", "..####.."],
  ["...##...", "..###...", ".#.##...", "...##...", "...##...", "...##...", "...##...", ".######."],
  ["..####..", ".#....#.", "......#.", ".....#..", "....#...", "...#....", "..#.....", ".######."],
  ["..####..", ".#....#.", "......#.", "...###..", "......#.", "......#.", ".#....#.", "..####.."],
  ["....##..", "...#.#..", "..#..#..", ".#...#..", ".######.", ".....#..", ".....#..", ".....#.."],
  [".######.", ".#......", ".#......", ".#####..", "......#.", "......#.", ".#....#.", "..####.."],
  ["..####..", ".#......", ".#......", ".#####..", ".#....#.", ".#....#.", ".#....#.", "..####.."],
  [".######.", "......#.", ".....#..", "....#...", "...#....", "...#....", "...#....", "...#...."],
  ["..####..", ".#....#.", ".#....#.", "..####..", ".#....#.", ".#....#.", ".#....#.", "..####.."],
  ["..####..", ".#....#.", ".#....#.", ".#....#.", "..#####.", "......#.", "......#.", "..####.."],
];

/** `copies` shifted, noisy copies of every digit: images [n, 8, 8, 1] and their int32 labels. */
export function makeSet(copies: number, seed: number): [tf.Tensor, tf.Tensor] {
  const shifts = tf.random.uniform([10 * copies, 2], { minval: -1, maxval: 2, dtype: "int32", seed }).arraySync() as number[][];
  const noise = tf.random.normal([10 * copies * 64], { stddev: 0.15, seed: seed + 1 }).dataSync();
  const pixels: number[] = [];
  const labels: number[] = [];
  shifts.forEach(([dy, dx], i) => {
    const digit = DIGITS[i % 10];
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const ink = digit[r - dy]?.[c - dx] === "#" ? 1 : 0;
        pixels.push(ink + noise[i * 64 + r * 8 + c]);
      }
    }
    labels.push(i % 10);
  });
  return [tf.constant(pixels, "float32", [10 * copies, 8, 8, 1]), tf.constant(labels, "int32")];
}
