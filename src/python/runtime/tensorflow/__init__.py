"""TensorFlow 2's Python API over the gradtape engine (docs/python.md).

Thin: every op is the engine's (src/engine), called through Pyodide's FFI. Names are TensorFlow's
snake_case spelling of the engine's camelCase exports; keyword arguments are mapped with the
signature table generated from the engine's own declarations (scripts/pySignatures.mjs), so a
parameter the engine adds or renames shows up here without an edit. What only Python has is
written here: dunder operators, `with` blocks, dtype objects, TF's dtype rules for literals,
`str`/`repr`, `@tf.function`, `@tf.custom_gradient`.
"""
import builtins as _b
import sys as _sys
from array import array as _array
import types as _types

import _gradtape as _bridge
import _gradtape_run
from pyodide.ffi import JsException as _JsException, JsProxy as _JsProxy, jsnull as _jsnull, to_js as _to_js, create_proxy as _create_proxy
from js import Object as _JsObject

_engine = _bridge.engine
_SIGS = _bridge.sigs.to_py()
_kind = _bridge.kind  # 0 none, 1 tensor, 2 variable, 3 array, 4 function, 5 object, 6 primitive
_getframe = _sys._getframe
_run_now = _gradtape_run._current  # [the _Run in progress]


def _pos():
    """The position index of the user's line that called the op running now (see bridge.ts), -1: none.
    Every recorded op asks for one, so it goes with the call rather than being asked back."""
    r = _run_now[0]
    return -1 if r is None else r.at(_getframe(2))


def _snake(name):
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and not name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


# TensorFlow's spelling where snake_case of the engine's name is not it.
_PY_NAMES = {
    "reduceLogSumExp": "reduce_logsumexp",
    "argMax": "argmax",
    "argMin": "argmin",
    "divNoNan": "divide_no_nan",
    "floorDiv": "floordiv",
    "floorMod": "floormod",
    "topK": "top_k",
    "gatherNd": "gather_nd",
    "matrixTranspose": "matrix_transpose",
}


# ──── dtypes ────


class DType:
    """tf.float32 & co.: compared and printed as TensorFlow's (`tf.float32`)."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "tf." + self.name

    def __eq__(self, other):
        if isinstance(other, DType):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self):
        return hash(self.name)

    @property
    def is_floating(self):
        return self.name in ("float32", "float64")

    @property
    def is_integer(self):
        return self.name == "int32"

    @property
    def is_bool(self):
        return self.name == "bool"

    @property
    def as_numpy_dtype(self):
        import numpy

        return numpy.dtype(self.name)


float32 = DType("float32")
float64 = DType("float64")
int32 = DType("int32")
bool = DType("bool")  # noqa: A001 - TensorFlow's own name
double = float64
_DTYPES = {"float32": float32, "float64": float64, "int32": int32, "bool": bool}
# numpy's names, and what the engine does not have, map to the nearest it has (TF would keep int64).
_DTYPE_ALIASES = {"int64": "int32", "float": "float32", "int": "int32", "float16": "float32", "double": "float64"}
newaxis = None


def as_dtype(d):
    if d is None:
        return None
    if isinstance(d, DType):
        return d
    name = getattr(d, "name", None) if not isinstance(d, str) else d
    if name is None:
        name = getattr(d, "__name__", str(d))
    name = _DTYPE_ALIASES.get(name, name)
    if name not in _DTYPES:
        raise TypeError(f"Cannot convert {d!r} to a dtype. Supported: float32, float64, int32, bool")
    return _DTYPES[name]


def _dtype_name(d):
    return None if d is None else as_dtype(d).name


class UnconnectedGradients:
    NONE = "none"
    ZERO = "zero"


class TensorShape:
    """What `t.shape` is: a tuple-like of ints that prints as TF's `(2, 1)`."""

    def __init__(self, dims):
        self._dims = tuple(None if d is None or d is _jsnull else int(d) for d in dims)

    def __repr__(self):
        return f"TensorShape({list(self._dims)})"

    def __str__(self):
        return str(self._dims) if len(self._dims) != 1 else f"({self._dims[0]},)"

    def __iter__(self):
        return iter(self._dims)

    def __len__(self):
        return len(self._dims)

    def __getitem__(self, i):
        r = self._dims[i]
        return TensorShape(r) if isinstance(i, _b.slice) else r

    def __eq__(self, other):
        try:
            return self._dims == tuple(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self._dims)

    def as_list(self):
        return list(self._dims)

    @property
    def rank(self):
        return len(self._dims)

    ndims = rank

    def num_elements(self):
        n = 1
        for d in self._dims:
            n *= d
        return n


# ──── Conversion between Python values and the engine's ────


def _infer_dtype(value):
    """TF's dtype for a Python literal: bool, int32 for ints, float32 once any float appears."""
    kinds = set()

    def walk(v):
        if isinstance(v, (list, tuple)):
            for e in v:
                walk(e)
        elif isinstance(v, _b.bool):
            kinds.add("bool")
        elif isinstance(v, int):
            kinds.add("int")
        else:
            kinds.add("float")

    walk(value)
    if "float" in kinds:
        return "float32"
    if "int" in kinds:
        return "int32"
    if "bool" in kinds:
        return "bool"
    return "float32"


def _plain(v):
    """Nested Python numbers (lists, tuples, numpy arrays) → JS arrays and numbers."""
    if isinstance(v, (list, tuple)):
        return _to_js([_plain(e) for e in v])
    nd = _np_array_type()
    if nd is not None and isinstance(v, nd):
        return _plain(v.tolist())
    if isinstance(v, _b.bool):
        return 1 if v else 0
    return v


def _np_array_type():
    mod = _sys.modules.get("numpy")
    return getattr(mod, "ndarray", None) if mod else None


