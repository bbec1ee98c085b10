"""matplotlib.pyplot.plot draws a curve in GradTape's panel (the curves tf.summary.scalar feeds)."""
import _gradtape as _bridge

_count = [0]
_title = [None]


def _values(v):
    if hasattr(v, "numpy"):
        v = v.numpy()
    if hasattr(v, "tolist"):
        v = v.tolist()
    if isinstance(v, (int, float)):
        return [float(v)]
    out = []
    for e in v:
        out.extend(_values(e))
    return out


class _Artists(list):
    """What plot() returns: not echoed as a top-level expression (a notebook shows no plot's list either)."""

    _gradtape_quiet = True


def plot(*args, label=None, **_style):
    """plot(y) or plot(x, y) (a format string like 'r-' is accepted and ignored): one curve per call."""
    args = [a for a in args if not isinstance(a, str)]
    if not args:
        return _Artists()
    ys = _values(args[-1])
    xs = _values(args[0]) if len(args) > 1 else list(range(len(ys)))
    _count[0] += 1
    name = label or _title[0] or ("plot" if _count[0] == 1 else f"plot {_count[0]}")
    _bridge.plot(name, [float(x) for x in xs], [float(y) for y in ys])
    return _Artists()


def title(text, **_):
    _title[0] = str(text)


def show(*_, **__):
    pass


def figure(*_, **__):
    return None


def xlabel(*_, **__):
    pass


ylabel = xlabel
legend = xlabel
grid = xlabel
savefig = xlabel
close = xlabel
scatter = plot
