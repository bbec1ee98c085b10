/** tf.optimizers: SGD (with momentum, Nesterov) and Adam, with TensorFlow 2's update formulas. */
export { Optimizer } from './optimizer';
export type { LearningRate } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam } from './adam';
export type { AdamOptions } from './adam';
