/**
 * tf.keras.layers.Layer: Keras 3's layer base. A layer is callable (`layer(x, { training })`),
 * builds its weights on the first call from the input's shape, names itself after its class
 * (`dense`, `dense_1`, …) and its weights after itself (`dense/kernel:0`, path `dense/kernel`).
 *
 * With an observer attached (the runner), each call tells it where the layer's ops begin and end
 * (scopeEntered / scopeExited), so the panel can frame them as `dense_1 (Dense)`. Without one, a
 * call costs one observer check.
 */
import type { DType } from '../dtype';
import { describeValue } from '../errors';
import { constant, variable } from '../ops/creation';
import { observer } from '../observer';
import { shapeTuple } from '../shape';
import { Tensor, toTensor, type TensorLike, type TypedArray, type Variable, type NestedArray } from '../tensor';
import { Callable } from './callable';
import { getInitializer, snakeCase, type InitializerIdentifier } from './initializers';
import { fieldChildren, gatherVariables, VariableSink, type Trackable } from './tracking';

// ──── Names ────

let nameUids = new Map<string, number>();

/** Keras's auto_name: the class name in snake_case, then `_1`, `_2`, … for later ones in this process. */
export function autoName(className: string): string {
  const base = snakeCase(className);
  const n = nameUids.get(base) ?? 0;
  nameUids.set(base, n + 1);
  return n === 0 ? base : `${base}_${n}`;
}

/** Keras's `clear_session()`: names start again from `dense`. */
export function clearSession(): void {
  nameUids = new Map();
}

/** Keras's class name of a layer: a built-in class says its own (bundlers may rename classes), a user's class is read from its constructor. */
export function kerasClassName(obj: object): string {
  const ctor = obj.constructor as { className?: string; name: string };
  return Object.prototype.hasOwnProperty.call(ctor, 'className') ? (ctor.className as string) : ctor.name;
}

/** A Keras layer (or model): works across copies of the engine module, unlike instanceof alone. */
export function isLayer(v: unknown): v is Layer {
  return v instanceof Layer;
}

// ──── The call context ────

export interface CallOptions {
  /** Training mode (dropout drops, batch norm uses and updates batch statistics); inherited from an outer layer's call when absent. */
  training?: boolean;
}

/** The `training` of the layer calls under way (Keras's call context): an inner layer called without one inherits it. */
let outerTraining: boolean | undefined;
/** The (non-model) layers whose call is under way, with their paths: a layer built inside another's call is named under it. */
const scopes: { layer: Layer; path: string }[] = [];

function readTraining(options: unknown, layer: string): boolean | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') {
    throw new TypeError(`Layer '${layer}' takes its options as an object, e.g. layer(x, { training: true }); got ${describeValue(options)}`);
  }
  const training = (options as CallOptions).training;
  if (training !== undefined && training !== null && typeof training !== 'boolean') {
    throw new TypeError(`Layer '${layer}': \`training\` must be a boolean (true or false) or undefined. Received: training=${describeValue(training)}`);
  }
  return training ?? undefined;
}

// ──── Weights ────

export interface AddWeightOptions {
  name: string;
  shape: readonly number[];
  initializer?: InitializerIdentifier;
  trainable?: boolean;
  dtype?: DType;
}

/** Values for setWeights: tensors or nested arrays (Keras takes NumPy arrays). */
export type WeightValue = TensorLike | NestedArray | TypedArray;

/** Fields the tracking scan skips: the layer's own bookkeeping (its weights are listed first anyway). */
const INTERNAL_FIELDS: ReadonlySet<string> = new Set(['name', 'trainable', 'built', 'dtype', 'inputSpec', '_ownWeights', '_buildShape', '_outputShape', '_stateLocked']);

/** Keras's InputSpec, the parts the built-in layers use. */
export interface InputSpec {
  minNdim?: number;
  ndim?: number;
  /** axis → required size (negative axes count from the end). */
  axes?: Record<number, number>;
}

export interface LayerOptions {
  name?: string;
  trainable?: boolean;
  dtype?: DType;
}

