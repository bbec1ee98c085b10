/**
 * tf.einsum as a composition of recorded ops (diagonal gathers, reductions, transposes, reshapes,
 * broadcasts and batched matmuls), contracting operands left to right as TensorFlow's Python
 * einsum does for more than two: its gradient, second derivatives and forward mode are those ops'.
 */
import { InvalidArgumentError } from '../errors';
import { shapeText } from '../shape';
import { Tensor, type TensorLike } from '../tensor';
import { broadcastTo } from './broadcastTo';
import { gather } from './gather';
import { convertAll } from './helpers';
import { matmul } from './matmul';
import { reduceSum } from './reduceSum';
import { reshape } from './reshape';
import { transpose } from './transpose';

const OP = 'Einsum';

/** An operand with one label per axis (ellipsis axes get labels of their own, below 'A'). */
interface Labeled {
  t: Tensor;
  labels: string[];
}

/** Labels for broadcast (ellipsis) axes: characters no subscript can use, right-aligned across operands. */
const ellipsisLabel = (j: number): string => String.fromCharCode(1 + j);
const isEllipsisLabel = (l: string): boolean => l.charCodeAt(0) < 32;

function parseTerm(term: string, equation: string): { labels: string[]; ellipsis: number } {
  const labels: string[] = [];
  let ellipsis = -1;
  for (let i = 0; i < term.length; i++) {
    if (term.startsWith('...', i)) {
      if (ellipsis >= 0) throw new InvalidArgumentError(`Expected at most one ellipsis (...), but found more than one in subscript: ${term} of einsum equation: ${equation}`, OP);
      ellipsis = labels.length;
      i += 2;
    } else if (/[a-zA-Z]/.test(term[i])) labels.push(term[i]);
    else throw new InvalidArgumentError(`Invalid character '${term[i]}' in einsum equation: ${equation} (subscripts are letters and '...')`, OP);
  }
  return { labels, ellipsis };
}

/** x with its axes in `perm` order, or x itself when that is the order it has. */
function permute(x: Tensor, perm: number[]): Tensor {
  return perm.every((p, i) => p === i) ? x : transpose(x, perm);
}

function reshaped(x: Tensor, shape: number[]): Tensor {
  return shape.length === x.rank && shape.every((d, i) => d === x.shape[i]) ? x : reshape(x, shape);
}

/** The diagonal over two axes labelled alike: they become one axis, at the end. */
function diagonal(op: Labeled, p: number, q: number): Labeled {
  const others = op.labels.map((_, i) => i).filter((i) => i !== p && i !== q);
  const d = op.t.shape[p];
  const moved = permute(op.t, [...others, p, q]);
  const flat = reshape(moved, [...others.map((i) => op.t.shape[i]), d * d]);
  const onDiagonal = new Tensor(Int32Array.from({ length: d }, (_, i) => i * (d + 1)), [d], 'int32');
  return { t: gather(flat, onDiagonal, flat.rank - 1), labels: [...others.map((i) => op.labels[i]), op.labels[p]] };
}

/** Sums the axes whose labels `keep` does not list. */
function sumOut(op: Labeled, keep: Set<string>): Labeled {
  const axes = op.labels.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return op;
  return { t: reduceSum(op.t, axes), labels: op.labels.filter((l) => keep.has(l)) };
}

/** a·b over their shared labels: those still needed later are batch axes, the rest are contracted. */
function contract(a: Labeled, b: Labeled, later: Set<string>, size: Map<string, number>): Labeled {
  const inB = new Set(b.labels);
  const inA = new Set(a.labels);
  const batch = a.labels.filter((l) => inB.has(l) && later.has(l));
  const summed = a.labels.filter((l) => inB.has(l) && !later.has(l));
  const freeA = a.labels.filter((l) => !inB.has(l));
  const freeB = b.labels.filter((l) => !inA.has(l));
  const n = (ls: string[]): number => ls.reduce((p, l) => p * size.get(l)!, 1);
  const at = (op: Labeled, ls: string[]): number[] => ls.map((l) => op.labels.indexOf(l));
  const lead = batch.length ? [n(batch)] : [];
  const am = reshaped(permute(a.t, at(a, [...batch, ...freeA, ...summed])), [...lead, n(freeA), n(summed)]);
  const bm = reshaped(permute(b.t, at(b, [...batch, ...summed, ...freeB])), [...lead, n(summed), n(freeB)]);
  const labels = [...batch, ...freeA, ...freeB];
  return { t: reshaped(matmul(am, bm), labels.map((l) => size.get(l)!)), labels };
}

/**
 * tf.einsum(equation, ...xs): Einstein summation, as TensorFlow's (`'ij,jk->ik'`, `'bhqd,bhkd->bhqk'`,
 * `'...ij->...ji'`, `'ii->i'`, implicit output `'ij,jk'`), for any number of operands.
 */
