/**
 * tf.keras: what TF 2 users write around a GradientTape in a custom training loop (API.md, "Keras"):
 * layers, models, initializers and activations; losses, metrics, and the optimizers (the same
 * classes as tf.optimizers).
 */
export * as layers from './layers/index';
export * as initializers from './initializersApi';
export * as activations from './activationsApi';
export * as backend from './backendApi';
export { Model, Sequential } from './models';
export { Layer } from './layer';
export * as losses from './losses';
export * as metrics from './metrics';
export * as optimizers from '../optimizers/index';
