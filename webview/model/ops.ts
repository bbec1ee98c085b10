/**
 * What the panel knows about each op the engine records: the math and its local derivatives written
 * symbolically (for the inspector), and small float64 re-implementations of forward, VJP and JVP for
 * the elementwise, (batched) matmul, reduction, reshaping, selection (concat, stack, slice, gather,
 * tile, pad) and cross-entropy ops, used for the finite-difference check, the backward walkthrough
 * and the forward-mode column. A re-implementation is only used after it has reproduced the node's
 * recorded output (see miniEval.ts), so attributes the Trace does not carry (reduction axes, matmul
 * transposes, concat and stack axes, slice begins, paddings, tile multiples) are inferred from the
 * shapes and values and then verified, never guessed silently; when several fit, none is used.
 */

export interface T {
  shape: number[];
  data: Float64Array;
}

export const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
export const tensor = (shape: number[], data: ArrayLike<number>): T => ({ shape: [...shape], data: Float64Array.from(data) });
const zeros = (shape: number[]): T => ({ shape: [...shape], data: new Float64Array(size(shape)) });

/** One way to compute an op given its inputs' shapes: forward, reverse (VJP) and forward (JVP) mode. */
export interface Impl {
  /** e.g. `axis 1, keepdims` for an inferred reduction. */
  note?: string;
  fwd(xs: T[]): T;
  /** Each input's contribution to its adjoint, given the output's adjoint dy. */
  vjp(xs: T[], y: T, dy: T): (T | null)[];
  /** The output's tangent given the inputs' tangents (null = zero tangent). */
  jvp(xs: T[], y: T, dxs: (T | null)[]): T;
  /** True when some element of the inputs sits within tol of a point where the op is not differentiable. */
  kink?(xs: T[], tol: number): boolean;
  /**
   * Set on candidates enumerated from attributes the Trace does not carry (a slice's begin, a pad's
   * split): when more than one reproduces the output, the attribute is not determined and the panel
   * says so rather than picking one (their gradients would differ).
   */
  enumerated?: string;
}

export interface OpInfo {
  /** The forward math, e.g. `out = a·b`. `{0}`, `{1}` stand for the inputs' names. */
  math: string;
  /** Local derivative of out with respect to each input, in the same placeholders. */
  local: string[];
  /**
   * Implementations whose input shapes fit; empty when the panel cannot re-compute this op. `xs` and
   * `y` (the recorded values) let an op read what the Trace keeps as data, such as gather's indices.
   */
  impls(shapes: number[][], outShape: number[], xs?: T[], y?: T): Impl[];
  /** Why this op can never be re-computed by the panel (shown instead of a check). */
  unavailable?: string;
}

// ---------- broadcasting helpers ----------
export function broadcastShape(a: number[], b: number[]): number[] | null {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return null;
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** For each element of `out`, the index of the element of a tensor of shape `inShape` broadcast to it. */
export function broadcastIndex(outShape: number[], inShape: number[]): Int32Array {
  const n = size(outShape);
  const idx = new Int32Array(n);
  const r = outShape.length;
  const pad = r - inShape.length;
  const inStrides: number[] = new Array(r).fill(0);
  let s = 1;
  for (let i = r - 1; i >= 0; i--) {
    const d = i - pad >= 0 ? inShape[i - pad] : 1;
    inStrides[i] = d === 1 ? 0 : s;
    s *= d;
  }
  const coord = new Array(r).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let i = 0; i < r; i++) off += coord[i] * inStrides[i];
    idx[k] = off;
    for (let i = r - 1; i >= 0; i--) {
      if (++coord[i] < outShape[i]) break;
      coord[i] = 0;
    }
  }
  return idx;
}

/** Sums a tensor of the broadcast shape back to `inShape` (the reverse of broadcasting). */
function unbroadcast(g: Float64Array, outShape: number[], inShape: number[]): T {
  const out = zeros(inShape);
  const idx = broadcastIndex(outShape, inShape);
  for (let k = 0; k < g.length; k++) out.data[idx[k]] += g[k];
  return out;
}

// ---------- elementwise ----------
type Fn = (...x: number[]) => number;
interface Elementwise {
  math: string;
  local: string[];
  f: Fn;
  /** ∂f/∂x_i at x (given f(x) as the last argument). */
  d: Fn[];
  kink?: (tol: number, ...x: number[]) => boolean;
}

