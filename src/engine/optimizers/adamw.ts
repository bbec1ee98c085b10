/**
 * AdamW: `tf.keras.optimizers.AdamW` (Keras 3 `keras/src/optimizers/adamw.py`): Adam with
 * decoupled weight decay on by default (`weightDecay = 0.004`), applied by the base before each
 * step as `w ← w − w·wd·lr`.
 */
import { InvalidArgumentError } from '../errors';
import { Adam, type AdamOptions } from './adam';

export class AdamW extends Adam {
  constructor(options: AdamOptions = {}) {
    super({ ...options, weightDecay: 'weightDecay' in options ? options.weightDecay : 0.004 });
    if (this.weightDecay === null || this.weightDecay === undefined) {
      throw new InvalidArgumentError('Argument `weight_decay` must be a float. Received: weight_decay=None');
    }
  }
}
