"""The numpy subset tape code uses (docs/python.md): arrays of float64/float32/int64/bool held as flat
Python lists, broadcasting arithmetic, reductions, a few constructors and numpy.random, printed as
numpy prints (the engine's formatter, the same one TF's tensor repr uses)."""
import builtins as _b
import math as _math
from operator import index as _operator_index
import random as _random
import struct as _struct

import _gradtape as _bridge
from pyodide.ffi import to_js as _to_js

__version__ = "1.26.4-gradtape"


class dtype:
    def __init__(self, name):
        name = getattr(name, "name", name)
        name = {"float": "float64", "int": "int64", "bool_": "bool", "double": "float64", "int32": "int32"}.get(name, name)
        if isinstance(name, type):
            name = {_b.float: "float64", _b.int: "int64", _b.bool: "bool"}.get(name, "float64")
        self.name = name

    def __repr__(self):
        return f"dtype('{self.name}')"

    __str__ = lambda self: self.name  # noqa: E731

    def __eq__(self, other):
        try:
            return self.name == dtype(other).name
        except Exception:
            return False

    def __hash__(self):
        return hash(self.name)

    @property
    def kind(self):
        return {"float32": "f", "float64": "f", "int32": "i", "int64": "i", "bool": "b"}[self.name]


class _ScalarType:
    def __init__(self, name):
        self.name = name
        self.__name__ = name

    def __call__(self, v=0):
        return _scalar(_cast_value(float(v) if self.name.startswith("float") else v, self.name), self.name)

    def __repr__(self):
        return f"<class 'numpy.{self.name}'>"

    def __eq__(self, other):
        return dtype(self).name == dtype(other).name if other is not None else False

    def __hash__(self):
        return hash(self.name)


float32 = _ScalarType("float32")
float64 = _ScalarType("float64")
int32 = _ScalarType("int32")
int64 = _ScalarType("int64")
bool_ = _ScalarType("bool")
float_ = float64
newaxis = None
pi = _math.pi
e = _math.e
inf = _math.inf
nan = _math.nan


def _f32(v):
    return _struct.unpack("f", _struct.pack("f", v))[0]


def _cast_value(v, name):
    if name == "float32":
        return _f32(float(v))
    if name == "float64":
        return float(v)
    if name == "bool":
        return _b.bool(v)
    return int(v)


def _scalar(v, name):
    """A numpy scalar: a 0-d array (prints as numpy's scalar repr)."""
    return ndarray._make([v], (), name)


def _result_dtype(a, b):
    order = ["bool", "int32", "int64", "float32", "float64"]
    return a if order.index(a) >= order.index(b) else b


def _infer(values):
    kinds = set(type(v) for v in values)
    if not values:
        return "float64"
    if kinds <= {_b.bool}:
        return "bool"
    if kinds <= {_b.bool, _b.int}:
        return "int64"
    return "float64"


def _flatten(obj):
    """Nested lists → (flat values, shape)."""
    if isinstance(obj, ndarray):
        return list(obj._data), obj._shape
    if hasattr(obj, "numpy") and hasattr(obj, "_t"):
        a = obj.numpy()
        return list(a._data), a._shape
    if isinstance(obj, (list, tuple)):
        if not obj:
            return [], (0,)
        parts = [_flatten(o) for o in obj]
        shape0 = parts[0][1]
        if any(p[1] != shape0 for p in parts):
            raise ValueError("setting an array element with a sequence. The requested array has an inhomogeneous shape")
        return [v for p in parts for v in p[0]], (len(obj),) + shape0
    return [obj], ()