function elementwiseImpl(e: Elementwise, shapes: number[][]): Impl[] {
  let outShape: number[] | null = shapes[0] ?? [];
  for (const s of shapes.slice(1)) outShape = outShape && broadcastShape(outShape, s);
  if (!outShape || shapes.length !== e.d.length) return [];
  const oShape = outShape;
  const gather = (xs: T[]) => {
    const n = size(oShape);
    const maps = xs.map((x) => broadcastIndex(oShape, x.shape));
    return { n, at: (k: number) => xs.map((x, i) => x.data[maps[i][k]]) };
  };
  return [{
    fwd(xs) {
      const { n, at } = gather(xs);
      const out = zeros(oShape);
      for (let k = 0; k < n; k++) out.data[k] = e.f(...at(k));
      return out;
    },
    vjp(xs, y, dy) {
      const { n, at } = gather(xs);
      return xs.map((x, i) => {
        const g = new Float64Array(n);
        for (let k = 0; k < n; k++) g[k] = dy.data[k] * e.d[i](...at(k), y.data[k]);
        return unbroadcast(g, oShape, x.shape);
      });
    },
    jvp(xs, y, dxs) {
      const { n, at } = gather(xs);
      const maps = dxs.map((dx) => (dx ? broadcastIndex(oShape, dx.shape) : null));
      const out = zeros(oShape);
      for (let k = 0; k < n; k++) {
        let s = 0;
        const v = at(k);
        dxs.forEach((dx, i) => {
          if (dx) s += e.d[i](...v, y.data[k]) * dx.data[maps[i]![k]];
        });
        out.data[k] = s;
      }
      return out;
    },
    kink: e.kink
      ? (xs, tol) => {
          const { n, at } = gather(xs);
          for (let k = 0; k < n; k++) if (e.kink!(tol, ...at(k))) return true;
          return false;
        }
      : undefined,
  }];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const SELU_L = 1.0507009873554805;
const SELU_A = 1.6732632423543772;
const near = (tol: number, x: number, at: number) => Math.abs(x - at) <= tol;

/** Elementwise ops by the engine's op name. Aliases map TensorFlow's kernel names to the same entry. */
const ELEMENTWISE: Record<string, Elementwise> = {
  Add: { math: 'out = {0} + {1}', local: ['∂out/∂{0} = 1', '∂out/∂{1} = 1'], f: (a, b) => a + b, d: [() => 1, () => 1] },
  Sub: { math: 'out = {0} − {1}', local: ['∂out/∂{0} = 1', '∂out/∂{1} = −1'], f: (a, b) => a - b, d: [() => 1, () => -1] },
  Mul: { math: 'out = {0}·{1}', local: ['∂out/∂{0} = {1}', '∂out/∂{1} = {0}'], f: (a, b) => a * b, d: [(_a, b) => b, (a) => a] },
  Div: { math: 'out = {0} / {1}', local: ['∂out/∂{0} = 1/{1}', '∂out/∂{1} = −{0}/{1}²'], f: (a, b) => a / b, d: [(_a, b) => 1 / b, (a, b) => -a / (b * b)] },
  Pow: {
    math: 'out = {0}^{1}', local: ['∂out/∂{0} = {1}·{0}^({1}−1)', '∂out/∂{1} = {0}^{1}·ln {0}'], f: (a, b) => Math.pow(a, b),
    d: [(a, b) => b * Math.pow(a, b - 1), (a, b, y) => (a > 0 ? y * Math.log(a) : 0)],
  },
  Maximum: {
    math: 'out = max({0}, {1})', local: ['∂out/∂{0} = 1 if {0} ≥ {1} else 0', '∂out/∂{1} = 1 if {1} > {0} else 0'], f: Math.max,
    d: [(a, b) => (a >= b ? 1 : 0), (a, b) => (b > a ? 1 : 0)], kink: (tol, a, b) => near(tol, a, b),
  },
  Minimum: {
    math: 'out = min({0}, {1})', local: ['∂out/∂{0} = 1 if {0} ≤ {1} else 0', '∂out/∂{1} = 1 if {1} < {0} else 0'], f: Math.min,
    d: [(a, b) => (a <= b ? 1 : 0), (a, b) => (b < a ? 1 : 0)], kink: (tol, a, b) => near(tol, a, b),
  },
  SquaredDifference: { math: 'out = ({0} − {1})²', local: ['∂out/∂{0} = 2({0} − {1})', '∂out/∂{1} = −2({0} − {1})'], f: (a, b) => (a - b) ** 2, d: [(a, b) => 2 * (a - b), (a, b) => -2 * (a - b)] },
  Neg: { math: 'out = −{0}', local: ['∂out/∂{0} = −1'], f: (a) => -a, d: [() => -1] },
  Abs: { math: 'out = |{0}|', local: ['∂out/∂{0} = sign({0})'], f: Math.abs, d: [(a) => Math.sign(a)], kink: (tol, a) => near(tol, a, 0) },
  Square: { math: 'out = {0}²', local: ['∂out/∂{0} = 2{0}'], f: (a) => a * a, d: [(a) => 2 * a] },
  Sqrt: { math: 'out = √{0}', local: ['∂out/∂{0} = 1/(2√{0})'], f: Math.sqrt, d: [(_a, y) => 1 / (2 * y)] },
  Rsqrt: { math: 'out = 1/√{0}', local: ['∂out/∂{0} = −½·{0}^(−3/2)'], f: (a) => 1 / Math.sqrt(a), d: [(a) => -0.5 * Math.pow(a, -1.5)] },
  Exp: { math: 'out = e^{0}', local: ['∂out/∂{0} = e^{0}'], f: Math.exp, d: [(_a, y) => y] },
  Log: { math: 'out = ln {0}', local: ['∂out/∂{0} = 1/{0}'], f: Math.log, d: [(a) => 1 / a] },
  Log1p: { math: 'out = ln(1 + {0})', local: ['∂out/∂{0} = 1/(1 + {0})'], f: Math.log1p, d: [(a) => 1 / (1 + a)] },
  Sin: { math: 'out = sin {0}', local: ['∂out/∂{0} = cos {0}'], f: Math.sin, d: [Math.cos] },
  Cos: { math: 'out = cos {0}', local: ['∂out/∂{0} = −sin {0}'], f: Math.cos, d: [(a) => -Math.sin(a)] },
  Tan: { math: 'out = tan {0}', local: ['∂out/∂{0} = 1 + tan² {0}'], f: Math.tan, d: [(_a, y) => 1 + y * y] },
  Tanh: { math: 'out = tanh {0}', local: ['∂out/∂{0} = 1 − tanh² {0}'], f: Math.tanh, d: [(_a, y) => 1 - y * y] },
  Sigmoid: { math: 'out = σ({0}) = 1/(1 + e^−{0})', local: ['∂out/∂{0} = σ({0})(1 − σ({0}))'], f: sigmoid, d: [(_a, y) => y * (1 - y)] },
  Relu: { math: 'out = max({0}, 0)', local: ['∂out/∂{0} = 1 if {0} > 0 else 0'], f: (a) => Math.max(a, 0), d: [(a) => (a > 0 ? 1 : 0)], kink: (tol, a) => near(tol, a, 0) },
  Softplus: { math: 'out = ln(1 + e^{0})', local: ['∂out/∂{0} = σ({0})'], f: (a) => (a > 30 ? a : Math.log1p(Math.exp(a))), d: [sigmoid] },
  Sign: { math: 'out = sign({0})', local: ['∂out/∂{0} = 0 (undefined at 0)'], f: Math.sign, d: [() => 0], kink: (tol, a) => near(tol, a, 0) },
  ClipByValue: {
    math: 'out = min(max({0}, {1}), {2})', local: ['∂out/∂{0} = 1 if {1} ≤ {0} ≤ {2} else 0', '∂out/∂{1} = 1 if {0} < {1} else 0', '∂out/∂{2} = 1 if {0} > {2} else 0'],
    f: (x, lo, hi) => Math.min(Math.max(x, lo), hi), d: [(x, lo, hi) => (x >= lo && x <= hi ? 1 : 0), (x, lo) => (x < lo ? 1 : 0), (x, _lo, hi) => (x > hi ? 1 : 0)],
    kink: (tol, x, lo, hi) => near(tol, x, lo) || near(tol, x, hi),
  },
  // Issue 12's elementwise activations and math (src/engine/ops/<name>.ts).
  Elu: { math: 'out = {0} if {0} > 0 else e^{0} − 1', local: ['∂out/∂{0} = 1 if {0} > 0 else out + 1'], f: (a) => (a > 0 ? a : Math.expm1(a)), d: [(a) => (a > 0 ? 1 : Math.exp(a))], kink: (tol, a) => near(tol, a, 0) },
  Selu: {
    math: 'out = λ{0} if {0} > 0 else λα(e^{0} − 1)', local: ['∂out/∂{0} = λ if {0} > 0 else out + λα'],
    f: (a) => SELU_L * (a > 0 ? a : SELU_A * Math.expm1(a)), d: [(a) => SELU_L * (a > 0 ? 1 : SELU_A * Math.exp(a))], kink: (tol, a) => near(tol, a, 0),
  },
  Relu6: {
    math: 'out = min(max({0}, 0), 6)', local: ['∂out/∂{0} = 1 if 0 < {0} < 6 else 0'], f: (a) => Math.min(Math.max(a, 0), 6),
    d: [(a) => (a > 0 && a < 6 ? 1 : 0)], kink: (tol, a) => near(tol, a, 0) || near(tol, a, 6),
  },
  Softsign: { math: 'out = {0} / (1 + |{0}|)', local: ['∂out/∂{0} = 1 / (1 + |{0}|)²'], f: (a) => a / (1 + Math.abs(a)), d: [(a) => 1 / (1 + Math.abs(a)) ** 2] },
  Reciprocal: { math: 'out = 1/{0}', local: ['∂out/∂{0} = −out²'], f: (a) => 1 / a, d: [(a) => -1 / (a * a)], kink: (tol, a) => near(tol, a, 0) },
  Identity: { math: 'out = {0}', local: ['∂out/∂{0} = 1'], f: (a) => a, d: [() => 1] },
  Cast: { math: 'out = cast({0})', local: ['∂out/∂{0} = 1 (float to float)'], f: (a) => a, d: [() => 1] },
  StopGradient: { math: 'out = {0}, gradient stopped', local: ['∂out/∂{0} := 0 (by definition)'], f: (a) => a, d: [() => 0] },
  // Inputs (labels z, logits x); TensorFlow's stable form. Smooth: the max and the |x| cancel at 0.
  SigmoidCrossEntropyWithLogits: {
    math: 'out = max({1},0) − {1}·{0} + ln(1 + e^−|{1}|)', local: ['∂out/∂{0} = −{1}', '∂out/∂{1} = σ({1}) − {0}'],
    f: (z, x) => Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x))), d: [(_z, x) => -x, (z, x) => sigmoid(x) - z],
  },
  Select: {
    math: 'out = {0} ? {1} : {2}', local: ['∂out/∂{0}: none (bool)', '∂out/∂{1} = 1 where {0}', '∂out/∂{2} = 1 where not {0}'],
    f: (c, x, y) => (c ? x : y), d: [() => 0, (c) => (c ? 1 : 0), (c) => (c ? 0 : 1)],
  },
};

