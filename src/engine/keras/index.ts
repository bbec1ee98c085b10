/**
 * tf.keras: layers, models, initializers and activations around the tape (API.md, "Keras").
 * Losses, metrics and optimizers join this namespace from their own files.
 */
export * as layers from './layers/index';
export * as initializers from './initializersApi';
export * as activations from './activationsApi';
export * as backend from './backendApi';
export { Model, Sequential } from './models';
export { Layer } from './layer';