def _constant(value, dtype=None, shape=None):
    if isinstance(value, Tensor):
        t = value._t
        if dtype is not None and _dtype_name(dtype) != t.dtype:
            t = _engine.cast(t, _dtype_name(dtype))
        return t
    nd = _np_array_type()
    if nd is not None and isinstance(value, nd):
        if dtype is None:
            dtype = {"float64": "float64", "float32": "float32", "bool": "bool"}.get(value.dtype.name, "int32")
        value = value.tolist()
    name = _dtype_name(dtype) if dtype is not None else _infer_dtype(value)
    if isinstance(value, _b.bool):
        value = 1 if value else 0
    return _engine.constant(_plain(value), name, _to_js(list(shape)) if shape is not None else None)


def _as_js_tensor(v, like=None):
    """A tensor argument: tensors as they are, literals converted with TF's dtype rules (with the
    dtype of the op's other tensor argument, as `x * 2` converts 2 to x's dtype)."""
    if isinstance(v, Tensor):
        return v._t
    if isinstance(v, (int, float)) and like is not None:
        return _engine.constant(v, like)
    if isinstance(v, (list, tuple)) and any(isinstance(e, Tensor) for e in v):
        return _to_js([_as_js_tensor(e, like) for e in v])
    return _constant(v)


_ONCE_ITERABLES = (zip, map, filter, enumerate, _types.GeneratorType, type({}.keys()), type({}.values()), type({}.items()))


def _js(v):
    """Any argument for the engine: tensors unwrapped, structures converted, callables proxied."""
    if isinstance(v, Tensor):
        return v._t
    if isinstance(v, _JsObj):
        return v._o
    if isinstance(v, (list, tuple, _ONCE_ITERABLES)):
        # zip(grads, variables) & co. arrive as the arrays the engine takes.
        return _to_js([_js(e) for e in v])
    if isinstance(v, dict):
        return _to_js({k: _js(e) for k, e in v.items()}, dict_converter=_JsObject.fromEntries)
    if isinstance(v, DType):
        return v.name
    if isinstance(v, _b.bool):
        return v
    nd = _np_array_type()
    if nd is not None and isinstance(v, nd):
        return _constant(v)
    if callable(v) and not isinstance(v, _JsProxy):
        return _create_proxy(lambda *a: _js(v(*[_wrap(x) for x in a])))
    return v


def _tensor(js):
    t = _new_eager(EagerTensor)
    t._p = js
    t._h = -1
    return t


def _th(h):
    """A tensor from a handle (bridge.ts: index × 8, + 4 for a Variable, + the dtype's code)."""
    t = _new_eager(ResourceVariable if h & 4 else EagerTensor)
    t._h = h
    t._p = None
    return t


def _hof(t):
    """t's handle, made on first use for a tensor that came as a JS object."""
    h = t._h
    if h < 0:
        h = t._h = _bridge.handle(t._p)
    return h


def _as_h(v, like=None):
    """A tensor argument as a handle (a list of them for a list holding tensors)."""
    if isinstance(v, Tensor):
        h = v._h
        return h if h >= 0 else _hof(v)
    if isinstance(v, (list, tuple)) and any(isinstance(e, Tensor) for e in v):
        return _to_js([_as_h(e, like) for e in v])
    return _bridge.handle(_as_js_tensor(v, like))


_dead = []
_dead_append = _dead.append


def _release():
    # As an array of int32 the handles cross as one copy (a list converts item by item, 0.3 µs each).
    _bridge.release(_to_js(_array("i", _dead)))
    _dead.clear()


def _wrap(x):
    """An engine value → Python: tensors wrapped, arrays as lists, other objects as _JsObj."""
    if x is _jsnull:
        return None  # TF's None gradient
    if not isinstance(x, _JsProxy):
        return x
    k = _kind(x)
    if k == 1:
        return _tensor(x)
    if k == 2:
        v = _new_eager(ResourceVariable)
        v._t = x
        return v
    if k == 3:
        return [_wrap(e) for e in x]
    if k == 0:
        return None
    return _JsObj(x)


# ──── Calling the engine with Python arguments ────


def _sig(path):
    """The table's entry for path, or for the same class reached through a re-export
    (`keras.optimizers.SGD` is `optimizers.SGD` in the table)."""
    sig = _SIGS.get(path)
    parts = path.split(".")
    while sig is None and len(parts) > 1:
        parts = parts[1:]
        sig = _SIGS.get(".".join(parts))
    return sig