// A layer is callable (callable.ts): the interface adds the call signature the class cannot declare.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface Layer {
  (inputs: TensorLike, options?: CallOptions): Tensor;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Layer extends Callable implements Trackable {
  static readonly className: string = 'Layer';
  name: string;
  /** False freezes the layer: its weights (and its sublayers') leave trainableVariables. */
  trainable: boolean;
  built = false;
  dtype: DType;
  /** Checked on each call before `call` (Keras's input_spec); a layer sets it in its constructor or build. */
  inputSpec: InputSpec | null = null;
  /** Weights made by addWeight, in order. */
  _ownWeights: Variable[] = [];
  /** The input shape the layer was built from, and the last output's shape (for summary()). */
  _buildShape: number[] | null = null;
  _outputShape: number[] | null = null;
  /** Set when build() returns: Keras locks a built layer's state, so a second build cannot add weights. */
  _stateLocked = false;

  constructor({ name, trainable = true, dtype = 'float32' }: LayerOptions = {}) {
    super();
    if (name !== undefined && typeof name !== 'string') throw new TypeError(`A layer's name must be a string, got ${describeValue(name)}`);
    this.name = name ?? autoName(kerasClassName(this));
    this.trainable = trainable;
    this.dtype = dtype;
    // As Keras wraps build: a layer built by hand (`layer.build([null, 4])`) is built, and the
    // first call does not build it again.
    const build = this.build;
    Object.defineProperty(this, 'build', {
      enumerable: false,
      writable: true,
      value: (inputShape: readonly number[]): void => {
        this._buildShape = inputShape.slice();
        build.call(this, inputShape.slice());
        this.built = true;
        this._stateLocked = true;
      },
    });
  }

  /** Creates the weights from the first input's shape; a layer with weights overrides it. */
  build(inputShape: number[]): void {
    void inputShape;
  }

  /** The layer's computation; a layer overrides it. */
  call(inputs: Tensor, options: CallOptions): Tensor {
    void options;
    return inputs;
  }

  /** The output shape for an input shape; by default the input's (summary() uses it before a call). */
  computeOutputShape(inputShape: number[]): number[] {
    return inputShape;
  }

  /** The dtype arrays passed to a call become (Keras converts inputs to the layer's dtype). */
  protected get inputDtype(): DType {
    return this.dtype;
  }

  /** Models do not put their name in front of their layers' weights (API.md: `dense/kernel:0` inside a Sequential). */
  protected get addsNameScope(): boolean {
    return true;
  }

  __call__(inputs: unknown, options?: unknown): Tensor {
    let training = readTraining(options, this.name);
    const x = this.convertInput(inputs);
    const obs = observer();
    if (obs !== null && obs.scopeEntered !== undefined) obs.scopeEntered({ name: this.name, className: kerasClassName(this), model: !this.addsNameScope, pos: obs.locate() });
    const outer = outerTraining;
    const scoped = this.addsNameScope;
    if (scoped) scopes.push({ layer: this, path: scopes.length > 0 ? `${scopes[scopes.length - 1].path}/${this.name}` : this.name });
    let out: unknown;
    try {
      const t = x instanceof Tensor ? x : null;
      if (this.inputSpec !== null && t !== null) this.checkInput(t);
      if (!this.built) this.build(t !== null ? t.shape : []);
      training ??= outer;
      outerTraining = training;
      out = this.call(x as Tensor, { training });
      if (out instanceof Tensor) this._outputShape = out.shape;
      return out as Tensor;
    } finally {
      outerTraining = outer;
      if (scoped) scopes.pop();
      if (obs !== null && obs.scopeExited !== undefined) obs.scopeExited({ name: this.name, output: out instanceof Tensor ? out : undefined });
    }
  }

  /**
   * A layer's input as a tensor (arrays and numbers converted, as Keras converts NumPy arrays); a
   * model may take other structures (a list of tensors, an object), passed to its `call` as given.
   */
  private convertInput(inputs: unknown): unknown {
    if (inputs instanceof Tensor) return inputs;
    try {
      return toTensor(inputs as TensorLike, this.inputDtype);
    } catch (e) {
      if (this.addsNameScope) throw e;
      return inputs;
    }
  }

  /** Keras's assert_input_compatibility, with its texts. */
  private checkInput(x: Tensor): void {
    const spec = this.inputSpec as InputSpec;
    const shape = shapeTuple(x.shape);
    const head = `Input 0 with name 'None' of layer '${this.name}' is incompatible with the layer`;
    if (spec.ndim !== undefined && x.rank !== spec.ndim) {
      throw new RangeError(`${head}: expected ndim=${spec.ndim}, found ndim=${x.rank}. Full shape received: ${shape}`);
    }
    if (spec.minNdim !== undefined && x.rank < spec.minNdim) {
      throw new RangeError(`${head}: expected min_ndim=${spec.minNdim}, found ndim=${x.rank}. Full shape received: ${shape}`);
    }
    if (spec.axes) {
      for (const [key, value] of Object.entries(spec.axes)) {
        const axis = Number(key);
        const dim = x.shape[axis < 0 ? x.rank + axis : axis];
        if (dim !== value) {
          throw new RangeError(`${head}: expected axis ${axis} of input shape to have value ${value}, but received input with shape ${shape}`);
        }
      }
    }
  }

  /**
   * Keras's add_weight: a variable named `<layer path>/<name>:0` (path without `:0`), filled by the
   * initializer. The path includes the custom layers whose call builds this one.
   */
  addWeight({ name, shape, initializer = 'glorotUniform', trainable = true, dtype = this.dtype }: AddWeightOptions): Variable {
    // Keras 3's tracker, locked by the build wrapper; Python reads a RangeError as ValueError.
    if (this._stateLocked) {
      throw new RangeError('You cannot add new elements of state (variables or sub-layers) to a layer that is already built. All state must be created in the `__init__()` method or in the `build()` method.');
    }
    const init = getInitializer(initializer);
    const top = scopes[scopes.length - 1];
    const prefix = top !== undefined && top.layer === this ? top.path : this.name;
    const v = variable(init(shape, dtype), { name: `${prefix}/${name}`, trainable, dtype });
    this._ownWeights.push(v);
    return v;
  }

  // ──── Variables ────

  collectVariables(out: VariableSink, frozen: boolean): void {
    if (!out.visit(this)) return;
    const off = frozen || !this.trainable;
    // Keras's order: own trainable, own non-trainable, then the sublayers'.
    for (const v of this._ownWeights) if (v.trainable) out.add(v, off);
    for (const v of this._ownWeights) if (!v.trainable) out.add(v, off);
    const { variables, children } = fieldChildren(this, INTERNAL_FIELDS);
    for (const v of variables) out.add(v, off);
    for (const c of children) c.collectVariables(out, off);
  }


  /** Every variable: trainable first, then non-trainable, then the sublayers'. */
  get variables(): Variable[] {
    return gatherVariables(this, 'all');
  }
  get weights(): Variable[] {
    return gatherVariables(this, 'all');
  }
  get trainableVariables(): Variable[] {
    return gatherVariables(this, 'trainable');
  }
  get trainableWeights(): Variable[] {
    return gatherVariables(this, 'trainable');
  }
  get nonTrainableVariables(): Variable[] {
    return gatherVariables(this, 'nonTrainable');
  }
  get nonTrainableWeights(): Variable[] {
    return gatherVariables(this, 'nonTrainable');
  }

  /** The weights' values, as tensors (Keras returns NumPy arrays). */
  getWeights(): Tensor[] {
    return this.weights.map((v) => constant(v));
  }

  /** Sets every weight, in `weights` order, from tensors or arrays of the same shapes. */
  setWeights(values: readonly WeightValue[]): void {
    const weights = this.weights;
    if (!Array.isArray(values) || values.length !== weights.length) {
      const n = Array.isArray(values) ? values.length : describeValue(values);
      throw new RangeError(`You called \`set_weights(weights)\` on layer '${this.name}' with a weight list of length ${n}, but the layer was expecting ${weights.length} weights.`);
    }
    weights.forEach((v, i) => {
      const t = toTensor(values[i] as TensorLike, v.dtype);
      if (t.rank !== v.rank || t.shape.some((d, k) => d !== v.shape[k])) {
        throw new RangeError(`Layer ${this.name} weight shape ${shapeTuple(v.shape)} is not compatible with provided weight shape ${shapeTuple(t.shape)}.`);
      }
      v.assign(t);
    });
  }

  /** The number of scalars in the weights (Keras's count_params). */
  countParams(): number {
    if (!this.built) {
      throw new RangeError(`You tried to call \`count_params\` on layer '${this.name}', but the layer isn't built. You can build it manually via: \`layer.build(input_shape)\`.`);
    }
    return this.weights.reduce((n, v) => n + v.size, 0);
  }

  /** Keras's repr: `<Dense name=dense, built=True>`. */
  override toString(): string {
    return `<${kerasClassName(this)} name=${this.name}, built=${this.built ? 'True' : 'False'}>`;
  }

  /** Node's console.log shows the repr (a layer is a function object underneath). */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
