"""Static figures of lesson 12: outputs as distributions, autoencoders, the VAE.

They only draw: every number comes from :mod:`mlekit.generative` (predicted
means and standard deviations, samples, densities, codes, decoded images).

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import numpy as np
>>> from mlekit.plotting.generative import digit_grid, predictive_bands
>>> x = np.linspace(0, 4, 20)
>>> axes = predictive_bands(x, x, x, {"learned σ": (x, 0.1 + 0.1 * x)})
>>> len(axes)
1
>>> im = digit_grid(np.random.default_rng(0).random((6, 64)), ncols=3)
>>> im.get_array().shape
(19, 28)
"""

from __future__ import annotations

import numpy as np

from .. import _validation as V
from ..generative import gaussian_nll
from .style import COLORS, PALETTE, course_style

__all__ = ["predictive_bands", "predictive_samples", "three_heads", "digit_grid",
           "reconstruction_rows", "latent_scatter", "DIGIT_COLORS"]

#: one colour per digit 0–9 (the course palette; the digit itself is the marker)
DIGIT_COLORS = [PALETTE[c] for c in ("blue", "orange", "green", "vermillion", "purple", "sky",
                                     "black", "grey", "yellow", "blue")]


def _subplots(n, figsize, *, vertical=False, **kw):
    import matplotlib.pyplot as plt

    shape = (n, 1) if vertical else (1, n)
    with course_style():
        fig, axes = plt.subplots(*shape, figsize=figsize, layout="constrained", **kw)
    return fig, np.atleast_1d(axes)