def _binder(path, fn, lift=False):
    """A Python function over the engine function `fn`, whose parameters the table has at `path`.
    lift: called through bridge.ts's lift (tensors as handles, the position with the call), for
    functions made once (the module's); a bound method made per access keeps plain JS arguments."""
    sig = _sig(path)
    if sig is None:
        py_name = _snake(path.split(".")[-1].split("#")[-1])

        def untyped(*a, **kw):
            if kw:
                raise TypeError(f"{py_name}() got an unexpected keyword argument '{next(iter(kw))}'")
            try:
                return _wrap(fn(*[_js(x) for x in a]))
            except _JsException as e:
                raise _py_error(e) from None

        untyped._gt_sig = path
        return untyped
    params = sig["p"]
    returns_tensor = sig.get("t")
    names = [p["n"] for p in params]
    tensor_pos = [i for i, p in enumerate(params) if p.get("t")]
    options_at = next((i for i, p in enumerate(params) if "o" in p), None)
    option_keys = set(params[options_at]["o"]) if options_at is not None else set()
    rest_at = next((i for i, p in enumerate(params) if p.get("r")), None)
    by_name = {_snake(n): i for i, n in enumerate(names)}
    by_name.update({n: i for i, n in enumerate(names)})
    # TF's names for the first tensor argument(s), where the engine says `x`, `a`, `t`.
    for alias in ("input", "input_tensor", "tensor", "features", "x", "y", "a", "b", "t", "value", "values", "logits"):
        if alias not in by_name and tensor_pos:
            by_name[alias] = tensor_pos[0] if alias not in ("y", "b") or len(tensor_pos) < 2 else tensor_pos[1]
    py_name = path.split(".")[-1].split("#")[-1]
    lifted = [None]
    lift = lift and rest_at is None

    def call(*args, **kwargs):
        slots = list(args)
        options = {}
        for key, value in kwargs.items():
            camel = _camel(key)
            if key == "name" and "name" not in by_name and "name" not in option_keys:
                continue  # TF's op name: the trace names ops after the source instead
            if camel in option_keys:
                options[camel] = value
            elif key in by_name:
                i = by_name[key]
                while len(slots) <= i:
                    slots.append(_MISSING)
                if slots[i] is not _MISSING:
                    raise TypeError(f"{_snake(py_name)}() got multiple values for argument '{key}'")
                slots[i] = value
            else:
                raise TypeError(f"{_snake(py_name)}() got an unexpected keyword argument '{key}'")
        if options:
            while len(slots) <= options_at:
                slots.append(_MISSING)
            given = slots[options_at]
            if isinstance(given, dict):
                options = {**given, **options}
            slots[options_at] = options
        # Literals take the dtype of the op's first tensor argument.
        like = None
        for i in tensor_pos:
            if i < len(slots) and isinstance(slots[i], Tensor):
                like = _dtype_of(slots[i])
                break
        js_args = []
        to_tensor = _as_h if lift else _as_js_tensor
        for i, v in enumerate(slots):
            if v is _MISSING:
                js_args.append(None)
            elif i in tensor_pos and rest_at is None and not isinstance(v, (dict,)) and not callable(v):
                js_args.append(None if v is None else to_tensor(v, like))
            else:
                js_args.append(_js(v))
        while js_args and js_args[-1] is None and len(js_args) > len(args):
            js_args.pop()
        try:
            if lift:
                f = lifted[0]
                if f is None:
                    f = lifted[0] = _bridge.lift(fn, _to_js([i for i in tensor_pos if not (params[i].get("o") or False)]), _b.bool(returns_tensor))
                r = f(_pos(), *js_args)
                if returns_tensor and type(r) is int:
                    return _th(r)
                return _wrap(r)
            r = fn(*js_args)
        except _JsException as e:
            raise _py_error(e) from None
        return _tensor(r) if returns_tensor else _wrap(r)

    call.__name__ = _snake(py_name)
    call._gt_sig = path  # the stubs' parameters (_gradtape_stubs.py)
    return call


class _Missing:
    pass


_MISSING = _Missing()


class _JsObj:
    """An engine object without a Python class of its own: snake_case attributes, keyword arguments."""

    __slots__ = ("_o", "_path")

    def __init__(self, o, path=None):
        object.__setattr__(self, "_o", o)
        object.__setattr__(self, "_path", path or _class_path(o))

    def __getattr__(self, name):
        camel = _camel(name)
        v = getattr(self._o, camel)
        if isinstance(v, _JsProxy) and _kind(v) == 4:
            return _binder(f"{self._path}#{camel}", getattr(self._o, camel).bind(self._o))
        return _wrap(v)

    def __setattr__(self, name, value):
        setattr(self._o, _camel(name), _js(value))

    def __call__(self, *args, **kwargs):
        return _binder(self._path + "#call", self._o)(*args, **kwargs)

    def __iter__(self):
        import _gradtape_run

        it = _bridge.iterator(self._o)
        # `for x, y in dataset`: each element's tensors take the loop target's names.
        pattern = _gradtape_run.pattern_here()
        while True:
            r = it.next()
            if r.done:
                return
            v = r.value
            if pattern is not None:
                _bridge.nameValue(v, pattern)
            yield _wrap(v)

    def __repr__(self):
        return str(self._o)


def _class_path(o):
    name = _bridge.className(o)
    for path in _SIGS:
        if path == name or path.endswith("." + name):
            return path
    return name


# ──── Tensors ────


_bin = _bridge.bin
_un = _bridge.un
# The operators' arguments: written here, read by bin()/un() in bridge.ts from WebAssembly memory
# (an argument passed to a crossing costs more than a store here).
_A = _array("d", (0.0, 0.0, 0.0, 0.0))
_bridge.useArgs(_A)
# The operators' ops, in bridge.ts's BINARY order.
_OP = {n: i for i, n in enumerate(("add", "subtract", "multiply", "divide", "pow", "matmul", "less", "greater", "less_equal", "greater_equal", "equal"))}
_NUMBER = (int, float, _b.bool)


def _here(fr):
    """The position code of the op frame `fr` runs: (position index + 1) × 64, 0 outside a run.
    Read inline by the operators below: two dict lookups once an instruction has been seen."""
    r = _run_now[0]
    if r is None:
        return 0
    d = r.by_code.get(id(fr.f_code))
    at = -1 if d is None else d.get(fr.f_lasti, -1)
    if at < 0:
        at = r.at(fr)
    return (at + 1) << 6


