"""matplotlib, as far as GradTape draws: `matplotlib.pyplot.plot` puts a curve in the panel."""


def use(*_, **__):
    pass
