"""Runs a .grad.py file for src/python/runThread.ts: positions and names from Python's own `ast`,
the op's source position from Python's frames, a REPL-style echo of top-level expressions, and
errors as Python prints them (user frames only)."""
import ast
import linecache
import signal
import sys
import traceback

import _gradtape as _bridge
from pyodide.ffi import to_js

AVAILABLE = "tensorflow, numpy, matplotlib.pyplot and Python's standard library"


class _Missing:
    """Last on sys.meta_path: an import nothing else found says what GradTape ships."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if "." in name:
            return None
        raise ModuleNotFoundError(
            f"No module named '{name}'. GradTape runs TensorFlow's Python on its own engine; available are {AVAILABLE}.",
            name=name,
        )


if not any(isinstance(f, type) and f is _Missing for f in sys.meta_path):
    sys.meta_path.append(_Missing)


class _Run:
    def __init__(self, filename, source):
        self.filename = filename
        self.source = source
        self.lines = source.splitlines()
        # span (line, end_line, col, end_col), as co_positions() gives it, → (display line, display column 1-based in characters, name)
        self.spans = {}
        self.patterns = {}
        self.index = {}
        self.code_positions = {}
        # id(code object) → {f_lasti → position index}: the per-op lookup (Python's own cost, no
        # crossing; tensorflow's operators read it inline). `codes` keeps each code object alive, so
        # its id cannot be reused while the entry is there (a code object's own hash reads all its fields).
        self.by_code = {}
        self.codes = []

    # ──── ast: where each op's position shows, and the name it binds ────

    def char_col(self, line, byte_col):
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace")) + 1

    def display(self, node):
        """V8 places a call at the callee's last identifier; the same here, and a binary op at its operator."""
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Attribute):
                return f.end_lineno, self.char_col(f.end_lineno, f.end_col_offset) - len(f.attr)
            return f.lineno, self.char_col(f.lineno, f.col_offset)
        if isinstance(node, (ast.BinOp, ast.Compare)):
            left = node.left
            line = left.end_lineno
            text = self.lines[line - 1] if line <= len(self.lines) else ""
            col = len(text.encode("utf-8")[: left.end_col_offset].decode("utf-8", "replace"))
            while col < len(text) and text[col] in " )":
                col += 1
            return line, col + 1
        if isinstance(node, ast.Subscript):
            v = node.value
            return v.end_lineno, self.char_col(v.end_lineno, v.end_col_offset)  # the `[`
        return node.lineno, self.char_col(node.lineno, node.col_offset)

    def scan(self, tree):
        spans = self.spans

        def key(n):  # as co_positions() gives an instruction's span
            return (n.lineno, n.end_lineno, n.col_offset, n.end_col_offset)

        def target_pattern(t):
            if isinstance(t, ast.Name):
                return t.id
            if isinstance(t, (ast.Tuple, ast.List)):
                return {"elements": [e.id if isinstance(e, ast.Name) else None for e in t.elts]}
            return None

        named = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                named[key(node.value)] = node.targets[0].id
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], (ast.Tuple, ast.List)):
                self.patterns[key(node.value)] = target_pattern(node.targets[0])
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and isinstance(node.target, ast.Name) and node.value is not None:
                named[key(node.value)] = node.target.id
                if isinstance(node, ast.AugAssign):
                    named[key(node)] = node.target.id
            elif isinstance(node, (ast.With, ast.AsyncWith)):
                for item in node.items:
                    if isinstance(item.optional_vars, ast.Name):
                        named[key(item.context_expr)] = item.optional_vars.id
            elif isinstance(node, (ast.For, ast.AsyncFor)):
                p = target_pattern(node.target)
                if p is not None:
                    self.patterns[key(node.iter)] = p
                    self.patterns[key(node)] = p
            elif isinstance(node, ast.Return) and node.value is not None:
                pass
        self.name_arguments(tree, named, key)
        for node in ast.walk(tree):
            if isinstance(node, ast.expr) or isinstance(node, ast.AugAssign):
                line, col = self.display(node)
                spans[key(node)] = (line, col, named.get(key(node)))

    @staticmethod
    def name_arguments(tree, named, key):
        """A temporary passed to a function of the file takes the parameter's name, as in a .grad.ts
        (src/runner/run/names.ts): with `def loss_of(w):`, `loss_of(tf.add(a, b))` names the add `w`.
        Only functions defined once (`def f(…)`, `f = lambda …`), only an argument that is an op's
        own expression (a call, an operator, an index) without a name yet; `*args` ends the matching."""
        defs = {}

        def define(name, args):
            params = [p.arg for p in args.posonlyargs + args.args]
            keywords = {p.arg for p in args.args + args.kwonlyargs}
            defs[name] = None if name in defs else (params, keywords)

        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                define(node.name, node.args)
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Lambda):
                define(node.targets[0].id, node.value.args)
        if not defs:
            return
        temporaries = (ast.Call, ast.BinOp, ast.UnaryOp, ast.Subscript)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            d = defs.get(node.func.id)
            if d is None:
                continue
            params, keywords = d
            for i, arg in enumerate(node.args):
                if isinstance(arg, ast.Starred) or i >= len(params):
                    break
                if isinstance(arg, temporaries):
                    named.setdefault(key(arg), params[i])
            for kw in node.keywords:
                if kw.arg in keywords and isinstance(kw.value, temporaries):
                    named.setdefault(key(kw.value), kw.arg)

    # ──── frames: where the running op is ────

    def user_frame(self):
        f = sys._getframe(2)
        fn = self.filename
        while f is not None and f.f_code.co_filename != fn:
            f = f.f_back
        return f

    def span_of(self, f):
        code = f.f_code
        pos = self.code_positions.get(code)
        if pos is None:
            pos = list(code.co_positions())
            self.code_positions[code] = pos
        i = f.f_lasti // 2
        return pos[i] if 0 <= i < len(pos) else None

    def at(self, f):
        """The position index of the op that frame `f` (or the nearest user frame above it) is running, -1: none."""
        fn = self.filename
        while f.f_code.co_filename != fn:
            f = f.f_back
            if f is None:
                return -1
        c = f.f_code
        d = self.by_code.get(id(c))
        if d is None:
            d = self.by_code[id(c)] = {}
            self.codes.append(c)
        i = d.get(f.f_lasti)
        if i is None:
            i = d[f.f_lasti] = self.register(f)
        return i

    def register(self, f):
        """The index of frame f's span, telling the host about a span it has not seen."""
        span = self.span_of(f)
        if span is None or span[0] is None:
            span = (f.f_lineno, f.f_lineno, 0, 0)
        i = self.index.get(span)
        if i is None:
            line, col, name = self.spans.get(span) or (span[0], self.char_col(span[0], span[2] or 0), None)
            i = len(self.index)
            self.index[span] = i
            pattern = self.patterns.get(span)
            _bridge.newPosition(i, line, col, name, to_js(pattern, dict_converter=__import__("js").Object.fromEntries) if pattern is not None else None)
        return i

    def where(self):
        """The index of the user's position for the op running now (-1: none), registering new ones with the host."""
        f = self.user_frame()
        return -1 if f is None else self.at(f)

    def pattern_here(self):
        f = self.user_frame()
        if f is None:
            return None
        span = self.span_of(f)
        p = self.patterns.get(span) if span else None
        if p is None:
            # The loop's FOR_ITER may carry the `for` statement's span or the iterable's.
            for k, v in self.patterns.items():
                if k[0] == f.f_lineno:
                    p = v
                    break
        return p

    # ──── running ────

    def compile(self):
        tree = ast.parse(self.source, self.filename)
        self.scan(tree)
        # A top-level expression statement echoes its value, as a notebook cell or the REPL does
        # (`gradients` on its own line prints the tensor's repr).
        for i, stmt in enumerate(tree.body):
            if isinstance(stmt, ast.Expr) and not (isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)):
                call = ast.Call(func=ast.Name(id="__gradtape_echo__", ctx=ast.Load()), args=[stmt.value], keywords=[])
                ast.copy_location(call, stmt.value)
                ast.fix_missing_locations(call)
                call.func.lineno, call.func.col_offset = stmt.value.lineno, stmt.value.col_offset
                call.func.end_lineno, call.func.end_col_offset = stmt.value.lineno, stmt.value.col_offset
                tree.body[i] = ast.Expr(value=call)
                ast.copy_location(tree.body[i], stmt)
        return compile(tree, self.filename, "exec")

    def error(self, e):
        """A Python exception → the run's error: kind, name, message, position, traceback of user frames."""
        if isinstance(e, SyntaxError) and (e.filename == self.filename or e.filename in (None, "<unknown>")):
            line = e.lineno or 1
            col = e.offset or 1
            text = "".join(traceback.format_exception_only(type(e), e)).rstrip()
            return {"kind": "syntax", "name": type(e).__name__, "message": e.msg, "line": line, "column": col, "stack": text}
        frames = [fs for fs in traceback.extract_tb(e.__traceback__) if fs.filename == self.filename]
        name = type(e).__name__
        message = str(e)
        if isinstance(e, KeyError) and e.args:
            message = repr(e.args[0])
        lines = ["Traceback (most recent call last):"]
        for fs in frames:
            lines.append(f'  File "{fs.filename}", line {fs.lineno}, in {fs.name}')
            if fs.line:
                lines.append("    " + fs.line.strip())
        lines.append(f"{name}: {message}" if message else name)
        out = {"kind": "exception", "name": name, "message": message, "stack": "\n".join(lines)}
        if frames:
            last = frames[-1]
            out["line"] = last.lineno
            col = getattr(last, "colno", None)
            out["column"] = self.char_col(last.lineno, col) if col is not None else 1
        return out