def _binary(name):
    """`x op y` and `y op x`: one crossing (bridge.ts's bin) with three numbers in `_A`, tensors as
    handles, a Python number as it is. The position lookup and the result's wrapper are written out
    here, not called: this is the cost of every operator (docs/python.md, "Speed")."""
    code = _OP[name] * 4

    def f(self, other):
        a = self._h
        if a < 0:
            a = _hof(self)
        r = _run_now[0]
        if r is None:
            at = code
        else:
            fr = _getframe(1)
            d = r.by_code.get(id(fr.f_code))
            at = -1 if d is None else d.get(fr.f_lasti, -1)
            if at < 0:
                at = r.at(fr)
            at = (at + 1) << 6 | code
        if isinstance(other, Tensor):
            b = other._h
            if b < 0:
                b = _hof(other)
        elif type(other) in _NUMBER:
            b = other
            at |= 1
        else:
            b = _as_h(other, _dtype_of(self))
        A = _A
        A[0] = at
        A[1] = a
        A[2] = b
        try:
            h = _bin()
        except _JsException as e:
            raise _py_error(e) from None
        t = _new_eager(EagerTensor)
        t._h = h
        t._p = None
        return t

    def r(self, other):
        b = self._h
        if b < 0:
            b = _hof(self)
        at = _here(_getframe(1)) | code
        if type(other) in _NUMBER:
            a = other
            at |= 2
        else:
            a = _as_h(other, _dtype_of(self))
        A = _A
        A[0] = at
        A[1] = a
        A[2] = b
        try:
            return _th(_bin())
        except _JsException as e:
            raise _py_error(e) from None

    f.__annotations__ = r.__annotations__ = {"return": "Tensor"}
    return f, r


_DT_CODE = ("float32", "float64", "int32", "bool")


def _dtype_of(t):
    """t's dtype name, from its handle when it has one (no crossing)."""
    h = t._h
    return _DT_CODE[h & 3] if h >= 0 else t._p.dtype


def _py_error(e):
    """An engine error → TF's Python exception of the same name and text."""
    err = getattr(e, "js_error", None)
    name = str(getattr(err, "name", "")) if err is not None else ""
    message = str(getattr(err, "message", e)) if err is not None else str(e)
    cls = {
        "InvalidArgumentError": InvalidArgumentError,
        "RuntimeError": RuntimeError,
        "LookupError": LookupError,
        "TypeError": TypeError,
        "RangeError": ValueError,
    }.get(name)
    if cls is None:
        cls = OpError if name.endswith("Error") and name != "Error" else RuntimeError
    return cls(message)


class Tensor:
    """An engine tensor as TF's EagerTensor: operators, indexing, `.numpy()`, TF's str and repr."""

    # _h: the engine tensor's handle (bridge.ts), -1 until needed; _p: the JS object, fetched when needed.
    __slots__ = ("_h", "_p", "__weakref__")
    __array_priority__ = 100

    @property
    def _t(self):
        p = self._p
        if p is None:
            p = self._p = _bridge.get(self._h)
        return p

    @_t.setter
    def _t(self, js):
        self._p = js
        self._h = -1

    def __del__(self):
        try:
            h = self._h
        except AttributeError:  # made by object.__new__ and dropped before _h was set
            return
        if h >= 0:
            _dead_append(h)
            if len(_dead) >= 1024:
                _release()

    @property
    def shape(self):
        return TensorShape(self._t.shape)

    @property
    def dtype(self):
        return _DTYPES[_dtype_of(self)]

    @property
    def ndim(self):
        return self._t.rank

    @property
    def id(self):
        return self._t.id

    def get_shape(self):
        return self.shape

    def numpy(self):
        import numpy

        return numpy._from_tensor(self._t)

    def __array__(self, dtype=None):
        return self.numpy()

    def __str__(self):
        return _bridge.tensorStr(self._t)

    def __repr__(self):
        return str(self._t.toString())

    def __format__(self, spec):
        if self._t.rank == 0 and spec:
            return format(self.numpy().item(), spec)
        return format(str(self), spec)

    def __len__(self):
        if self._t.rank == 0:
            raise TypeError("len is not well defined for a rank-0 tensor")
        return self._t.shape[0]

    def __iter__(self):
        if self._t.rank == 0:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for i in _b.range(self._t.shape[0]):
            yield self[i]

    def __float__(self):
        return float(self._scalar("float"))

    def __int__(self):
        return int(self._scalar("int"))

    def __index__(self):
        if _dtype_of(self) != "int32":
            raise TypeError("Only integer tensors can be used as an index")
        return int(self._scalar("index"))

    def __bool__(self):
        return _b.bool(self._scalar("bool"))

    def _scalar(self, how):
        if self._t.size != 1:
            raise TypeError(f"only size-1 tensors can be converted to Python scalars (shape {self.shape}, {how})")
        return self._t.dataSync()[0]

    __add__, __radd__ = _binary("add")
    __sub__, __rsub__ = _binary("subtract")
    __mul__, __rmul__ = _binary("multiply")
    __truediv__, __rtruediv__ = _binary("divide")
    __pow__, __rpow__ = _binary("pow")
    __matmul__, __rmatmul__ = _binary("matmul")
    __lt__, _ = _binary("less")
    __gt__, _ = _binary("greater")
    __le__, _ = _binary("less_equal")
    __ge__, _ = _binary("greater_equal")
    _eq, _ = _binary("equal")

    def __floordiv__(self, other):
        return floordiv(self, other)

    def __rfloordiv__(self, other):
        return floordiv(other, self)

    def __mod__(self, other):
        return floormod(self, other)

    def __rmod__(self, other):
        return floormod(other, self)

    def __neg__(self):
        return self._unary(0, _getframe(1))

    def __pos__(self):
        return self

    def __abs__(self):
        return self._unary(4, _getframe(1))

    def _unary(self, code, fr):
        a = _hof(self)
        A = _A
        A[0] = _here(fr) | code
        A[1] = a
        try:
            return _th(_un())
        except _JsException as e:
            raise _py_error(e) from None

    def __eq__(self, other):
        # TF 2: elementwise when the shapes broadcast, else False (tensor equality is not identity).
        if other is None:
            return False
        try:
            return self._eq(other)
        except Exception:
            return False

    def __ne__(self, other):
        if other is None:
            return True
        try:
            return logical_not(self == other)
        except Exception:
            return True

    __hash__ = object.__hash__

    def __getitem__(self, key):
        return _getitem(self, key)

    # Methods TF tensors have.
    def __array_namespace__(self):
        return None


