/** tf.keras.backend: `clearSession()` restarts the layer names (`dense`, `dense_1`, …). */
export { clearSession } from './layer';