class ndarray:
    __array_priority__ = 0

    @staticmethod
    def _make(data, shape, name):
        a = ndarray.__new__(ndarray)
        a._data = data
        a._shape = tuple(shape)
        a._dtype = name
        return a

    @property
    def shape(self):
        return self._shape

    @property
    def ndim(self):
        return len(self._shape)

    @property
    def size(self):
        return len(self._data)

    @property
    def dtype(self):
        return dtype(self._dtype)

    @property
    def T(self):
        return transpose(self)

    def tolist(self):
        if not self._shape:
            return self._data[0]

        def build(offset, axis):
            n = self._shape[axis]
            if axis == len(self._shape) - 1:
                return list(self._data[offset:offset + n])
            step = 1
            for d in self._shape[axis + 1:]:
                step *= d
            return [build(offset + i * step, axis + 1) for i in _b.range(n)]

        return build(0, 0)

    def item(self):
        if len(self._data) != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._data[0]

    def astype(self, t):
        name = dtype(t).name
        return ndarray._make([_cast_value(v, name) for v in self._data], self._shape, name)

    def copy(self):
        return ndarray._make(list(self._data), self._shape, self._dtype)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        if -1 in shape:
            known = 1
            for d in shape:
                if d != -1:
                    known *= d
            shape = tuple(len(self._data) // known if d == -1 else d for d in shape)
        n = 1
        for d in shape:
            n *= d
        if n != len(self._data):
            raise ValueError(f"cannot reshape array of size {len(self._data)} into shape {tuple(shape)}")
        return ndarray._make(self._data, shape, self._dtype)

    def flatten(self):
        return ndarray._make(list(self._data), (len(self._data),), self._dtype)

    ravel = flatten

    def sum(self, axis=None, keepdims=False):
        return sum(self, axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return mean(self, axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return max(self, axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return min(self, axis, keepdims=keepdims)

    def argmax(self, axis=None):
        return argmax(self, axis)

    def dot(self, other):
        return dot(self, other)

    def __len__(self):
        if not self._shape:
            raise TypeError("len() of unsized object")
        return self._shape[0]

    def __iter__(self):
        if not self._shape:
            raise TypeError("iteration over a 0-d array")
        for i in _b.range(self._shape[0]):
            yield self[i]

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        if any(isinstance(k, ndarray) for k in key):
            k = key[0]
            if k._dtype == "bool":
                return ndarray._make([v for v, m in zip(self._data, k._data) if m], (sum(k)._data[0],), self._dtype)
            return array([self[int(i)] for i in k._data])
        shape = list(self._shape)
        strides = [1] * len(shape)
        for i in _b.range(len(shape) - 2, -1, -1):
            strides[i] = strides[i + 1] * shape[i + 1]
        if Ellipsis in key:
            i = key.index(Ellipsis)
            fill = len(shape) - (len([k for k in key if k is not None]) - 1)
            key = key[:i] + (slice(None),) * fill + key[i + 1:]
        ranges, out_shape, axis = [], [], 0
        for k in key:
            if k is None:
                out_shape.append(1)
                continue
            n = shape[axis]
            if isinstance(k, slice):
                idx = list(_b.range(*k.indices(n)))
                ranges.append((idx, strides[axis]))
                out_shape.append(len(idx))
            else:
                k = int(k)
                if not -n <= k < n:
                    raise IndexError(f"index {k} is out of bounds for axis {axis} with size {n}")
                ranges.append(([k % n], strides[axis]))
            axis += 1
        for a in _b.range(axis, len(shape)):
            ranges.append((list(_b.range(shape[a])), strides[a]))
            out_shape.append(shape[a])
        offsets = [0]
        for idx, st in ranges:
            offsets = [o + i * st for o in offsets for i in idx]
        return ndarray._make([self._data[o] for o in offsets], out_shape, self._dtype)

    def __setitem__(self, key, value):
        if isinstance(key, int) and len(self._shape) == 1:
            self._data[key] = _cast_value(value, self._dtype)
            return
        target = self[key]
        flat, _ = _flatten(value)
        positions = ndarray._make(list(_b.range(len(self._data))), self._shape, "int64")[key]
        vals = flat * (len(positions._data) // _b.max(1, len(flat)))
        for p, v in zip(positions._data, vals):
            self._data[p] = _cast_value(v, self._dtype)
        del target

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        return int(self.item())

    def __bool__(self):
        if len(self._data) != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()")
        return _b.bool(self._data[0])

    def __round__(self, n=0):
        return round(self.item(), n)

    def __format__(self, spec):
        if not self._shape:
            return format(self._data[0], spec)
        return format(str(self), spec)

    def __repr__(self):
        if not self._shape:
            return _bridge.arrayText(_to_js(self._data), _to_js([]), _fmt_dtype(self._dtype), True)
        text = _bridge.arrayText(_to_js(self._data), _to_js(list(self._shape)), _fmt_dtype(self._dtype), True)
        if self._dtype == "int64":
            text = text.replace(", dtype=int32)", ")").replace("\n      dtype=int32)", ")")
        return text

    def __str__(self):
        return _bridge.arrayText(_to_js(self._data), _to_js(list(self._shape)), _fmt_dtype(self._dtype), False)

    def __neg__(self):
        return _unary(self, lambda v: -v)

    def __abs__(self):
        return _unary(self, _b.abs)

    def __add__(self, o):
        return _binop(self, o, lambda a, b: a + b)

    def __radd__(self, o):
        return _binop(o, self, lambda a, b: a + b)

    def __sub__(self, o):
        return _binop(self, o, lambda a, b: a - b)

    def __rsub__(self, o):
        return _binop(o, self, lambda a, b: a - b)

    def __mul__(self, o):
        return _binop(self, o, lambda a, b: a * b)

    def __rmul__(self, o):
        return _binop(o, self, lambda a, b: a * b)

    def __truediv__(self, o):
        return _binop(self, o, _div, floating=True)

    def __rtruediv__(self, o):
        return _binop(o, self, _div, floating=True)

    def __floordiv__(self, o):
        return _binop(self, o, lambda a, b: a // b)

    def __mod__(self, o):
        return _binop(self, o, lambda a, b: a % b)

    def __pow__(self, o):
        return _binop(self, o, lambda a, b: a ** b)

    def __rpow__(self, o):
        return _binop(o, self, lambda a, b: a ** b)

    def __matmul__(self, o):
        return matmul(self, o)

    def __lt__(self, o):
        return _binop(self, o, lambda a, b: a < b, out="bool")

    def __le__(self, o):
        return _binop(self, o, lambda a, b: a <= b, out="bool")

    def __gt__(self, o):
        return _binop(self, o, lambda a, b: a > b, out="bool")

    def __ge__(self, o):
        return _binop(self, o, lambda a, b: a >= b, out="bool")

    def __eq__(self, o):
        return _binop(self, o, lambda a, b: a == b, out="bool")

    def __ne__(self, o):
        return _binop(self, o, lambda a, b: a != b, out="bool")

    __hash__ = None

    def any(self):
        return _b.any(self._data)

    def all(self):
        return _b.all(self._data)


def _fmt_dtype(name):
    return "int32" if name == "int64" else name


def _div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return nan
        return inf if a > 0 else -inf


def _from_tensor(t):
    """A tensor's values as an ndarray (`t.numpy()`): the values leave the engine."""
    data = list(t.dataSync().to_py().tolist()) if t.size else []
    name = t.dtype
    if name == "bool":
        data = [_b.bool(v) for v in data]
    elif name == "int32":
        data = [int(v) for v in data]
    return ndarray._make(data, tuple(t.shape), name)


def _as(x):
    if isinstance(x, ndarray):
        return x
    return asarray(x)


def _broadcast_shapes(a, b):
    n = _b.max(len(a), len(b))
    a = (1,) * (n - len(a)) + tuple(a)
    b = (1,) * (n - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and x != 1 and y != 1:
            raise ValueError(f"operands could not be broadcast together with shapes {a} {b}")
        out.append(_b.max(x, y))
    return tuple(out)


def _broadcast_index(shape, out_shape):
    """Flat index into `shape` for every flat position of `out_shape`."""
    n = len(out_shape)
    shape = (1,) * (n - len(shape)) + tuple(shape)
    strides = [0] * n
    acc = 1
    for i in _b.range(n - 1, -1, -1):
        strides[i] = acc if shape[i] != 1 else 0
        acc *= shape[i]
    idx = [0]
    for ax in _b.range(n):
        idx = [o + i * strides[ax] for o in idx for i in _b.range(out_shape[ax])]
    return idx


def _binop(a, b, f, out=None, floating=False):
    sa = isinstance(a, ndarray)
    sb = isinstance(b, ndarray)
    a = _as(a) if sa or not isinstance(a, (int, float)) else a
    b = _as(b) if sb or not isinstance(b, (int, float)) else b
    if not isinstance(a, ndarray):
        a = ndarray._make([a], (), "float64" if isinstance(a, float) else ("bool" if isinstance(a, _b.bool) else "int64"))
        weak_a = True
    else:
        weak_a = False
    if not isinstance(b, ndarray):
        b = ndarray._make([b], (), "float64" if isinstance(b, float) else ("bool" if isinstance(b, _b.bool) else "int64"))
        weak_b = True
    else:
        weak_b = False
    # numpy: a Python scalar does not widen the array's dtype within its kind.
    if weak_b and not weak_a and (a.dtype.kind == "f" or b.dtype.kind != "f"):
        name = a._dtype
    elif weak_a and not weak_b and (b.dtype.kind == "f" or a.dtype.kind != "f"):
        name = b._dtype
    else:
        name = _result_dtype(a._dtype, b._dtype)
    if floating and name not in ("float32", "float64"):
        name = "float64"
    if out is not None:
        name = out
    shape = _broadcast_shapes(a._shape, b._shape)
    if a._shape == b._shape:
        vals = [f(x, y) for x, y in zip(a._data, b._data)]
    else:
        ia = _broadcast_index(a._shape, shape)
        ib = _broadcast_index(b._shape, shape)
        da, db = a._data, b._data
        vals = [f(da[i], db[j]) for i, j in zip(ia, ib)]
    return ndarray._make([_cast_value(v, name) for v in vals], shape, name)


def _unary(x, f, floating=False):
    x = _as(x)
    name = x._dtype if not floating or x._dtype.startswith("float") else "float64"
    return ndarray._make([_cast_value(f(v), name) for v in x._data], x._shape, name)


# ──── Constructors ────


def array(obj, dtype=None, copy=True):
    if isinstance(obj, ndarray) and dtype is None:
        return obj.copy()
    if hasattr(obj, "numpy") and hasattr(obj, "_t"):
        a = obj.numpy()
        return a.astype(dtype) if dtype is not None else a
    data, shape = _flatten(obj)
    name = _dtype_name(dtype) if dtype is not None else (obj._dtype if isinstance(obj, ndarray) else _infer(data))
    return ndarray._make([_cast_value(v, name) for v in data], shape, name)


def _dtype_name(t):
    return dtype(t).name


def asarray(obj, dtype=None):
    if isinstance(obj, ndarray) and (dtype is None or _dtype_name(dtype) == obj._dtype):
        return obj
    return array(obj, dtype)


def zeros(shape, dtype=float64):
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    n = 1
    for d in shape:
        n *= d
    name = _dtype_name(dtype)
    return ndarray._make([_cast_value(0, name)] * n, shape, name)


def ones(shape, dtype=float64):
    z = zeros(shape, dtype)
    z._data = [_cast_value(1, z._dtype)] * len(z._data)
    return z


def full(shape, fill_value, dtype=None):
    name = _dtype_name(dtype) if dtype is not None else _infer([fill_value])
    z = zeros(shape, name)
    z._data = [_cast_value(fill_value, name)] * len(z._data)
    return z


def zeros_like(a, dtype=None):
    a = _as(a)
    return zeros(a._shape, dtype or a._dtype)


def ones_like(a, dtype=None):
    a = _as(a)
    return ones(a._shape, dtype or a._dtype)


def arange(start, stop=None, step=1, dtype=None):
    if stop is None:
        start, stop = 0, start
    n = _b.max(0, _math.ceil((stop - start) / step))
    vals = [start + i * step for i in _b.range(n)]
    name = _dtype_name(dtype) if dtype is not None else _infer([start, stop, step])
    return ndarray._make([_cast_value(v, name) for v in vals], (n,), name)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    div = (num - 1) if endpoint else num
    step = (stop - start) / div if div > 0 else 0.0
    vals = [start + i * step for i in _b.range(num)]
    if endpoint and num > 1:
        vals[-1] = float(stop)
    name = _dtype_name(dtype) if dtype is not None else "float64"
    return ndarray._make([_cast_value(v, name) for v in vals], (num,), name)


def eye(n, m=None, dtype=float64):
    m = n if m is None else m
    name = _dtype_name(dtype)
    return ndarray._make([_cast_value(1 if i == j else 0, name) for i in _b.range(n) for j in _b.range(m)], (n, m), name)


# ──── Math ────


def _vectorize(f):
    def g(x):
        if isinstance(x, (int, float)) and not isinstance(x, _b.bool):
            return float64(f(x))
        return _unary(x, f, floating=True)

    return g


exp = _vectorize(_math.exp)
sqrt = _vectorize(lambda v: _math.sqrt(v) if v >= 0 else nan)
sin = _vectorize(_math.sin)
cos = _vectorize(_math.cos)
tan = _vectorize(_math.tan)
tanh = _vectorize(_math.tanh)
log = _vectorize(lambda v: _math.log(v) if v > 0 else (-inf if v == 0 else nan))
log1p = _vectorize(_math.log1p)
abs = absolute = lambda x: _unary(x, _b.abs)  # noqa: E731,A001
square = lambda x: _binop(x, x, lambda a, b: a * b)  # noqa: E731
sign = lambda x: _unary(x, lambda v: (v > 0) - (v < 0))  # noqa: E731
floor = _vectorize(_math.floor)
ceil = _vectorize(_math.ceil)


def maximum(a, b):
    return _binop(a, b, lambda x, y: x if x >= y else y)


def minimum(a, b):
    return _binop(a, b, lambda x, y: x if x <= y else y)


def where(cond, x, y):
    c = _as(cond)
    xs = _binop(c, x, lambda a, b: b)
    ys = _binop(c, y, lambda a, b: b)
    name = _result_dtype(xs._dtype, ys._dtype)
    shape = _broadcast_shapes(xs._shape, ys._shape)
    ic = _broadcast_index(c._shape, shape)
    ix = _broadcast_index(xs._shape, shape)
    iy = _broadcast_index(ys._shape, shape)
    return ndarray._make([xs._data[i] if c._data[k] else ys._data[j] for k, i, j in zip(ic, ix, iy)], shape, name)


def clip(a, lo, hi):
    return minimum(maximum(a, lo), hi)


def _reduce(x, axis, keepdims, f, out_dtype=None):
    x = _as(x)
    name = out_dtype or x._dtype
    if axis is None:
        r = ndarray._make([_cast_value(f(x._data), name)], (), name)
        return r.reshape((1,) * x.ndim) if keepdims else r
    axes = tuple(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis))
    out_shape = tuple(1 if i in axes else d for i, d in enumerate(x._shape))
    groups = {}
    strides = [1] * x.ndim
    for i in _b.range(x.ndim - 2, -1, -1):
        strides[i] = strides[i + 1] * x._shape[i + 1]
    out_strides = [1] * x.ndim
    for i in _b.range(x.ndim - 2, -1, -1):
        out_strides[i] = out_strides[i + 1] * out_shape[i + 1]
    for flat, v in enumerate(x._data):
        o = 0
        for ax in _b.range(x.ndim):
            if ax not in axes:
                o += (flat // strides[ax]) % x._shape[ax] * out_strides[ax]
        groups.setdefault(o, []).append(v)
    data = [_cast_value(f(groups[k]), name) for k in sorted(groups)]
    final = out_shape if keepdims else tuple(d for i, d in enumerate(x._shape) if i not in axes)
    return ndarray._make(data, final, name)


def sum(a, axis=None, keepdims=False, dtype=None):  # noqa: A001
    a = _as(a)
    name = "int64" if a._dtype == "bool" else a._dtype
    return _reduce(a, axis, keepdims, _math.fsum if name.startswith("float") else _b.sum, name)


def mean(a, axis=None, keepdims=False):
    a = _as(a)
    name = a._dtype if a._dtype.startswith("float") else "float64"
    return _reduce(a, axis, keepdims, lambda vs: _math.fsum(vs) / len(vs), name)


def max(a, axis=None, keepdims=False):  # noqa: A001
    return _reduce(a, axis, keepdims, _b.max)


def min(a, axis=None, keepdims=False):  # noqa: A001
    return _reduce(a, axis, keepdims, _b.min)


amax = max
amin = min


def prod(a, axis=None, keepdims=False):
    return _reduce(a, axis, keepdims, _math.prod)


def std(a, axis=None, keepdims=False):
    return sqrt(var(a, axis, keepdims))


def var(a, axis=None, keepdims=False):
    def v(vs):
        m = _math.fsum(vs) / len(vs)
        return _math.fsum((x - m) ** 2 for x in vs) / len(vs)

    a = _as(a)
    return _reduce(a, axis, keepdims, v, a._dtype if a._dtype.startswith("float") else "float64")


def argmax(a, axis=None):
    a = _as(a)
    if axis is None:
        return int64(a._data.index(_b.max(a._data)))
    raise NotImplementedError("numpy.argmax with an axis is not in the gradtape subset; use tf.argmax")


def transpose(a, axes=None):
    a = _as(a)
    axes = tuple(reversed(_b.range(a.ndim))) if axes is None else tuple(axes)
    shape = tuple(a._shape[i] for i in axes)
    strides = [1] * a.ndim
    for i in _b.range(a.ndim - 2, -1, -1):
        strides[i] = strides[i + 1] * a._shape[i + 1]
    idx = [0]
    for ax in axes:
        idx = [o + i * strides[ax] for o in idx for i in _b.range(a._shape[ax])]
    return ndarray._make([a._data[i] for i in idx], shape, a._dtype)


def matmul(a, b):
    a, b = _as(a), _as(b)
    if a.ndim == 1 and b.ndim == 1:
        return dot(a, b)
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    n, k = a2._shape
    k2, m = b2._shape
    if k != k2:
        raise ValueError(f"matmul: Input operand 1 has a mismatch in its core dimension 0 (size {k2} is different from {k})")
    name = _result_dtype(a._dtype, b._dtype)
    out = [_math.fsum(a2._data[i * k + t] * b2._data[t * m + j] for t in _b.range(k)) for i in _b.range(n) for j in _b.range(m)]
    r = ndarray._make([_cast_value(v, name) for v in out], (n, m), name)
    if a.ndim == 1:
        return r.reshape(m)
    if b.ndim == 1:
        return r.reshape(n)
    return r


def dot(a, b):
    a, b = _as(a), _as(b)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if a.ndim == 1 and b.ndim == 1:
        if a._shape != b._shape:
            raise ValueError(f"shapes {a._shape} and {b._shape} not aligned")
        name = _result_dtype(a._dtype, b._dtype)
        return ndarray._make([_cast_value(_math.fsum(x * y for x, y in zip(a._data, b._data)), name)], (), name)
    return matmul(a, b)


def outer(a, b):
    a, b = _as(a).flatten(), _as(b).flatten()
    return a.reshape(-1, 1) * b.reshape(1, -1)


def reshape(a, shape):
    return _as(a).reshape(shape)


def concatenate(arrays, axis=0):
    arrays = [_as(x) for x in arrays]
    if axis != 0:
        moved = [transpose(x, [axis] + [i for i in _b.range(x.ndim) if i != axis]) for x in arrays]
        r = concatenate(moved, 0)
        back = list(_b.range(1, axis + 1)) + [0] + list(_b.range(axis + 1, r.ndim))
        return transpose(r, back)
    data = [v for x in arrays for v in x._data]
    shape = (_b.sum(x._shape[0] for x in arrays),) + arrays[0]._shape[1:]
    return ndarray._make(data, shape, arrays[0]._dtype)


def stack(arrays, axis=0):
    arrays = [_as(x) for x in arrays]
    return concatenate([x.reshape((1,) + x._shape) for x in arrays], 0) if axis == 0 else transpose(stack(arrays, 0), None)


def allclose(a, b, rtol=1e-05, atol=1e-08):
    d = _binop(a, b, lambda x, y: _b.abs(x - y) <= atol + rtol * _b.abs(y), out="bool")
    return _b.all(d._data)


def isclose(a, b, rtol=1e-05, atol=1e-08):
    return _binop(a, b, lambda x, y: _b.abs(x - y) <= atol + rtol * _b.abs(y), out="bool")


def array_equal(a, b):
    a, b = _as(a), _as(b)
    return a._shape == b._shape and a._data == b._data


def isnan(x):
    return _unary(x, lambda v: v != v).astype("bool")


def round(a, decimals=0):  # noqa: A001
    return _unary(a, lambda v: _b.round(v, decimals))


def set_printoptions(**_):
    pass


# ──── numpy.random ────


class _Random:
    """numpy.random's legacy functions (RandomState) on numpy's own stream: MT19937 seeded as numpy's
    `mt19937_seed` (init_genrand), doubles as `legacy_double` (53 bits from two 32-bit draws, which is
    also Python's `random()`, so Python's generator runs the state), normals by `legacy_gauss` (the polar
    Box-Muller method, keeping the second value for the next call), `uniform` = low + (high - low) * u,
    `normal` = loc + scale * gauss, `randint` by masked rejection of 32-bit draws. Sources: numpy's
    numpy/random/src/mt19937/mt19937.c, src/legacy/legacy-distributions.c, _legacy_seeding in
    _mt19937.pyx, and random_bounded_uint64 in src/distributions/distributions.c. `shuffle` and
    `choice` draw from the same state but not with numpy's algorithms."""

    def __init__(self):
        self._rng = _random.Random()
        self._gauss = None

    def seed(self, s=None):
        self._gauss = None
        if s is None:
            self._rng.seed()
            return
        s = _operator_index(s)
        if s < 0 or s > 0xFFFFFFFF:
            raise ValueError("Seed must be between 0 and 2**32 - 1")
        # init_genrand: key[0] = seed, key[i] = 1812433253 * (key[i-1] ^ (key[i-1] >> 30)) + i.
        key = [s]
        for i in _b.range(1, 624):
            prev = key[-1]
            key.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
        self._rng.setstate((3, tuple(key) + (624,), None))

    def _shape(self, size):
        return () if size is None else ((size,) if isinstance(size, int) else tuple(size))

    def _fill(self, size, f):
        shape = self._shape(size)
        n = 1
        for d in shape:
            n *= d
        vals = [f() for _ in _b.range(n)]
        if not shape:
            return float64(vals[0])
        return ndarray._make(vals, shape, "float64")

    def _gauss_one(self):
        g = self._gauss
        if g is not None:
            self._gauss = None
            return g
        u = self._rng.random
        while True:
            x1 = 2.0 * u() - 1.0
            x2 = 2.0 * u() - 1.0
            r2 = x1 * x1 + x2 * x2
            if 0.0 < r2 < 1.0:
                break
        f = _math.sqrt(-2.0 * _math.log(r2) / r2)
        self._gauss = f * x1
        return f * x2

    def rand(self, *shape):
        return self._fill(shape or None, self._rng.random)

    def randn(self, *shape):
        return self._fill(shape or None, self._gauss_one)

    def random(self, size=None):
        return self._fill(size, self._rng.random)

    random_sample = random

    def standard_normal(self, size=None):
        return self._fill(size, self._gauss_one)

    def normal(self, loc=0.0, scale=1.0, size=None):
        return self._fill(size, lambda: loc + scale * self._gauss_one())

    def uniform(self, low=0.0, high=1.0, size=None):
        span = high - low
        return self._fill(size, lambda: low + span * self._rng.random())

    def randint(self, low, high=None, size=None):
        if high is None:
            low, high = 0, low
        shape = self._shape(size)
        n = 1
        for d in shape:
            n *= d
        if high <= low:
            raise ValueError("low >= high")
        rng = high - low - 1
        mask = rng
        for sh in (1, 2, 4, 8, 16, 32):
            mask |= mask >> sh

        def draw():
            if rng == 0:
                return low
            while True:
                g = self._rng.getrandbits
                v = g(32) & mask if rng <= 0xFFFFFFFF else (g(32) << 32 | g(32)) & mask
                if v <= rng:
                    return low + v

        vals = [draw() for _ in _b.range(n)]
        return int64(vals[0]) if not shape else ndarray._make(vals, shape, "int64")

    def shuffle(self, x):
        self._rng.shuffle(x._data if isinstance(x, ndarray) else x)

    def choice(self, a, size=None):
        pool = list(_b.range(a)) if isinstance(a, int) else list(_as(a)._data)
        if size is None:
            return self._rng.choice(pool)
        return array([self._rng.choice(pool) for _ in _b.range(size)])

    def default_rng(self, seed=None):
        r = _Random()
        r.seed(seed)
        return r


random = _Random()