const ALIASES: Record<string, string> = {
  addv2: 'Add', subtract: 'Sub', multiply: 'Mul', realdiv: 'Div', divide: 'Div', divnonan: 'Div', negative: 'Neg',
  where: 'Select', selectv2: 'Select', squareddiff: 'SquaredDifference', clip: 'ClipByValue', batchmatmul: 'MatMul',
  matmul: 'MatMul', sum: 'Sum', reducesum: 'Sum', mean: 'Mean', reducemean: 'Mean', max: 'Max', reducemax: 'Max',
  min: 'Min', reducemin: 'Min', logsumexp: 'LogSumExp', reducelogsumexp: 'LogSumExp', expanddims: 'Reshape',
  squeeze: 'Reshape', reshape: 'Reshape', broadcastto: 'BroadcastTo', transpose: 'Transpose', softmax: 'Softmax',
  logsoftmax: 'LogSoftmax', identity: 'Identity', stopgradient: 'StopGradient', concatv2: 'Concat', gatherv2: 'Gather',
  equal: 'Comparison', notequal: 'Comparison', greater: 'Comparison', greaterequal: 'Comparison', less: 'Comparison',
  lessequal: 'Comparison', argmax: 'ArgExtreme', argmin: 'ArgExtreme', stack: 'Pack', batchmatmulv2: 'MatMul',
};

/** The canonical name for an op name as recorded (`AddV2`, `add`, `Multiply` …). */
export function canonicalOp(op: string): string {
  const k = op.replace(/[^a-z0-9]/gi, '').toLowerCase();
  if (ALIASES[k]) return ALIASES[k];
  for (const name of [...Object.keys(ELEMENTWISE), ...Object.keys(OTHERS)]) if (name.toLowerCase() === k) return name;
  return op;
}

// ---------- matmul ----------
/**
 * MatMul, batched over leading dimensions that broadcast (TensorFlow's BatchMatMulV2), with the
 * four transpose combinations as candidates: the one that reproduces the output is used.
 */
