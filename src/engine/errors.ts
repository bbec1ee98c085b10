/**
 * TensorFlow-like error classes (`tf.errors.*`). Messages follow TensorFlow's text and end
 * with `[Op:Name]`, as TensorFlow's eager errors do, so users can search them.
 */

/** Base of errors raised while running an op (TensorFlow's `tf.errors.OpError`). */
export class OpError extends Error {
  /** The op that failed, when one did (`MatMul`, `Add`, ...). */
  readonly op: string | undefined;
  constructor(message: string, op?: string) {
    super(op ? `${message} [Op:${op}]` : message);
    this.op = op;
    this.name = 'OpError';
  }
}

/** Bad shapes or values given to an op (TensorFlow's `InvalidArgumentError`). */
export class InvalidArgumentError extends OpError {
  constructor(message: string, op?: string) {
    super(message, op);
    this.name = 'InvalidArgumentError';
  }
}

/** Misuse of the tape (TensorFlow raises Python's `RuntimeError` for these). */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** A gradient rule is missing (TensorFlow raises Python's `LookupError`). */
export class LookupError extends Error {
  readonly op: string;
  constructor(message: string, op: string) {
    super(message);
    this.op = op;
    this.name = 'LookupError';
  }
}

export const errors = { OpError, InvalidArgumentError, RuntimeError, LookupError };

/** A bad argument in words, for messages: `the string "a"`, `null`, `an object {…}`, `2.5`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  if (typeof v === 'bigint') return `the BigInt ${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  const name = (v as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : `an object {${Object.keys(v).slice(0, 5).join(', ')}}`;
}
