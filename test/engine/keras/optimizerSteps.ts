// The optimizer tests' starting weights and hand-made gradients (one row per step), shared by the
// formula checks (optimizers.test.ts) and the comparison with tfjs (tfjsLayers.test.ts). The 1e-4
// gradient makes ε's placement in Adam visible; the −4 and 2.5 make the steps differ in size.
export const W0 = [0.5, -1.25, 0.003, 2];
export const GRADS = [
  [0.1, -0.7, 2.5, 0.0001],
  [-0.3, 0.2, 1.5, -4],
  [0.05, -0.05, -3, 0.5],
  [1.1, 0.9, 0.01, -0.02],
];