class Variable(Tensor):
    """tf.Variable(initial_value, trainable=True, name=None, dtype=None, shape=None)."""

    __slots__ = ()

    def __new__(cls, *_args, **_kwargs):
        return object.__new__(ResourceVariable if cls is Variable else cls)

    def __init__(self, initial_value=None, trainable=True, name=None, dtype=None, shape=None, **_ignored):
        if callable(initial_value) and not isinstance(initial_value, Tensor):
            initial_value = initial_value()
        opts = {"trainable": _b.bool(trainable)}
        if name is not None:
            opts["name"] = name
        if shape is not None:
            opts["shape"] = _to_js(list(shape))
        init = _constant(initial_value, dtype)
        self._t = _engine.variable(init, _to_js(opts, dict_converter=_JsObject.fromEntries))

    @property
    def name(self):
        return self._t.name

    @property
    def trainable(self):
        return self._t.trainable

    def assign(self, value, **_):
        self._t.assign(_as_js_tensor(value, _dtype_of(self)))
        return self

    def assign_add(self, delta, **_):
        self._t.assignAdd(_as_js_tensor(delta, _dtype_of(self)))
        return self

    def assign_sub(self, delta, **_):
        self._t.assignSub(_as_js_tensor(delta, _dtype_of(self)))
        return self

    def read_value(self):
        return identity(self)

    def value(self):
        return identity(self)

    def __repr__(self):
        return str(self._t.toString())


class EagerTensor(Tensor):
    """What `type(tf.constant(1.0))` is in TF 2 (the guides print `type(x).__name__`)."""

    __slots__ = ()


class ResourceVariable(Variable):
    """What `type(tf.Variable(1.0))` is in TF 2."""

    __slots__ = ()


_new_eager = object.__new__


_SLICE_TYPE_ERROR = (
    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar tf.int32/tf.int64 tensors are valid indices"
)


def _index(i):
    """A slice bound or index as TF's _check_index allows it: an int, or a scalar int32 tensor (read as its value)."""
    if isinstance(i, int):
        return i
    if isinstance(i, Tensor) and _dtype_of(i) == "int32" and i._t.rank == 0:
        return int(i._t.dataSync()[0])
    raise TypeError(f"{_SLICE_TYPE_ERROR}, got {i!r}")


def _is_np_bool(v):
    nd = _np_array_type()
    return nd is not None and isinstance(v, nd) and v.dtype.name == "bool"


def _boolean_mask(x, mask):
    """x[mask] for a boolean mask (TF's boolean_mask): the masked leading axes flattened, the True
    entries gathered in order (a gather, so the gradient scatters back)."""
    if isinstance(mask, _b.bool):
        raise ValueError("mask cannot be scalar.")
    m = mask if isinstance(mask, Tensor) else convert_to_tensor(mask)
    mshape = list(m._t.shape)
    if not mshape:
        raise ValueError("mask cannot be scalar.")
    xshape = list(x._t.shape)
    k = len(mshape)
    if xshape[:k] != mshape:
        raise ValueError(f"Shapes {TensorShape(xshape[:k])} and {TensorShape(mshape)} are incompatible")
    n = 1
    for d in mshape:
        n *= d
    picked = [i for i, v in enumerate(m._t.dataSync()) if v]
    flat = reshape(x, [n] + xshape[k:])  # noqa: F821 - the engine's, installed below
    return gather(flat, constant(picked, dtype=int32), axis=0)  # noqa: F821


def _getitem(x, key):
    """x[key] as TF's _slice_helper: each entry of the key becomes one entry of tf.strided_slice's
    begin/end/strides and a bit of its masks (a slice's missing start/stop a begin/end mask bit, `...`
    the ellipsis bit, None / tf.newaxis a new-axis bit, an index a shrink bit), so the op, its
    gradient and its errors are StridedSlice's."""
    if isinstance(key, _b.bool) or isinstance(key, Tensor) and _dtype_of(key) == "bool" or _is_np_bool(key):
        return _boolean_mask(x, key)
    if not isinstance(key, (list, tuple)):
        key = (key,)
    begin, end, strides = [], [], []
    begin_mask = end_mask = ellipsis_mask = new_axis_mask = shrink_axis_mask = 0
    for n, k in enumerate(key):
        if isinstance(k, _b.slice):
            if k.start is None:
                begin.append(0)
                begin_mask |= 1 << n
            else:
                begin.append(_index(k.start))
            if k.stop is None:
                end.append(0)
                end_mask |= 1 << n
            else:
                end.append(_index(k.stop))
            strides.append(1 if k.step is None else _index(k.step))
        elif k is Ellipsis:
            begin.append(0)
            end.append(0)
            strides.append(1)
            ellipsis_mask |= 1 << n
        elif k is None:
            begin.append(0)
            end.append(0)
            strides.append(1)
            new_axis_mask |= 1 << n
        else:
            i = _index(k)
            begin.append(i)
            end.append(i + 1)
            strides.append(1)
            shrink_axis_mask |= 1 << n
    masks = {}
    for name, m in (("begin_mask", begin_mask), ("end_mask", end_mask), ("ellipsis_mask", ellipsis_mask), ("new_axis_mask", new_axis_mask), ("shrink_axis_mask", shrink_axis_mask)):
        if m:
            masks[name] = m
    return strided_slice(x, begin, end, strides, **masks)  # noqa: F821 - the engine's, installed below


# ──── Tapes ────