_current = [None]


class _Out:
    """sys.stdout / sys.stderr: each line goes to the host at once, with the line of the user's code that printed it."""

    def __init__(self, level):
        self.level = level
        self.buf = ""

    def write(self, text):
        self.buf += text
        if "\n" in self.buf:
            *lines, self.buf = self.buf.split("\n")
            r = _current[0]
            at = r.where() if r is not None else -1
            for line in lines:
                _bridge.log(self.level, line, at)
        return len(text)

    def flush(self):
        if self.buf:
            r = _current[0]
            _bridge.log(self.level, self.buf, r.where() if r is not None else -1)
            self.buf = ""

    def isatty(self):
        return False

    @property
    def encoding(self):
        return "utf-8"


def where():
    r = _current[0]
    return r.where() if r is not None else -1


def pattern_here():
    r = _current[0]
    p = r.pattern_here() if r is not None else None
    if p is None:
        return None
    return to_js(p, dict_converter=__import__("js").Object.fromEntries)


SAMPLE_SIGNAL = 10  # src/python/protocol.ts


def _sample(signum, frame):
    """The host asks where the run is (a loop that runs no op sends no heartbeat): the user's line."""
    r = _current[0]
    f = frame
    while f is not None and r is not None and f.f_code.co_filename != r.filename:
        f = f.f_back
    if f is not None and r is not None:
        span = r.span_of(f)
        line = span[0] if span and span[0] else f.f_lineno
        _bridge.sample(line, r.char_col(line, span[2] or 0) if span and span[0] else 1)


