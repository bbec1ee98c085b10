/**
 * tf.keras.Model (subclassed: layers assigned to fields are tracked) and tf.keras.Sequential, with
 * Keras 3's summary() table.
 */
import { describeValue } from '../errors';
import type { Tensor, Variable } from '../tensor';
import { isLayer, kerasClassName, Layer, type CallOptions, type LayerOptions } from './layer';
import { fieldChildren } from './tracking';

const MODEL_FIELDS: ReadonlySet<string> = new Set(['name', 'trainable', 'built', 'dtype', 'inputSpec', '_ownWeights', '_buildShape', '_outputShape']);

export class Model extends Layer {
  static override readonly className: string = 'Model';

  constructor(options: LayerOptions = {}) {
    super(options);
  }

  /** A model's layers keep their own names: `dense/kernel:0`, not `model/dense/kernel:0` (API.md). */
  protected override get addsNameScope(): boolean {
    return false;
  }

  /** The layers held in the model's fields (in arrays and objects too), in the order they were assigned. */
  get layers(): Layer[] {
    return fieldChildren(this, MODEL_FIELDS).children.filter(isLayer);
  }

  /** Keras 3's summary table, printed to the console. */
  summary(): void {
    console.log(summaryText(this));
  }
}

/** Sequential(layers?, { name }): each layer's output is the next one's input. */
export class Sequential extends Model {
  static override readonly className: string = 'Sequential';
  private readonly _layers: Layer[] = [];

  constructor(layers: readonly Layer[] = [], options: LayerOptions = {}) {
    super(options);
    if (!Array.isArray(layers)) throw new TypeError(`Sequential(layers): layers must be an array of layers, got ${describeValue(layers)}`);
    for (const layer of layers) this.add(layer);
  }

  add(layer: Layer): void {
    if (!isLayer(layer)) {
      throw new TypeError(`Only instances of \`keras.Layer\` can be added to a Sequential model. Received: ${describeValue(layer)}`);
    }
    if (this._layers.some((l) => l.name === layer.name)) {
      throw new RangeError(
        `All layers added to a Sequential model should have unique names. Name '${layer.name}' is already the name of a layer in this model. Update the \`name\` argument to pass a unique name.`,
      );
    }
    this._layers.push(layer);
    this.built = false;
  }

  /** Removes the last layer and returns it. */
  pop(): Layer {
    const layer = this._layers.pop();
    if (layer === undefined) throw new TypeError('There are no layers in the model.');
    return layer;
  }

  override get layers(): Layer[] {
    return this._layers.slice();
  }

  /** As Keras 3's `model.build(inputShape)`: each layer is built from the previous one's output shape. */
  override build(inputShape: number[]): void {
    let shape = inputShape;
    for (const layer of this._layers) {
      if (!layer.built) layer.build(shape);
      shape = layer.computeOutputShape(shape);
    }
  }

  override call(inputs: Tensor, { training }: CallOptions): Tensor {
    let x = inputs;
    for (const layer of this._layers) x = layer(x, { training });
    return x;
  }

  override computeOutputShape(inputShape: number[]): number[] {
    return this._layers.reduce((shape, layer) => layer.computeOutputShape(shape), inputShape);
  }
}

// ──── summary() ────

/**
 * Keras 3 prints with rich at the default console width (80 columns when not a terminal, so
 * min(88, 80 − 4) = 76 characters); rich then shrinks the three columns to these content widths.
 */
const WIDTHS = [31, 22, 13];

function fold(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const cut = rest.lastIndexOf(' ', width);
    const at = cut > 0 ? cut : width;
    lines.push(rest.slice(0, at));
    rest = rest.slice(at).trimStart();
  }
  lines.push(rest);
  return lines;
}

function row(cells: string[], right: boolean[], edge: string): string[] {
  const folded = cells.map((c, i) => fold(c, WIDTHS[i]));
  const height = Math.max(...folded.map((f) => f.length));
  const out: string[] = [];
  for (let k = 0; k < height; k++) {
    const parts = folded.map((f, i) => {
      const text = f[k] ?? '';
      return ' ' + (right[i] ? text.padStart(WIDTHS[i]) : text.padEnd(WIDTHS[i])) + ' ';
    });
    out.push(edge + parts.join(edge) + edge);
  }
  return out;
}

function rule(left: string, fillChar: string, mid: string, right: string): string {
  return left + WIDTHS.map((w) => fillChar.repeat(w + 2)).join(mid) + right;
}

function count(vars: readonly Variable[]): number {
  return vars.reduce((n, v) => n + v.size, 0);
}

/** Keras's readable_memory_size: bytes in B, KB, MB… with two decimals (float32 = 4 bytes a parameter). */
function memory(vars: readonly Variable[]): string {
  let size = vars.reduce((n, v) => n + v.size * (v.dtype === 'float64' ? 8 : v.dtype === 'bool' ? 1 : 4), 0);
  for (const unit of ['B', 'KB', 'MB', 'GB', 'TB']) {
    if (size / 1024 < 1) return `${size.toFixed(2)} ${unit}`;
    size /= 1024;
  }
  return `${size.toFixed(2)} PB`;
}

const thousands = (n: number): string => n.toLocaleString('en-US');

/** The last output's shape with the batch axis as Keras prints a model's: `(None, 16)`. */
function shapeText(layer: Layer): string {
  const shape = layer._outputShape ?? (layer._buildShape ? layer.computeOutputShape(layer._buildShape) : null);
  return shape === null ? '?' : `(${shape.map((d, i) => (i === 0 ? 'None' : String(d))).join(', ')})`;
}

export function summaryText(model: Model): string {
  const right = [false, false, true];
  const lines = [`Model: "${model.name}"`, rule('┏', '━', '┳', '┓'), ...row(['Layer (type)', 'Output Shape', 'Param #'], right, '┃'), rule('┡', '━', '╇', '┩')];
  model.layers.forEach((layer, i) => {
    if (i > 0) lines.push(rule('├', '─', '┼', '┤'));
    const params = layer.built ? thousands(layer.countParams()) : '0 (unbuilt)';
    lines.push(...row([`${layer.name} (${kerasClassName(layer)})`, shapeText(layer), params], right, '│'));
  });
  lines.push(rule('└', '─', '┴', '┘'));
  const trainable = model.trainableVariables;
  const frozen = model.nonTrainableVariables;
  lines.push(` Total params: ${thousands(count(trainable) + count(frozen))} (${memory([...trainable, ...frozen])})`);
  lines.push(` Trainable params: ${thousands(count(trainable))} (${memory(trainable)})`);
  lines.push(` Non-trainable params: ${thousands(count(frozen))} (${memory(frozen)})`);
  return lines.join('\n');
}