def predictive_bands(x, t, x_grid, fits, axes=None, *, true_sigma=None):
    """One panel per fit: the data, the predicted mean μ(x) and the band μ ± 2σ(x).

    *fits* maps a label to ``(mu, sigma)`` on *x_grid* (from
    :meth:`mlekit.generative.GaussianRegressionNet.predict`); *true_sigma*
    (on *x_grid*) adds the true ±2σ as dotted lines. Returns the Axes.
    """
    if not isinstance(fits, dict) or not fits:
        V.fail("fits", "be a dict label -> (mu, sigma)", V.describe(fits),
               'For example {"learned σ": net.predict(x_grid)}.', TypeError)
    if axes is None:
        _, axes = _subplots(len(fits), (5.0 * len(fits), 3.6), sharey=True)
    xg = V.as_float_array(x_grid, "x_grid", ndim=1)
    for ax, (label, (mu, sigma)) in zip(np.atleast_1d(axes), fits.items()):
        mu, sigma = np.asarray(mu, float), np.asarray(sigma, float)
        ax.scatter(x, t, s=9, color=COLORS["data"], alpha=0.7, label="data")
        ax.fill_between(xg, mu - 2 * sigma, mu + 2 * sigma, color=COLORS["model"], alpha=0.2,
                        linewidth=0, label="μ ± 2σ")
        ax.plot(xg, mu, color=COLORS["model"], label="μ(x)")
        if true_sigma is not None:
            ax.plot(xg, mu + 2 * np.asarray(true_sigma), ":", color=COLORS["mle"], linewidth=1.1,
                    label="μ ± 2σ, true σ")
            ax.plot(xg, mu - 2 * np.asarray(true_sigma), ":", color=COLORS["mle"], linewidth=1.1)
        ax.set(xlabel="x", title=label)
        ax.legend(loc="upper left", fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel("t")
    return list(np.atleast_1d(axes))


def predictive_samples(x, t, x_grid, samples, ax=None, *, label="samples"):
    """The real data next to data sets sampled from the predictive distribution.

    *samples* has one row per sampled data set, on *x_grid*. Returns the Axes.
    """
    s = V.as_float_array(samples, "samples", ndim=2)
    if ax is None:
        ax = _subplots(1, (5.0, 3.6))[1][0]
    for k, row in enumerate(s):
        ax.scatter(x_grid, row, s=7, color=PALETTE["orange"], alpha=0.45,
                   label=label if k == 0 else None)
    ax.scatter(x, t, s=9, color=COLORS["data"], label="data")
    ax.set(xlabel="x", ylabel="t", title="Sampled from the predictive distribution")
    ax.legend(loc="upper left", fontsize=9)
    return ax


def three_heads(gaussian, bernoulli, categorical, axes=None):
    """The three output heads as distributions, each with samples drawn from it.

    Parameters
    ----------
    gaussian : (mu, sigma, samples, nll)
        A Gaussian head: its density is drawn from
        :func:`mlekit.generative.gaussian_nll`, the samples as a histogram.
    bernoulli : (p, samples, nll)
    categorical : (probs, samples, nll)
        Bars of the probabilities next to the frequencies of the samples.
    Each *nll* (of one observed target) is shown in the panel title.
    Returns the three Axes.
    """
    if axes is None:
        _, axes = _subplots(3, (10.0, 3.4))
    ax_g, ax_b, ax_c = axes
    mu, sigma, gs, g_nll = gaussian
    grid = np.linspace(mu - 4 * sigma, mu + 4 * sigma, 200)
    dens = np.exp(-np.asarray(gaussian_nll(grid, mu, np.log(sigma), reduction="none")))
    ax_g.hist(np.asarray(gs), bins=30, density=True, color=PALETTE["orange"], alpha=0.5,
              label="samples")
    ax_g.plot(grid, dens, color=COLORS["mse"], label=f"N({mu:g}, {sigma:g}²)")
    ax_g.set(xlabel="y", ylabel="density", title=f"Gaussian head (MSE)\nNLL {g_nll:.3f}",
             ylim=(0, 1.45 * dens.max()))
    p, bs, b_nll = bernoulli
    freq = np.bincount(np.asarray(bs, int), minlength=2) / len(bs)
    _bars(ax_b, [1 - p, p], freq, ["0", "1"], COLORS["bce"])
    ax_b.set(xlabel="y", title=f"Bernoulli head (BCE)\nNLL {b_nll:.3f}")
    probs, cs, c_nll = categorical
    probs = np.asarray(probs, float)
    freq = np.bincount(np.asarray(cs, int), minlength=probs.size) / len(cs)
    _bars(ax_c, probs, freq, [str(k) for k in range(probs.size)], COLORS["target"])
    ax_c.set(xlabel="class", title=f"Categorical head (CE)\nNLL {c_nll:.3f}")
    for ax in axes:
        ax.legend(loc="upper right", fontsize=9)
    ax_b.set_ylabel("probability")
    return list(axes)


def _bars(ax, probs, freq, names, color):
    pos = np.arange(len(probs))
    ax.bar(pos - 0.2, probs, 0.4, color=color, label="probability")
    ax.bar(pos + 0.2, freq, 0.4, color=PALETTE["orange"], alpha=0.6, label="sample frequency")
    ax.set_xticks(pos, names)
    ax.set_ylim(0, 1.25)


def digit_grid(images, ax=None, *, ncols=10, title="", labels=None):
    """Draw 8×8 images (rows of 64 values in [0, 1]) as one mosaic; returns the AxesImage.

    Ink is dark on white, as the digits were written. *labels* (one string
    per image) are written under each image.
    """
    imgs = V.as_float_array(images, "images", ndim=2)
    if imgs.shape[1] != 64:
        V.fail("images", "have 64 pixels per row (8×8 images)", f"shape {imgs.shape}",
               "Pass rows of mlekit.datasets.digits()[0] or decoded images.")
    ncols = V.check_int(ncols, "ncols", minimum=1)
    n = imgs.shape[0]
    nrows = -(-n // ncols)
    pad = 1
    canvas = np.full((nrows * (8 + pad) + pad, ncols * (8 + pad) + pad), np.nan)
    for i in range(n):
        r, c = divmod(i, ncols)
        canvas[pad + r * (8 + pad):pad + r * (8 + pad) + 8,
               pad + c * (8 + pad):pad + c * (8 + pad) + 8] = imgs[i].reshape(8, 8)
    if ax is None:
        ax = _subplots(1, (min(10.0, 0.55 * ncols + 0.4), 0.55 * nrows + 0.6))[1][0]
    import matplotlib

    cmap = matplotlib.colormaps["Greys"].with_extremes(bad=(*matplotlib.colors.to_rgb(
        PALETTE["sky"]), 0.25))
    im = ax.imshow(canvas, cmap=cmap, vmin=0.0, vmax=1.0, interpolation="nearest")
    if labels is not None:
        for i, text in enumerate(labels):
            r, c = divmod(i, ncols)
            ax.text(pad + c * (8 + pad) + 3.5, pad + r * (8 + pad) + 8.3, str(text),
                    ha="center", va="top", fontsize=9, color=COLORS["nll"])
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return im


def reconstruction_rows(rows, axes=None):
    """One mosaic row per entry of *rows* (label → images), e.g. originals and two reconstructions.

    Returns the Axes.
    """
    if not isinstance(rows, dict) or not rows:
        V.fail("rows", "be a dict label -> images", V.describe(rows),
               'For example {"original": x, "Bernoulli decoder": ae.reconstruct(x)}.', TypeError)
    if axes is None:
        _, axes = _subplots(len(rows), (10.0, 1.0 * len(rows) + 0.2), vertical=True)
    for ax, (label, imgs) in zip(np.atleast_1d(axes), rows.items()):
        n = len(imgs)
        digit_grid(imgs, ax, ncols=n)
        ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    return list(np.atleast_1d(axes))


def latent_scatter(z, labels, ax=None, *, title="Latent space: μ(x) of every image"):
    """The 2-D codes *z*, each drawn as its digit in that digit's colour. Returns the Axes."""
    z = V.as_float_array(z, "z", ndim=2)
    if z.shape[1] != 2:
        V.fail("z", "have 2 columns (a 2-D latent space)", f"shape {z.shape}",
               "Train the model with a 2-D code to draw its latent space.")
    labels = np.asarray(labels).astype(int)
    if ax is None:
        ax = _subplots(1, (5.2, 4.4))[1][0]
    for d in range(10):
        pts = z[labels == d]
        ax.scatter(pts[:, 0], pts[:, 1], marker=f"${d}$", s=26, color=DIGIT_COLORS[d],
                   alpha=0.7, linewidths=0.3, label=str(d))
    ax.set(xlabel="$z_1$", ylabel="$z_2$", title=title)
    ax.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize=9, title="digit",
              markerscale=1.3)
    return ax