export function einsum(equation: string, ...xs: TensorLike[]): Tensor {
  const eq = equation.replace(/\s/g, '');
  const sides = eq.split('->');
  if (sides.length > 2) throw new InvalidArgumentError(`Expecting exactly one '->' in einsum equation: ${equation}`, OP);
  const terms = sides[0].split(',');
  if (terms.length !== xs.length) throw new InvalidArgumentError(`Got ${xs.length} arguments for equation "${equation}", expecting ${terms.length}`, OP);
  const ts = convertAll(xs);
  const parsed = terms.map((t) => parseTerm(t, equation));
  // Ellipsis axes: as many as the input with the most, right-aligned (NumPy broadcasting).
  let ellipsisRank = 0;
  parsed.forEach((p, i) => {
    const rank = ts[i].rank;
    if (p.ellipsis < 0 ? rank !== p.labels.length : rank < p.labels.length) {
      throw new InvalidArgumentError(`Expected input ${i} to have rank ${p.labels.length}${p.ellipsis < 0 ? '' : ' or more'} but got: ${rank}`, OP);
    }
    ellipsisRank = Math.max(ellipsisRank, rank - p.labels.length);
  });
  const ops: Labeled[] = parsed.map((p, i) => {
    if (p.ellipsis < 0) return { t: ts[i], labels: p.labels };
    const e = ts[i].rank - p.labels.length;
    const ell = Array.from({ length: e }, (_, j) => ellipsisLabel(ellipsisRank - e + j));
    return { t: ts[i], labels: [...p.labels.slice(0, p.ellipsis), ...ell, ...p.labels.slice(p.ellipsis)] };
  });
  // Every label's size: named labels must agree; ellipsis axes broadcast from 1.
  const size = new Map<string, number>();
  ops.forEach((op, i) => op.labels.forEach((l, ax) => {
    const d = op.t.shape[ax];
    const seen = size.get(l);
    if (seen === undefined || (isEllipsisLabel(l) && seen === 1)) size.set(l, d);
    else if (d !== seen && !(isEllipsisLabel(l) && d === 1)) {
      throw new InvalidArgumentError(`Expected dimension ${seen} at axis ${ax} of input ${i} shaped ${shapeText(op.t.shape)} but got dimension ${d}`, OP);
    }
  }));
  const allEllipsis = Array.from({ length: ellipsisRank }, (_, j) => ellipsisLabel(j));
  let output: string[];
  if (sides.length === 2) {
    const out = parseTerm(sides[1], equation);
    output = out.ellipsis < 0 ? out.labels : [...out.labels.slice(0, out.ellipsis), ...allEllipsis, ...out.labels.slice(out.ellipsis)];
    for (const l of out.labels) {
      if (!size.has(l)) throw new InvalidArgumentError(`Output subscript contains a label '${l}' that does not appear in the inputs of einsum equation: ${equation}`, OP);
      if (out.labels.indexOf(l) !== out.labels.lastIndexOf(l)) throw new InvalidArgumentError(`Output subscript contains repeated label '${l}' in einsum equation: ${equation}`, OP);
    }
  } else {
    // Implicit output: the broadcast axes, then the labels that appear once, in alphabetical order.
    const count = new Map<string, number>();
    for (const p of parsed) for (const l of p.labels) count.set(l, (count.get(l) ?? 0) + 1);
    output = [...allEllipsis, ...[...count].filter(([, c]) => c === 1).map(([l]) => l).sort()];
  }
  // Each operand alone: diagonals of repeated labels, stretched ellipsis axes, labels no one else needs summed.
  const prepared = ops.map((op, i) => {
    let cur = op;
    for (let p = 0; p < cur.labels.length; p++) {
      const q = cur.labels.indexOf(cur.labels[p], p + 1);
      if (q >= 0) {
        cur = diagonal(cur, p, q);
        p = -1;
      }
    }
    const full = cur.labels.map((l) => size.get(l)!);
    if (full.some((d, ax) => d !== cur.t.shape[ax])) cur = { t: broadcastTo(cur.t, full), labels: cur.labels };
    const elsewhere = new Set([...output, ...ops.flatMap((o, j) => (j === i ? [] : o.labels))]);
    return sumOut(cur, elsewhere);
  });
  let acc = prepared[0];
  for (let k = 1; k < prepared.length; k++) {
    const later = new Set([...output, ...prepared.slice(k + 1).flatMap((o) => o.labels)]);
    acc = contract(acc, prepared[k], later, size);
  }
  acc = sumOut(acc, new Set(output));
  return permute(acc.t, output.map((l) => acc.labels.indexOf(l)));
}