function matmulImpls(shapes: number[][], outShape: number[]): Impl[] {
  const [sa, sb] = shapes;
  if (!sa || !sb || sa.length < 2 || sb.length < 2 || outShape.length < 2) return [];
  const batchA = sa.slice(0, -2), batchB = sb.slice(0, -2), batch = outShape.slice(0, -2);
  const bshape = broadcastShape(batchA, batchB);
  if (!bshape || !same(bshape, batch)) return [];
  const nb = size(batch);
  const ia = broadcastIndex(batch, batchA), ib = broadcastIndex(batch, batchB);
  const [ra, ca] = sa.slice(-2), [rb, cb] = sb.slice(-2);
  const out: Impl[] = [];
  for (const ta of [false, true])
    for (const tb of [false, true]) {
      const [m, k] = ta ? [ca, ra] : [ra, ca];
      const [k2, n] = tb ? [cb, rb] : [rb, cb];
      if (k !== k2 || m !== outShape[outShape.length - 2] || n !== outShape[outShape.length - 1]) continue;
      // Flat offsets of A[i,p] and B[p,j] inside one matrix of the batch.
      const ai = (i: number, p: number) => (ta ? p * ca + i : i * ca + p);
      const bi = (p: number, j: number) => (tb ? j * cb + p : p * cb + j);
      const mm = (a: T, b: T) => {
        const y = zeros(outShape);
        for (let t = 0; t < nb; t++) {
          const oa = ia[t] * ra * ca, ob = ib[t] * rb * cb, oy = t * m * n;
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += a.data[oa + ai(i, p)] * b.data[ob + bi(p, j)];
            y.data[oy + i * n + j] = s;
          }
        }
        return y;
      };
      const note = [batch.length ? `batched over ${batch.join('×')}` : '', ta || tb ? `transposeA=${ta}, transposeB=${tb}` : ''].filter(Boolean).join(', ');
      out.push({
        note: note || undefined,
        fwd: ([a, b]) => mm(a, b),
        vjp([a, b], _y, dy) {
          // out[t,i,j] = Σ_p A[t,i,p]·B[t,p,j]; a broadcast batch sums its contributions.
          const da = zeros(sa), db = zeros(sb);
          for (let t = 0; t < nb; t++) {
            const oa = ia[t] * ra * ca, ob = ib[t] * rb * cb, oy = t * m * n;
            for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
              const g = dy.data[oy + i * n + j];
              for (let p = 0; p < k; p++) {
                da.data[oa + ai(i, p)] += g * b.data[ob + bi(p, j)];
                db.data[ob + bi(p, j)] += g * a.data[oa + ai(i, p)];
              }
            }
          }
          return [da, db];
        },
        jvp([a, b], _y, [da, db]) {
          const y = zeros(outShape);
          if (da) y.data.set(mm(da, b).data.map((v, i) => v + y.data[i]));
          if (db) y.data.set(mm(a, db).data.map((v, i) => v + y.data[i]));
          return y;
        },
      });
    }
  return out;
}

// ---------- reductions ----------
/** Every set of axes whose reduction turns inShape into outShape (with or without keepdims). */
export function reductionAxes(inShape: number[], outShape: number[]): number[][] {
  const r = inShape.length;
  const res: number[][] = [];
  for (let mask = 1; mask < 1 << r; mask++) {
    const axes = [...Array(r).keys()].filter((i) => mask & (1 << i));
    const kept = inShape.filter((_, i) => !axes.includes(i));
    const keep = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
    if (same(kept, outShape) || same(keep, outShape)) res.push(axes);
  }
  if (r === 0 && outShape.length === 0) res.push([]);
  return res;
}
const same = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

type Reducer = 'sum' | 'mean' | 'max' | 'min' | 'lse';
function reduceImpls(kind: Reducer, shapes: number[][], outShape: number[]): Impl[] {
  const inShape = shapes[0];
  if (!inShape) return [];
  return reductionAxes(inShape, outShape).map((axes) => {
    // groups[k] = output index of input element k
    const keep = inShape.map((d, i) => (axes.includes(i) ? 1 : d));
    const map = broadcastIndex(inShape, keep);
    const count = size(inShape) / Math.max(1, size(keep));
    const fwd = (x: T): T => {
      const y = zeros(outShape);
      if (kind === 'max' || kind === 'min') y.data.fill(kind === 'max' ? -Infinity : Infinity);
      const m = kind === 'lse' ? fwdMax(x) : null;
      for (let k = 0; k < x.data.length; k++) {
        const o = map[k], v = x.data[k];
        if (kind === 'max') y.data[o] = Math.max(y.data[o], v);
        else if (kind === 'min') y.data[o] = Math.min(y.data[o], v);
        else if (kind === 'lse') y.data[o] += Math.exp(v - m!.data[o]);
        else y.data[o] += v;
      }
      for (let o = 0; o < y.data.length; o++) {
        if (kind === 'mean') y.data[o] /= count;
        if (kind === 'lse') y.data[o] = Math.log(y.data[o]) + m!.data[o];
      }
      return y;
    };
    const fwdMax = (x: T): T => {
      const y = zeros(outShape).data.fill(-Infinity);
      for (let k = 0; k < x.data.length; k++) y[map[k]] = Math.max(y[map[k]], x.data[k]);
      return { shape: outShape, data: y };
    };
    const local = (x: T, y: T, k: number): number => {
      const o = map[k];
      if (kind === 'sum') return 1;
      if (kind === 'mean') return 1 / count;
      if (kind === 'lse') return Math.exp(x.data[k] - y.data[o]);
      return x.data[k] === y.data[o] ? 1 : 0;
    };
    return {
      note: `axis ${axes.length === inShape.length ? 'all' : axes.join(', ')}`,
      fwd: ([x]) => fwd(x),
      vjp([x], y, dy) {
        const dx = zeros(inShape);
        for (let k = 0; k < dx.data.length; k++) dx.data[k] = dy.data[map[k]] * local(x, y, k);
        return [dx];
      },
      jvp([x], y, [dx]) {
        const t = zeros(outShape);
        if (dx) for (let k = 0; k < dx.data.length; k++) t.data[map[k]] += dx.data[k] * local(x, y, k);
        return t;
      },
      kink:
        kind === 'max' || kind === 'min'
          ? ([x], tol) => {
              // a tie for the extreme: the derivative jumps between the tied elements
              const y = fwd(x);
              const hits = new Int32Array(y.data.length);
              for (let k = 0; k < x.data.length; k++) if (Math.abs(x.data[k] - y.data[map[k]]) <= tol) hits[map[k]]++;
              return hits.some((h) => h > 1);
            }
          : undefined,
    };
  });
}