class GradientTape:
    """tf.GradientTape(persistent=False, watch_accessed_variables=True): `with` enters the engine's record."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        opts = {"persistent": _b.bool(persistent), "watchAccessedVariables": _b.bool(watch_accessed_variables)}
        self._tape = _engine.GradientTape.new(_to_js(opts, dict_converter=_JsObject.fromEntries))
        self._gradient = _binder("GradientTape#gradient", self._tape.gradient.bind(self._tape))
        self._jacobian = _binder("GradientTape#jacobian", self._tape.jacobian.bind(self._tape))
        self._batch_jacobian = _binder("GradientTape#batchJacobian", self._tape.batchJacobian.bind(self._tape))

    def __enter__(self):
        self._tape.enter()
        return self

    def __exit__(self, *exc):
        self._tape.exit()
        return False

    def watch(self, tensor):
        self._tape.watch(_js(tensor))

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients=UnconnectedGradients.NONE):
        return _restructure(sources, self._gradient(target, _sources(sources), output_gradients=output_gradients, unconnected_gradients=unconnected_gradients))

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE, **_):
        return _restructure(sources, self._jacobian(target, _sources(sources), unconnected_gradients=unconnected_gradients))

    def batch_jacobian(self, target, source, **_):
        return self._batch_jacobian(target, source)

    def stop_recording(self):
        return _Paused(self._tape)

    def reset(self):
        self._tape.reset()

    def watched_variables(self):
        return tuple(_wrap(v) for v in self._tape.watchedVariables())


def _sources(sources):
    if isinstance(sources, dict):
        return {k: v for k, v in sources.items()}
    if isinstance(sources, tuple):
        return list(sources)
    return sources


def _restructure(sources, result):
    """The engine gives lists for any sequence; TF gives back the structure it got (tuples, dicts)."""
    if isinstance(sources, tuple) and isinstance(result, list):
        return tuple(result)
    if isinstance(sources, dict) and isinstance(result, _JsObj):
        return {k: _wrap(getattr(result._o, k)) for k in sources}
    return result


class _Paused:
    def __init__(self, tape):
        self._tape = tape
        self._resume = None

    def __enter__(self):
        self._resume = self._tape.pause()
        return self

    def __exit__(self, *exc):
        self._resume()
        return False


class _ForwardAccumulator:
    """tf.autodiff.ForwardAccumulator(primals, tangents): `with acc:` then `acc.jvp(t)`."""

    def __init__(self, primals, tangents):
        self._acc = _engine.autodiff.ForwardAccumulator.new(_js(primals), _js(_tangents_like(primals, tangents)))

    def __enter__(self):
        self._acc.enter()
        return self

    def __exit__(self, *exc):
        self._acc.exit()
        return False

    def jvp(self, primals, unconnected_gradients=UnconnectedGradients.NONE):
        r = self._acc.jvp(_js(primals), _to_js({"unconnectedGradients": unconnected_gradients}, dict_converter=_JsObject.fromEntries))
        out = _wrap(r)
        return tuple(out) if isinstance(primals, tuple) else out


def _tangents_like(primals, tangents):
    if isinstance(primals, (list, tuple)) and isinstance(tangents, (list, tuple)):
        return [_tangents_like(p, t) for p, t in zip(primals, tangents)]
    if isinstance(primals, Tensor) and not isinstance(tangents, Tensor):
        return _tensor(_constant(tangents, primals.dtype))
    return tangents


# ──── Functions TF has only in Python, or with Python-only behaviour ────


def constant(value, dtype=None, shape=None, name=None) -> "Tensor":
    t = _constant(value, dtype, None)
    if shape is not None:
        shape = list(shape)
        if list(t.shape) != shape:
            n = 1
            for d in shape:
                n *= d
            if t.size == 1 and n != 1:
                t = _engine.fill(_to_js(shape), t.dataSync()[0], t.dtype)
            else:
                t = _engine.reshape(t, _to_js(shape))
    return _tensor(t)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> "Tensor":
    if isinstance(value, Tensor) and dtype is None:
        return value
    if dtype is None and dtype_hint is not None and not isinstance(value, Tensor):
        try:
            return _tensor(_constant(value, dtype_hint))
        except Exception:
            pass
    return _tensor(_constant(value, dtype))


def is_tensor(x):
    return isinstance(x, Tensor)


def cast(x, dtype, name=None) -> "Tensor":
    return _tensor(_engine.cast(_as_js_tensor(x), _dtype_name(dtype)))


def zeros(shape, dtype=float32, name=None) -> "Tensor":
    return _tensor(_engine.zeros(_js(list(shape) if not isinstance(shape, int) else [shape]), _dtype_name(dtype)))


def ones(shape, dtype=float32, name=None) -> "Tensor":
    return _tensor(_engine.ones(_js(list(shape) if not isinstance(shape, int) else [shape]), _dtype_name(dtype)))


def fill(dims, value, name=None) -> "Tensor":
    dt = _infer_dtype(value)
    return _tensor(_engine.fill(_js(list(dims)), value, dt))


def range(start, limit=None, delta=1, dtype=None, name=None) -> "Tensor":  # noqa: A001 - TensorFlow's own name
    if dtype is None:
        dtype = _infer_dtype([start, limit if limit is not None else 0, delta])
    return _tensor(_engine.range(start, limit, delta, _dtype_name(dtype)))


def logical_not(x):
    return _tensor(_engine.equal(_as_js_tensor(x), _engine.constant(0, "bool")))


def function(func=None, **_options):
    """@tf.function: runs eagerly (the engine has no graphs); keeps the decorated function's name."""
    if func is None:
        return lambda f: f
    return func


def custom_gradient(f):
    """@tf.custom_gradient: f returns (y, grad_fn), as in TF."""
    def js_f(*xs):
        y, grad_fn = f(*[_wrap(x) for x in xs])

        def js_grad(dy, options=None):
            # TF calls grad_fn(dy), or grad_fn(dy, variables=...) when f read variables; then it returns (input grads, variable grads).
            variables = [_wrap(v) for v in options.variables] if options is not None and options.variables.length else []
            if variables:
                ig, vg = grad_fn(_wrap(dy), variables=variables)
                return _to_js([_grads_js(ig), _grads_js(vg)])
            return _grads_js(grad_fn(_wrap(dy)))

        return _to_js([_js(y), _create_proxy(js_grad)])

    wrapped = _engine.customGradient(_create_proxy(js_f))

    def call(*xs):
        return _wrap(wrapped(*[_as_js_tensor(x) for x in xs]))

    call.__name__ = getattr(f, "__name__", "custom_gradient")
    return call