def _echo(value):
    if value is not None and not getattr(value, "_gradtape_quiet", False):
        print(repr(value))


def _quiet_excepthook(*_):
    pass


def run(filename, source):
    """Runs the file as __main__; returns None, or the error as a dict (converted by the host)."""
    r = _Run(filename, source)
    _current[0] = r
    # Tracebacks show the user's lines: the file lives on the host, not in Pyodide's file system.
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    try:
        code = r.compile()
    except SyntaxError as e:
        return to_js(r.error(e), dict_converter=__import__("js").Object.fromEntries)
    sys.stdout, sys.stderr = _Out("log"), _Out("error")
    # Pyodide hands an exception leaving a Python callback (a Keras subclass's call or build, called by
    # the engine) to sys.excepthook, which printed the whole traceback, runtime frames included, before
    # the run's own error. The exception still propagates; run() reports it once, with user frames only.
    sys.excepthook = _quiet_excepthook
    signal.signal(SAMPLE_SIGNAL, _sample)
    main = type(sys)("__main__")
    main.__file__ = filename
    main.__builtins__ = __builtins__
    main.__dict__["__gradtape_echo__"] = _echo
    sys.modules["__main__"] = main
    try:
        exec(code, main.__dict__)
    except SystemExit as e:
        if e.code not in (None, 0):
            out = r.error(e)
            out["name"] = "SystemExit"
            out["message"] = f"the script called sys.exit({e.code!r})"
            return to_js(out, dict_converter=__import__("js").Object.fromEntries)
    except BaseException as e:  # noqa: BLE001 - every user error is the run's error
        return to_js(r.error(e), dict_converter=__import__("js").Object.fromEntries)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return None
