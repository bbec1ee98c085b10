# Keras subclassing written in Python, as Keras's guide "Making new layers and models via subclassing"
# writes it: a layer that makes its weights in build() with add_weight(), a model whose call() takes
# `training` (Dropout is on only while training), and a training loop over model.trainable_variables.
# The report names the weights as Keras does: ∂loss/∂linear/w.
import tensorflow as tf


class Linear(tf.keras.layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True, name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True, name="b")
        super().build(input_shape)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


class Regressor(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = Linear(8)
        self.drop = tf.keras.layers.Dropout(0.25, seed=3)
        self.head = Linear(1)

    def call(self, x, training=False):
        h = tf.nn.relu(self.hidden(x))
        return self.head(self.drop(h, training=training))


tf.random.set_seed(0)
x = tf.reshape(tf.linspace(-1.0, 1.0, 16), [16, 1])
y = tf.sin(x * 3.0)

model = Regressor()
loss_fn = tf.keras.losses.MeanSquaredError()
optimizer = tf.keras.optimizers.Adam(learning_rate=0.05)

for step in range(60):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))

print([v.name for v in model.trainable_variables])
print(f"training loss {float(loss):.6f}, inference loss {float(loss_fn(y, model(x))):.6f}")
