/** tf.keras.layers. */
export { Layer, type CallOptions, type LayerOptions, type AddWeightOptions, type InputSpec } from '../layer';
export { Dense, Dropout, Embedding, Flatten, ReLU, Softmax, type DenseOptions, type DropoutOptions, type EmbeddingOptions, type ReLUOptions } from './core';
export { BatchNormalization, LayerNormalization, type BatchNormalizationOptions, type LayerNormalizationOptions } from './normalization';
export { Conv2D, type Conv2DOptions } from './convolutional';
export { AveragePooling2D, MaxPooling2D, type Pooling2DOptions } from './pooling';