def _grads_js(g):
    if isinstance(g, (list, tuple)):
        return _to_js([_js(e) if e is not None else None for e in g])
    return _js(g)


def print_(*args, **kwargs):
    print(*args, **kwargs)


# ──── Errors ────


class OpError(Exception):
    def __init__(self, message, node_def=None, op=None):
        super().__init__(message)
        self.message = message


class InvalidArgumentError(OpError):
    pass


class UnknownError(OpError):
    pass


class _errors_module(_types.ModuleType):
    pass


errors = _types.ModuleType("tensorflow.errors")
errors.OpError = OpError
errors.InvalidArgumentError = InvalidArgumentError
errors.UnknownError = UnknownError
# TF's RuntimeError from a used tape is Python's RuntimeError; LookupError likewise.
errors.RuntimeError = RuntimeError
errors.LookupError = LookupError


# ──── The engine's functions and namespaces, under TensorFlow's names ────


def _module(name):
    full = "tensorflow." + name
    m = _sys.modules.get(full)
    if m is None:
        m = _types.ModuleType(full)
        _sys.modules[full] = m
    return m


def _py_name(js_name):
    return _PY_NAMES.get(js_name, _snake(js_name))


class _ClassWrapper:
    """An engine class (`tf.data.Dataset`, an optimizer, a Keras layer): constructor and statics with keyword arguments."""

    def __init__(self, path, cls):
        self._path = path
        self._cls = cls
        self.__name__ = path.split(".")[-1]

    def __call__(self, *args, **kwargs):
        make = _binder(self._path, lambda *a: self._cls.new(*a))
        return make(*args, **kwargs)

    def __getattr__(self, name):
        camel = {"from_tensor_slices": "fromTensorSlices"}.get(name, _camel(name))
        v = getattr(self._cls, camel)
        if isinstance(v, _JsProxy) and _kind(v) == 4:
            return _binder(f"{self._path}.{camel}", v.bind(self._cls) if hasattr(v, "bind") else v)
        return _wrap(v)

    def __instancecheck__(self, obj):
        return isinstance(obj, _JsObj) and _bridge.isInstance(obj._o, self._cls)


def _install(target, js_ns, path):
    """Puts every function and class of an engine namespace on a Python module, snake_cased."""
    for key in _bridge.keys(js_ns):
        if key.startswith("_"):
            continue
        value = getattr(js_ns, key)
        full = f"{path}.{key}" if path else key
        k = _kind(value)
        if k == 4 and _bridge.isClass(value):
            setattr(target, key, _ClassWrapper(full, value))
        elif k == 4:
            name = _py_name(key)
            if not hasattr(target, name):
                setattr(target, name, _binder(full, value, lift=True))
        elif k == 5 and key not in ("errors", "kernels"):
            sub = _module((path + "." if path else "") + _snake(key))
            _install(sub, value, full)
            if not hasattr(target, _snake(key)):
                setattr(target, _snake(key), sub)


_this = _sys.modules[__name__]
# Python's own names first (written above); the engine's fill in the rest.
_SKIP = {"constant", "variable", "Tensor", "Variable", "GradientTape", "cast", "zeros", "ones", "fill", "range",
         "customGradient", "peekValues", "setKernelBackend", "getKernelBackend", "defineOp", "InvalidArgumentError",
         "RuntimeError", "LookupError", "OpError"}
for _key in _bridge.keys(_engine):
    if _key in _SKIP:
        continue
    _value = getattr(_engine, _key)
    _k = _kind(_value)
    if _k == 4 and not _bridge.isClass(_value):
        _name = _py_name(_key)
        if _name not in globals():
            globals()[_name] = _binder(_key, _value, lift=True)
    elif _k == 5 and _key not in ("errors", "kernels"):
        _install(_module(_snake(_key)), _value, _key)
        globals()[_snake(_key)] = _module(_snake(_key))

# Top-level ops are also in tf.math / tf.linalg / tf.nn where TF has them (the engine's namespaces list them).
math = _module("math")
linalg = _module("linalg")
nn = _module("nn")
autodiff = _module("autodiff")
autodiff.ForwardAccumulator = _ForwardAccumulator
for _n in ("floordiv", "floormod", "logical_not", "abs", "cast"):
    if _n in globals() and not hasattr(math, _n):
        setattr(math, _n, globals()[_n])
if "divide" in globals():
    math.truediv = globals()["divide"]
    realdiv = globals()["divide"]
if not hasattr(nn, "relu") and "relu" in globals():
    nn.relu = globals()["relu"]


def _floordiv_fallback(x, y):
    xt = convert_to_tensor(x) if not isinstance(x, Tensor) else x
    q = _tensor(_engine.divide(xt._t, _as_js_tensor(y, xt._t.dtype)))
    return _tensor(_bridge.floorOf(q._t))


def _floormod_fallback(x, y):
    xt = convert_to_tensor(x) if not isinstance(x, Tensor) else x
    yt = y if isinstance(y, Tensor) else _tensor(_as_js_tensor(y, xt._t.dtype))
    return xt - floordiv(xt, yt) * yt


if "floordiv" not in globals():
    floordiv = _floordiv_fallback
    math.floordiv = floordiv
if "floormod" not in globals():
    floormod = _floormod_fallback
    math.floormod = floormod
if "reduce_logsumexp" in globals():
    math.reduce_logsumexp = globals()["reduce_logsumexp"]

