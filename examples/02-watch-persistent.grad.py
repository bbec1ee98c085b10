# The seed article's second program: constant weights, tape.watch and a persistent tape.
# Copied verbatim from the article (../../shared/seeds/).
import tensorflow as tf

input = tf.constant([[1.0,2.0]])
# Will not work if "tape.watch" is not added
weights = tf.constant([[0.25],[0.15]]) #1
y_true = tf.constant(0.75)

with tf.GradientTape(persistent=True) as tape:  #2
    tape.watch(weights) #3
    output = tf.linalg.matmul(input, weights) 
    # Loss - Squared Diff
    loss = tf.math.squared_difference(y_true, output)

gradients = tape.gradient(loss, weights)
gradients_copy = tape.gradient(loss, weights) #4
gradients_copy
