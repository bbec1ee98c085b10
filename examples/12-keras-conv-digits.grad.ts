// The conv net of example 08, written with Keras layers around the tape: a Sequential of Conv2D
// (3×3, 8 filters, relu), MaxPooling2D, Flatten and Dense(10) reads 8×8 digits, trained with
// SparseCategoricalCrossentropy from logits, Adam and an accuracy metric, in TensorFlow's "training
// loop from scratch" shape. The digits (examples/digits.ts) are ten 8×8 bitmaps ("#" = ink), each
// shown in several copies shifted by up to one pixel, with noise; the test set has new shifts and noise.
// In the panel each layer is a frame (`conv2d (Conv2D)`, …); open `conv2d` to see its feature maps
// as images.
import * as tf from "gradtape";
import { makeSet } from "./digits";

const [trainX, trainY] = makeSet(12, 3);
const [testX, testY] = makeSet(6, 100);

tf.random.setSeed(1); // the initializers below draw from it: the same weights every run
const model = new tf.keras.Sequential([
  new tf.keras.layers.Conv2D(8, 3, { padding: "same", activation: "relu" }), // [n, 8, 8, 8]
  new tf.keras.layers.MaxPooling2D(), // [n, 4, 4, 8]
  new tf.keras.layers.Flatten(), // [n, 128]
  new tf.keras.layers.Dense(10),
]);
const lossFn = new tf.keras.losses.SparseCategoricalCrossentropy({ fromLogits: true });
const optimizer = new tf.keras.optimizers.Adam({ learningRate: 0.02 });
const trainAcc = new tf.keras.metrics.SparseCategoricalAccuracy();
const testAcc = new tf.keras.metrics.SparseCategoricalAccuracy();

// Minibatches of 8: small enough that the panel keeps the feature maps ([8, 8, 8, 8]) and shows them as images.
const batches = tf.data.Dataset.fromTensorSlices([trainX, trainY]).shuffle(120, { seed: 4 }).batch(8);
for (let epoch = 0; epoch < 5; epoch++) {
  for (const [xBatch, yBatch] of batches) {
    const tape = new tf.GradientTape();
    const loss = tape.record(() => {
      const logits = model(xBatch, { training: true });
      return lossFn(yBatch, logits);
    });
    const grads = tape.gradient(loss, model.trainableVariables);
    optimizer.applyGradients(grads.map((g, i) => [g, model.trainableVariables[i]]));
    trainAcc.updateState(yBatch, model(xBatch));
    tf.summary.scalar("loss", loss);
  }
  console.log(`epoch ${epoch}: train accuracy ${trainAcc.result().dataSync()[0].toFixed(3)}`);
  trainAcc.resetState();
}

testAcc.updateState(testY, model(testX));
console.log(`test accuracy (new shifts and noise) ${testAcc.result().dataSync()[0].toFixed(3)}`);
model.summary();
