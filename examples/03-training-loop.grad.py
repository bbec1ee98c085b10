# The seed article's training loop: three data points, plain gradient descent, lr = 0.01.
# Copied verbatim from the article (../../shared/seeds/).
import tensorflow as tf

data = tf.data.Dataset.from_tensor_slices([[5.0,2.0], [3.0,3.0], [4.0,1.5]])
weights = tf.Variable([[0.55],[0.75]],shape=[2,1])
y_true = tf.data.Dataset.from_tensor_slices([0.75,0.5,0.4])
lr = 0.01 # Learning rate
dataset = tf.data.Dataset.zip((data,y_true)) # Zipped the two tensor to loop

for  data, y_true in dataset:
    with tf.GradientTape() as tape:  
        output = tf.linalg.matmul(tf.reshape(data,[1,2]), weights) 
        loss = tf.math.squared_difference(y_true, output)
    gradients = tape.gradient(loss, weights)
    weights.assign_sub(tf.multiply(lr,gradients)) # Applied the Gradient Descent

weights # Final trained weights