// ---------- reshaping and softmax ----------
const reshapeImpl = (shapes: number[][], outShape: number[]): Impl[] =>
  shapes.length >= 1 && size(shapes[0]) === size(outShape)
    ? [{
        fwd: ([x]) => ({ shape: [...outShape], data: Float64Array.from(x.data) }),
        vjp: ([x], _y, dy) => [{ shape: [...x.shape], data: Float64Array.from(dy.data) }, ...shapes.slice(1).map(() => null)],
        jvp: (_xs, _y, [dx]) => ({ shape: [...outShape], data: dx ? Float64Array.from(dx.data) : new Float64Array(size(outShape)) }),
      }]
    : [];

const broadcastToImpl = (shapes: number[][], outShape: number[]): Impl[] => {
  const s = shapes[0];
  if (!s || !broadcastShape(s, outShape) || !same(broadcastShape(s, outShape)!, outShape)) return [];
  const map = broadcastIndex(outShape, s);
  return [{
    fwd: ([x]) => ({ shape: [...outShape], data: Float64Array.from(map, (i) => x.data[i]) }),
    vjp: ([x], _y, dy) => [unbroadcast(dy.data, outShape, x.shape), ...shapes.slice(1).map(() => null)],
    jvp: (_xs, _y, [dx]) => ({ shape: [...outShape], data: dx ? Float64Array.from(map, (i) => dx.data[i]) : new Float64Array(size(outShape)) }),
  }];
};

const transposeImpl = (shapes: number[][], outShape: number[]): Impl[] => {
  const s = shapes[0];
  if (!s || s.length !== 2 || outShape[0] !== s[1] || outShape[1] !== s[0]) return [];
  const tr = (x: Float64Array, r: number, c: number) => {
    const y = new Float64Array(x.length);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) y[j * r + i] = x[i * c + j];
    return y;
  };
  return [{
    fwd: ([x]) => ({ shape: [...outShape], data: tr(x.data, s[0], s[1]) }),
    vjp: (_xs, _y, dy) => [{ shape: [...s], data: tr(dy.data, s[1], s[0]) }, ...shapes.slice(1).map(() => null)],
    jvp: (_xs, _y, [dx]) => ({ shape: [...outShape], data: dx ? tr(dx.data, s[0], s[1]) : new Float64Array(size(s)) }),
  }];
};

function softmaxImpl(log: boolean, shapes: number[][], outShape: number[]): Impl[] {
  const s = shapes[0];
  if (!s || !same(s, outShape) || !s.length) return [];
  const n = s[s.length - 1];
  const rows = size(s) / n;
  const soft = (x: Float64Array, asLog = log) => {
    const y = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) {
      let m = -Infinity, z = 0;
      for (let j = 0; j < n; j++) m = Math.max(m, x[r * n + j]);
      for (let j = 0; j < n; j++) z += Math.exp(x[r * n + j] - m);
      for (let j = 0; j < n; j++) y[r * n + j] = asLog ? x[r * n + j] - m - Math.log(z) : Math.exp(x[r * n + j] - m) / z;
    }
    return y;
  };
  // softmax: J = diag(p) − p·pᵀ (symmetric); log-softmax: J[i][j] = δij − p_j.
  const apply = (x: T, v: Float64Array, transpose: boolean) => {
    const p = soft(x.data, false);
    const out = new Float64Array(v.length);
    for (let r = 0; r < rows; r++) {
      let dot = 0, sumv = 0;
      for (let j = 0; j < n; j++) {
        dot += v[r * n + j] * p[r * n + j];
        sumv += v[r * n + j];
      }
      for (let i = 0; i < n; i++) {
        const k = r * n + i;
        out[k] = !log ? p[k] * (v[k] - dot) : transpose ? v[k] - p[k] * sumv : v[k] - dot;
      }
    }
    return out;
  };
  return [{
    note: 'last axis',
    fwd: ([x]) => ({ shape: [...s], data: soft(x.data) }),
    vjp: ([x], _y, dy) => [{ shape: [...s], data: apply(x, dy.data, true) }],
    jvp: ([x], _y, [dx]) => ({ shape: [...s], data: dx ? apply(x, dx.data, false) : new Float64Array(size(s)) }),
  }];
}

// ---------- selection: concat, stack, slice, gather, tile, pad ----------
/**
 * Ops whose every output element is one input element (or a zero): described by, for each output
 * element, which input (`src`, −1 for a padding zero) and where in it (`off`). Forward gathers,
 * the VJP scatter-adds, the JVP gathers tangents. Integer inputs (gather's indices) get no gradient.
 */
function selectionImpl(shapes: number[][], outShape: number[], src: Int32Array, off: Int32Array, note: string, enumerated?: string): Impl {
  const gather = (xs: (T | null)[]) => {
    const y = zeros(outShape);
    for (let k = 0; k < src.length; k++) {
      const x = src[k] >= 0 ? xs[src[k]] : null;
      if (x) y.data[k] = x.data[off[k]];
    }
    return y;
  };
  const used = new Set(src);
  return {
    note,
    enumerated,
    fwd: (xs) => gather(xs),
    vjp(_xs, _y, dy) {
      const out = shapes.map((sh, i) => (used.has(i) ? zeros(sh) : null));
      for (let k = 0; k < src.length; k++) if (src[k] >= 0) out[src[k]]!.data[off[k]] += dy.data[k];
      return out;
    },
    jvp: (_xs, _y, dxs) => gather(dxs),
  };
}