# Keras: whatever the engine has (tf.keras), importable as `from tensorflow import keras`.
keras = _module("keras")
for _sub in ("layers", "losses", "metrics", "optimizers", "initializers", "activations", "models"):
    if not hasattr(keras, _sub):
        setattr(keras, _sub, _module("keras." + _sub))
if hasattr(_this, "optimizers"):
    for _n in dir(_sys.modules["tensorflow.optimizers"]):
        if not _n.startswith("_") and not hasattr(keras.optimizers, _n):
            setattr(keras.optimizers, _n, getattr(_sys.modules["tensorflow.optimizers"], _n))

dtypes = _module("dtypes")
for _n, _d in _DTYPES.items():
    setattr(dtypes, _n, _d)
dtypes.DType = DType
dtypes.as_dtype = as_dtype
errors_module = errors
_sys.modules["tensorflow.errors"] = errors

__version__ = "2.16.1-gradtape"
Module = None  # set by tensorflow.keras when the engine has tf.Module


# ──── Keras classes Python subclasses ────


class _KerasMeta(type):
    """isinstance(x, tf.keras.Model) holds for the engine's models too (Sequential)."""

    def __instancecheck__(cls, obj):
        if type.__instancecheck__(cls, obj):
            return True
        js = cls.__dict__.get("_js_base")
        return js is not None and isinstance(obj, _JsObj) and _bridge.isInstance(obj._o, js)


def _keras_subclassable(js_base, path):
    """A Python class over an engine Keras class: `class MyModel(tf.keras.Model)` with `def call(self, x)`.
    The instance holds an engine object whose `call` is the Python method (bridge.ts's subclass);
    attributes live in Python, and layers, variables and lists of them are also set on the engine
    object, so its tracking (`trainable_variables`, `layers`, `summary()`) sees them."""

    class KerasClass(_JsObj, metaclass=_KerasMeta):
        _js_base = js_base
        _stub_path = path  # the stubs (_gradtape_stubs.py)

        def __init_subclass__(cls, **kwargs):
            super().__init_subclass__(**kwargs)
            raw = cls.__dict__.get("build")
            if raw is not None:
                cls.build = _engine_built(raw)

        def __init__(self, *args, name=None, **kwargs):
            options = {k: v for k, v in kwargs.items() if k in ("trainable", "dtype")}
            if name is not None:
                options["name"] = name  # else the engine's: the class's name snake_cased, numbered (`linear_1`)
            object.__setattr__(self, "_path", path)
            self.__dict__["_gt_building"] = False
            build = _create_proxy(self._engine_build) if type(self).build is not KerasClass.build else None
            object.__setattr__(self, "_o", _bridge.subclass(js_base, _create_proxy(self._engine_call), _js(options), build, type(self).__name__))

        def build(self, input_shape):
            """Keras's default: nothing to make (a subclass's `super().build(input_shape)` lands here)."""

        def _engine_build(self, shape):
            # The engine's build wrapper calls this on the first call (or from a build() called in Python):
            # the Python class's own build runs, with Keras's TensorShape.
            self.__dict__["_gt_building"] = True
            try:
                type(self).build(self, TensorShape(shape))
            finally:
                self.__dict__["_gt_building"] = False

        def _engine_call(self, inputs, training):
            x = _wrap(inputs)
            import inspect

            try:
                takes_training = "training" in inspect.signature(self.call).parameters
            except (TypeError, ValueError):
                takes_training = False
            out = self.call(x, training=_wrap(training)) if takes_training and training is not None else self.call(x)
            return _js(out)

        def call(self, inputs, training=None):
            raise NotImplementedError(f"{type(self).__name__} has no call(self, inputs): a subclass of tf.keras.{path.split('.')[-1]} defines it")

        def __setattr__(self, name, value):
            object.__setattr__(self, name, value)
            if not name.startswith("_"):
                tracked = _tracked(value)
                if tracked is not None:
                    setattr(self._o, name, tracked)

        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return _JsObj.__getattr__(self, name)

        def __call__(self, *args, **kwargs):
            return _binder(path + "#call", self._o)(*args, **kwargs)

        def __repr__(self):
            return f"<{type(self).__module__}.{type(self).__name__} object>"

    KerasClass.__name__ = KerasClass.__qualname__ = path.split(".")[-1]
    return KerasClass


def _engine_built(raw):
    """A Keras subclass's build(input_shape), called from Python (`layer.build((None, 4))`), goes through
    the engine's wrapper, which marks the layer built, as Keras wraps build; from there (or from the
    first call) it runs the Python method, and a `super().build(...)` inside runs the parent's as it is."""

    def build(self, input_shape):
        if self.__dict__.get("_gt_building"):
            return raw(self, input_shape)
        self._o.build(_to_js([None if d is None else int(d) for d in input_shape]))

    build.__name__ = "build"
    build.__doc__ = raw.__doc__
    build.__wrapped__ = raw
    return build


def _tracked(value):
    """What the engine's tracking sees of an attribute: a layer, a variable, or a list of them."""
    if isinstance(value, _JsObj):
        return value._o
    if isinstance(value, Variable):
        return value._t
    if isinstance(value, (list, tuple)) and value and all(isinstance(e, (_JsObj, Variable)) for e in value):
        return _to_js([_tracked(e) for e in value])
    return None


for _path in ("keras.Model", "keras.layers.Layer"):
    _mod_name, _cls_name = _path.rsplit(".", 1)
    _mod = _sys.modules["tensorflow." + _mod_name]
    _js_cls = getattr(_mod, _cls_name, None)
    if isinstance(_js_cls, _ClassWrapper):
        setattr(_mod, _cls_name, _keras_subclassable(_js_cls._cls, _path))
if isinstance(getattr(keras, "Layer", None), _ClassWrapper) and hasattr(keras, "layers"):
    keras.Layer = keras.layers.Layer
