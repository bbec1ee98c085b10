/**
 * tf.keras: what TF 2 users write around a GradientTape in a custom training loop (API.md "Keras").
 * The optimizers are the same classes as tf.optimizers.
 */
export * as optimizers from '../optimizers/index';
export * as losses from './losses';
export * as metrics from './metrics';