/** Calls f(coord, k) for every element of a shape, in row-major order. */
function eachCoord(shape: number[], f: (c: number[], k: number) => void): void {
  const n = size(shape);
  const c = new Array(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    f(c, k);
    for (let i = shape.length - 1; i >= 0; i--) {
      if (++c[i] < shape[i]) break;
      c[i] = 0;
    }
  }
}
const strides = (shape: number[]) => {
  const st = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) st[i] = st[i + 1] * shape[i + 1];
  return st;
};
const flat = (c: number[], st: number[]) => c.reduce((s, x, i) => s + x * st[i], 0);

/** Concat along the axis where the inputs' sizes add up to the output's (the axis is not in the Trace). */
function concatImpls(shapes: number[][], outShape: number[]): Impl[] {
  if (!shapes.length) return [];
  const r = outShape.length;
  const out: Impl[] = [];
  for (let axis = 0; axis < r; axis++) {
    if (!shapes.every((sh) => sh.length === r && sh.every((d, i) => i === axis || d === outShape[i]))) continue;
    if (shapes.reduce((s, sh) => s + sh[axis], 0) !== outShape[axis]) continue;
    const starts = shapes.map((_, i) => shapes.slice(0, i).reduce((s, sh) => s + sh[axis], 0));
    const sts = shapes.map(strides);
    const src = new Int32Array(size(outShape)), off = new Int32Array(size(outShape));
    eachCoord(outShape, (c, k) => {
      let i = 0;
      while (i + 1 < shapes.length && c[axis] >= starts[i + 1]) i++;
      const cc = [...c];
      cc[axis] -= starts[i];
      src[k] = i;
      off[k] = flat(cc, sts[i]);
    });
    out.push(selectionImpl(shapes, outShape, src, off, `axis ${axis}`));
  }
  return out;
}

/** Stack: the output has one more axis, of length the number of inputs; each place it fits is tried. */
function packImpls(shapes: number[][], outShape: number[]): Impl[] {
  const s0 = shapes[0];
  if (!s0 || outShape.length !== s0.length + 1 || !shapes.every((sh) => same(sh, s0))) return [];
  const out: Impl[] = [];
  const st = strides(s0);
  for (let axis = 0; axis <= s0.length; axis++) {
    if (outShape[axis] !== shapes.length || !same([...outShape.slice(0, axis), ...outShape.slice(axis + 1)], s0)) continue;
    const src = new Int32Array(size(outShape)), off = new Int32Array(size(outShape));
    eachCoord(outShape, (c, k) => {
      src[k] = c[axis];
      off[k] = flat([...c.slice(0, axis), ...c.slice(axis + 1)], st);
    });
    out.push(selectionImpl(shapes, outShape, src, off, `axis ${axis}`));
  }
  return out;
}

/** Budget of offsets tried for a slice or pad (each candidate costs one pass over the output). */
const MAX_OFFSET_CANDIDATES = 4096;

/** Every offset vector with 0 ≤ o[i] ≤ room[i], or undefined when there are too many to try. */
function offsets(room: number[]): number[][] | undefined {
  const count = room.reduce((p, r) => p * (r + 1), 1);
  if (!(count <= MAX_OFFSET_CANDIDATES)) return undefined;
  const out: number[][] = [];
  eachCoord(room.map((r) => r + 1), (c) => out.push([...c]));
  return out;
}

/** Slice: `begin` is not in the Trace, so every begin that fits the shapes is a candidate. */
function sliceImpls(shapes: number[][], outShape: number[], xs?: T[], y?: T): Impl[] {
  const s = shapes[0];
  if (!s || s.length !== outShape.length || s.some((d, i) => outShape[i] > d)) return [];
  let begins = offsets(s.map((d, i) => d - outShape[i]));
  if (!begins) return [];
  // Cheap pre-filter on the first output element, when the values are at hand.
  if (xs?.[0] && y && y.data.length) {
    const st0 = strides(s);
    begins = begins.filter((b) => sameNum(xs[0].data[flat(b, st0)], y.data[0]));
  }
  const st = strides(s);
  return begins.map((b) => {
    const src = new Int32Array(size(outShape)), off = new Int32Array(size(outShape));
    eachCoord(outShape, (c, k) => (off[k] = flat(c.map((x, i) => x + b[i]), st)));
    return selectionImpl(shapes, outShape, src, off, `begin [${b.join(', ')}], size [${outShape.join(', ')}]`, 'begin');
  });
}

/** Pad with zeros: the amount before each axis is not in the Trace, so every split is a candidate. */
function padImpls(shapes: number[][], outShape: number[]): Impl[] {
  const s = shapes[0];
  if (!s || s.length !== outShape.length || s.some((d, i) => outShape[i] < d)) return [];
  const befores = offsets(s.map((d, i) => outShape[i] - d));
  if (!befores) return [];
  const st = strides(s);
  return befores.map((b) => {
    const src = new Int32Array(size(outShape)).fill(-1), off = new Int32Array(size(outShape));
    eachCoord(outShape, (c, k) => {
      const ci = c.map((x, i) => x - b[i]);
      if (ci.every((x, i) => x >= 0 && x < s[i])) {
        src[k] = 0;
        off[k] = flat(ci, st);
      }
    });
    return selectionImpl(shapes, outShape, src, off, `paddings [${b.map((x, i) => `[${x}, ${outShape[i] - s[i] - x}]`).join(', ')}]`, 'paddings');
  });
}

/** Tile: the multiples are the output's sizes over the input's. */
function tileImpls(shapes: number[][], outShape: number[]): Impl[] {
  const s = shapes[0];
  if (!s || s.length !== outShape.length || s.some((d, i) => d === 0 || outShape[i] % d !== 0)) return [];
  const st = strides(s);
  const src = new Int32Array(size(outShape)), off = new Int32Array(size(outShape));
  eachCoord(outShape, (c, k) => (off[k] = flat(c.map((x, i) => x % s[i]), st)));
  return [selectionImpl(shapes, outShape, src, off, `multiples [${outShape.map((d, i) => d / s[i]).join(', ')}]`)];
}

