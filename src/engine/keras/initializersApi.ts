/** tf.keras.initializers: the classes, and `get` (Keras's initializers.get). */
export {
  Constant, GlorotNormal, GlorotUniform, HeNormal, HeUniform, Initializer, LecunNormal, LecunUniform, Ones, RandomNormal,
  RandomUniform, TruncatedNormal, VarianceScaling, Zeros, getInitializer as get,
} from './initializers';
