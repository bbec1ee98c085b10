// A subclassed tf.keras.Model: layers assigned to fields are tracked (model.trainableVariables finds
// them, in order), a custom layer builds its own sublayers, and `training` reaches Dropout and
// BatchNormalization through the model's call. The model fits y = sin(3x) from 16 noisy samples.
import * as tf from "gradtape";

/** A residual block: x + Dense(relu(LayerNormalization(x))), as Keras users write custom layers. */
class Residual extends tf.keras.layers.Layer {
  norm = new tf.keras.layers.LayerNormalization();
  dense: tf.keras.layers.Dense | null = null;

  override build(inputShape: number[]) {
    this.dense = new tf.keras.layers.Dense(inputShape[inputShape.length - 1], { kernelInitializer: "heNormal" });
  }

  override call(x: tf.Tensor) {
    return tf.add(x, this.dense!(tf.relu(this.norm(x))));
  }
}

class Regressor extends tf.keras.Model {
  inputLayer = new tf.keras.layers.Dense(8, { activation: "tanh" });
  blocks = [new Residual(), new Residual()];
  drop = new tf.keras.layers.Dropout(0.1, { seed: 5 });
  norm = new tf.keras.layers.BatchNormalization();
  head = new tf.keras.layers.Dense(1);

  override call(x: tf.Tensor, { training }: { training?: boolean } = {}) {
    let h = this.inputLayer(x);
    for (const block of this.blocks) h = block(h);
    h = this.norm(this.drop(h), { training });
    return this.head(h);
  }
}

const x = tf.reshape(tf.linspace(-1, 1, 16), [16, 1]);
const y = tf.add(tf.sin(tf.multiply(x, 3)), tf.random.normal([16, 1], { stddev: 0.05, seed: 11 }));

tf.random.setSeed(0); // unseeded initializers draw from it: the same weights every run
const model = new Regressor();
const lossFn = new tf.keras.losses.MeanSquaredError();
const optimizer = new tf.keras.optimizers.Adam({ learningRate: 0.01 });

for (let step = 0; step < 100; step++) {
  const tape = new tf.GradientTape();
  const loss = tape.record(() => lossFn(y, model(x, { training: true })));
  const grads = tape.gradient(loss, model.trainableVariables);
  optimizer.applyGradients(grads.map((g, i) => [g, model.trainableVariables[i]]));
  tf.summary.scalar("loss", loss);
}

console.log(model.trainableVariables.map((v) => v.name).join(", "));
console.log(`batch norm moving mean (non-trainable): ${model.norm.movingMean!.shape}`);
console.log(`inference loss: ${lossFn(y, model(x)).numpy()}`);
model.summary();