/** Gather: the indices are an input (their values are in the Trace); each axis that fits the shapes is tried. */
function gatherImpls(shapes: number[][], outShape: number[], xs?: T[]): Impl[] {
  const [s, si] = shapes;
  const idx = xs?.[1];
  if (!s || !si || !idx) return [];
  const out: Impl[] = [];
  for (let axis = 0; axis < s.length; axis++) {
    if (!same([...s.slice(0, axis), ...si, ...s.slice(axis + 1)], outShape)) continue;
    const dim = s[axis];
    if (idx.data.some((v) => !Number.isInteger(v) || v < 0 || v >= dim)) continue;
    const outer = size(s.slice(0, axis)), inner = size(s.slice(axis + 1));
    const src = new Int32Array(size(outShape)), off = new Int32Array(size(outShape));
    let k = 0;
    for (let o = 0; o < outer; o++)
      for (let j = 0; j < idx.data.length; j++)
        for (let i = 0; i < inner; i++) off[k++] = (o * dim + idx.data[j]) * inner + i;
    out.push(selectionImpl(shapes, outShape, src, off, `axis ${axis}`));
  }
  return out;
}

const sameNum = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-6 + 2e-4 * Math.max(Math.abs(a), Math.abs(b));

/**
 * Softmax cross-entropy over the last axis, inputs (labels, logits): out_r = −Σ_j labels_rj·logsoftmax(logits)_rj.
 * ∂/∂labels = −logsoftmax(logits); ∂/∂logits = softmax(logits)·Σ_j labels_rj − labels (the true derivative,
 * which is TensorFlow's softmax − labels when the labels sum to 1).
 */
function softmaxXentImpls(shapes: number[][], outShape: number[]): Impl[] {
  const [sl, sx] = shapes;
  if (!sl || !sx || !same(sl, sx) || !sx.length || !same(sx.slice(0, -1), outShape)) return [];
  const n = sx[sx.length - 1];
  const rows = size(outShape);
  const logsm = (x: Float64Array) => {
    const out = new Float64Array(x.length);
    for (let r = 0; r < rows; r++) {
      let m = -Infinity, z = 0;
      for (let j = 0; j < n; j++) m = Math.max(m, x[r * n + j]);
      for (let j = 0; j < n; j++) z += Math.exp(x[r * n + j] - m);
      for (let j = 0; j < n; j++) out[r * n + j] = x[r * n + j] - m - Math.log(z);
    }
    return out;
  };
  const partials = (l: T, x: T) => {
    const ls = logsm(x.data);
    const dl = ls.map((v) => -v);
    const dx = new Float64Array(ls.length);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += l.data[r * n + j];
      for (let j = 0; j < n; j++) dx[r * n + j] = Math.exp(ls[r * n + j]) * sum - l.data[r * n + j];
    }
    return { ls, dl, dx };
  };
  return [{
    note: 'last axis',
    fwd([l, x]) {
      const ls = logsm(x.data);
      const y = zeros(outShape);
      for (let r = 0; r < rows; r++) for (let j = 0; j < n; j++) y.data[r] -= l.data[r * n + j] * ls[r * n + j];
      return y;
    },
    vjp([l, x], _y, dy) {
      const { dl, dx } = partials(l, x);
      for (let k = 0; k < dl.length; k++) {
        dl[k] *= dy.data[Math.floor(k / n)];
        dx[k] *= dy.data[Math.floor(k / n)];
      }
      return [{ shape: [...sl], data: dl }, { shape: [...sx], data: dx }];
    },
    jvp([l, x], _y, [tl, tx]) {
      const { dl, dx } = partials(l, x);
      const y = zeros(outShape);
      for (let k = 0; k < dl.length; k++) y.data[Math.floor(k / n)] += (tl ? dl[k] * tl.data[k] : 0) + (tx ? dx[k] * tx.data[k] : 0);
      return y;
    },
  }];
}

