/** tf.keras.activations: `get` by name (Keras's activations.get). */
export { getActivation as get } from './activations';
