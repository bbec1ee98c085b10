# The seed article's first program: a toy graph, then the same weights under a GradientTape.
# Copied verbatim from the article (../../shared/seeds/); it prints the gradient's repr.
import tensorflow as tf

input = tf.constant([[1.0,2.0]])
weights = tf.Variable([[0.25],[0.15]])

output = tf.linalg.matmul(input, weights)

# Loss - MSE
y_true = tf.constant(0.75)
loss = tf.math.sqrt(tf.math.subtract(tf.math.square(y_true), tf.math.square(output)))

input = tf.constant([[1.0,2.0]])
weights = tf.Variable([[0.25],[0.15]])
y_true = tf.constant(0.75)

with tf.GradientTape() as tape:  #1
    output = tf.linalg.matmul(input, weights) 
    # Loss - Squared Diff
    loss = tf.math.squared_difference(y_true, output)

gradients = tape.gradient(loss, weights)  #2
gradients
