/**
 * tf.optimizers (also tf.keras.optimizers): SGD, Adam, AdamW, RMSprop, Adagrad with Keras 3's
 * update rules, and the learning-rate schedules.
 */
export { Optimizer } from './optimizer';
export type { LearningRate, OptimizerOptions } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam } from './adam';
export type { AdamOptions } from './adam';
export { AdamW } from './adamw';
export { RMSprop } from './rmsprop';
export type { RMSpropOptions } from './rmsprop';
export { Adagrad } from './adagrad';
export type { AdagradOptions } from './adagrad';
export * as schedules from './schedules';