const OTHERS: Record<string, OpInfo> = {
  MatMul: { math: 'out = {0}·{1} (matrix product)', local: ['∂L/∂{0} = ∂L/∂out · {1}ᵀ', '∂L/∂{1} = {0}ᵀ · ∂L/∂out'], impls: matmulImpls },
  Sum: { math: 'out = Σ {0}', local: ['∂out/∂{0} = 1 (broadcast back over the summed axes)'], impls: (s, o) => reduceImpls('sum', s, o) },
  Mean: { math: 'out = (1/n) Σ {0}', local: ['∂out/∂{0} = 1/n'], impls: (s, o) => reduceImpls('mean', s, o) },
  Max: { math: 'out = max {0}', local: ['∂out/∂{0} = 1 at the maximum, 0 elsewhere'], impls: (s, o) => reduceImpls('max', s, o) },
  Min: { math: 'out = min {0}', local: ['∂out/∂{0} = 1 at the minimum, 0 elsewhere'], impls: (s, o) => reduceImpls('min', s, o) },
  LogSumExp: { math: 'out = ln Σ e^{0}', local: ['∂out/∂{0} = softmax({0})'], impls: (s, o) => reduceImpls('lse', s, o) },
  Reshape: { math: 'out = reshape({0})', local: ['∂L/∂{0} = reshape(∂L/∂out, shape of {0})'], impls: reshapeImpl },
  BroadcastTo: { math: 'out = broadcast({0})', local: ['∂L/∂{0} = Σ over broadcast axes of ∂L/∂out'], impls: broadcastToImpl },
  Tile: { math: 'out = tile({0})', local: ['∂L/∂{0} = Σ over the tiles of ∂L/∂out'], impls: tileImpls },
  Transpose: { math: 'out = {0}ᵀ', local: ['∂L/∂{0} = (∂L/∂out)ᵀ (inverse permutation)'], impls: transposeImpl },
  Softmax: { math: 'out_i = e^{0}_i / Σ_j e^{0}_j', local: ['∂out_i/∂{0}_j = out_i(δij − out_j)'], impls: (s, o) => softmaxImpl(false, s, o) },
  LogSoftmax: { math: 'out_i = {0}_i − ln Σ_j e^{0}_j', local: ['∂out_i/∂{0}_j = δij − softmax({0})_j'], impls: (s, o) => softmaxImpl(true, s, o) },
  Concat: { math: 'out = concat({0}, …)', local: ['∂L/∂{0} = the slice of ∂L/∂out where {0} sits'], impls: concatImpls },
  Pack: { math: 'out = stack({0}, …)', local: ['∂L/∂{0} = the slice of ∂L/∂out where {0} sits'], impls: packImpls },
  Slice: { math: 'out = {0}[begin : begin + size]', local: ['∂L/∂{0} = ∂L/∂out padded with zeros'], impls: sliceImpls },
  Gather: { math: 'out = {0}[{1}]', local: ['∂L/∂{0} = scatter-add of ∂L/∂out at {1}', '∂out/∂{1}: none (integer)'], impls: (s, o, xs) => gatherImpls(s, o, xs) },
  OneHot: { math: 'out = onehot({0})', local: ['none (integer input)'], impls: () => [] },
  SoftmaxCrossEntropyWithLogits: { math: 'out = −Σ {0} · log softmax({1})', local: ['∂out/∂{0} = −log softmax({1})', '∂out/∂{1} = softmax({1})·Σ{0} − {0} (softmax({1}) − {0} when {0} sums to 1)'], impls: softmaxXentImpls },
  Pad: { math: 'out = pad({0})', local: ['∂L/∂{0} = the slice of ∂L/∂out inside the padding'], impls: padImpls },
  GatherGrad: { math: 'out = scatter-add of {0} at the gathered indices', local: ['∂L/∂{0} = gather(∂L/∂out)'], impls: () => [] },
  Comparison: { math: 'out = compare({0}, {1}) (bool)', local: ['none: a bool output carries no gradient'], impls: () => [] },
  ArgExtreme: { math: 'out = index of the extreme of {0} (int32)', local: ['none: an integer output carries no gradient'], impls: () => [] },
  // Issue 12: ops whose attributes the Trace does not carry (or with no gradient): math and derivative only.
  LeakyRelu: { math: 'out = {0} if {0} > 0 else α·{0}', local: ['∂out/∂{0} = 1 if {0} > 0 else α'], impls: () => [] },
  Erf: { math: 'out = erf({0}) = 2/√π ∫₀^{0} e^(−t²) dt', local: ['∂out/∂{0} = 2/√π · e^(−{0}²)'], impls: () => [] },
  Floor: { math: 'out = ⌊{0}⌋', local: ['none: piecewise constant (TensorFlow gives None)'], impls: () => [] },
  Ceil: { math: 'out = ⌈{0}⌉', local: ['none: piecewise constant (TensorFlow gives None)'], impls: () => [] },
  Round: { math: 'out = round({0}) (halves to even)', local: ['none: piecewise constant (TensorFlow gives None)'], impls: () => [] },
  FloorDiv: { math: 'out = ⌊{0} / {1}⌋', local: ['none: piecewise constant (TensorFlow gives None)'], impls: () => [] },
  FloorMod: { math: 'out = {0} − ⌊{0}/{1}⌋·{1}', local: ['∂out/∂{0} = 1', '∂out/∂{1} = −⌊{0}/{1}⌋'], impls: () => [] },
  Xlogy: { math: 'out = {0}·ln {1} (0 where {0} = 0)', local: ['∂out/∂{0} = ln {1} (0 where {0} = 0)', '∂out/∂{1} = {0}/{1} (0 where {0} = 0)'], impls: () => [] },
  Cumsum: { math: 'out_i = Σ_{j ≤ i} {0}_j', local: ['∂L/∂{0} = cumsum of ∂L/∂out in the other direction'], impls: () => [] },
  Cumprod: { math: 'out_i = Π_{j ≤ i} {0}_j', local: ['∂L/∂{0} = cumsum(out·∂L/∂out, the other way) / {0}'], impls: () => [] },
  Prod: { math: 'out = Π {0}', local: ['∂out/∂{0}_i = Π_{j≠i} {0}_j'], impls: () => [] },
  StridedSlice: { math: 'out = {0}[begin:end:strides] (TensorFlow\'s masks)', local: ['∂L/∂{0} = ∂L/∂out scattered back, zeros elsewhere'], impls: () => [] },
  StridedSliceGrad: { math: 'out = zeros with {0} at the sliced positions', local: ['∂L/∂{0} = the strided slice of ∂L/∂out'], impls: () => [] },
  GatherNd: { math: 'out = {0}[{1}] (index tuples)', local: ['∂L/∂{0} = scatter-add of ∂L/∂out at {1}', '∂out/∂{1}: none (integer)'], impls: () => [] },
  GatherNdGrad: { math: 'out = scatter-add of {0} at {1}', local: ['∂L/∂{0} = gatherNd(∂L/∂out, {1})', '∂out/∂{1}: none (integer)'], impls: () => [] },
  L2Loss: { math: 'out = Σ {0}² / 2', local: ['∂out/∂{0} = {0}'], impls: () => [] },
  TopKV2: { math: 'out = positions of the k largest of {0} (int32)', local: ['none: an integer output carries no gradient'], impls: () => [] },
  CustomGradient: {
    math: 'out = f(…) with a user-defined gradient', local: ['given by the user’s gradFn'], impls: () => [],
    unavailable: 'a user-defined gradient (tf.customGradient) cannot be re-derived: the trace keeps f’s result, not f, and the gradient is whatever gradFn says',
  },
};

/** Everything the panel knows about an op, or undefined for an op it has no entry for. */
export function opInfo(op: string): OpInfo | undefined {
  const name = canonicalOp(op);
  const e = ELEMENTWISE[name];
  if (e) return { math: e.math, local: e.local, impls: (shapes) => elementwiseImpl(e, shapes) };
  return OTHERS[name];
}

/** Every op name the table covers (for docs and the tests that walk the table). */
export const KNOWN_OPS = [...Object.keys(ELEMENTWISE), ...Object.keys(OTHERS)];

/** Fills `{0}`, `{1}` … with the input names recorded for the node. */
export function fillNames(text: string, names: string[]): string {
  return text.replace(/\{(\d)\}/g, (_m, i) => names[Number(i)] ?? `x${i}`);
}
