// A small convolutional network on 8×8 digits, trained with a GradientTape and raw ops.
// The digits (examples/digits.ts) are ten 8×8 bitmaps drawn for it ("#" = ink), each shown in several copies
// shifted by up to one pixel, with noise; a conv layer (3×3, 8 filters) finds strokes wherever they
// are, max pooling keeps the strongest response of each 2×2 patch, and a dense layer reads the digit.
// The test set has new shifts and noise; with 120 training images it reaches about 85%.
import * as tf from "gradtape";
import { makeSet } from "./digits";

const [trainX, trainY] = makeSet(12, 3);
const [testX, testY] = makeSet(6, 100);

const kernels = tf.variable(tf.random.normal([3, 3, 1, 8], { stddev: 0.4, seed: 2 }), { name: "kernels" });
const convBias = tf.variable(tf.zeros([8]), { name: "convBias" });
const dense = tf.variable(tf.random.normal([4 * 4 * 8, 10], { stddev: 0.1, seed: 3 }), { name: "dense" });
const denseBias = tf.variable(tf.zeros([10]), { name: "denseBias" });

function logits(images: tf.Tensor): tf.Tensor {
  const features = tf.relu(tf.add(tf.nn.conv2d(images, kernels, 1, "SAME"), convBias)); // [n, 8, 8, 8]
  const pooled = tf.nn.maxPool2d(features, 2, 2, "VALID"); // [n, 4, 4, 8]
  return tf.add(tf.matmul(tf.reshape(pooled, [-1, 4 * 4 * 8]), dense), denseBias);
}

function accuracy(images: tf.Tensor, labels: tf.Tensor): number {
  const hits = tf.cast(tf.equal(tf.cast(tf.argMax(logits(images), 1), "int32"), labels), "float32");
  return tf.reduceMean(hits).dataSync()[0];
}

// Minibatches of 8, as training loops usually run: small enough that the panel keeps every value of
// the feature maps ([8, 8, 8, 8]) and shows them, like the kernels, as images (select `features`).
const batches = tf.data.Dataset.fromTensorSlices([trainX, trainY]).shuffle(120, { seed: 4 }).batch(8);
const opt = new tf.optimizers.Adam({ learningRate: 0.02 });
let step = 0;
for (let epoch = 0; epoch < 5; epoch++) {
  for (const [xb, yb] of batches) {
    const tape = new tf.GradientTape();
    const loss = tape.record(() => tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: yb, logits: logits(xb) })));
    const grads = tape.gradient(loss, [kernels, convBias, dense, denseBias]);
    opt.applyGradients([[grads[0], kernels], [grads[1], convBias], [grads[2], dense], [grads[3], denseBias]]);
    tf.summary.scalar("loss", loss, { step });
    step++;
  }
  console.log(`epoch ${epoch}: train accuracy ${accuracy(trainX, trainY).toFixed(3)}`);
}

console.log(`train accuracy ${accuracy(trainX, trainY).toFixed(3)}, test accuracy (new shifts and noise) ${accuracy(testX, testY).toFixed(3)}`);
