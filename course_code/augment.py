"""Data augmentation for small images: shifted and rotated copies of each training image.

Images are stored the course's way, one flattened image per column: ``X.shape == (h * w, m)``,
pixel ``(r, c)`` (row ``r`` from the top, column ``c`` from the left) in row ``r * w + c`` of
``X``, which is how scikit-learn flattens its 8x8 digits. A new copy of an image keeps its
label, so augmenting ``(X, Y)`` repeats the columns of ``Y``.

Pixels that move in from outside the image are 0 (the digits' background), so a shift
loses the row or column it pushes out and a rotation loses its corners.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FOUR_SHIFTS", "augment", "rotate_images", "shift_images"]

#: The four one-pixel shifts ``(dx, dy)``: right, left, down, up.
FOUR_SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def _images(X, shape) -> tuple[np.ndarray, int, int]:
    """``X`` (h * w, m) as an array of images (h, w, m), after checking the shapes."""
    h, w = shape
    for name, v in (("height", h), ("width", w)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError(f"image {name} must be a whole number >= 1, got {v!r}")
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[0] != h * w:
        raise ValueError(f"X must have shape ({h * w}, m): one flattened {h}x{w} image per column, "
                         f"got {X.shape}")
    return X.reshape(h, w, X.shape[1]), h, w


def _check_shift(name: str, d, size: int) -> int:
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or abs(d) >= size:
        raise ValueError(f"{name} must be a whole number with |{name}| < {size}, got {d!r}")
    return int(d)


def shift_images(X, dx: int, dy: int, *, shape: tuple[int, int] = (8, 8)) -> np.ndarray:
    """Every image of ``X`` moved ``dx`` pixels right and ``dy`` pixels down, zero filled.

    Parameters
    ----------
    X : ndarray of shape (h * w, m)
        One flattened image per column (row-major, see the module docstring).
    dx, dy : int
        The move; negative is left (``dx``) or up (``dy``). ``|dx| < w`` and ``|dy| < h``.
    shape : (h, w)
        The image size, (8, 8) for the digits.

    Returns
    -------
    ndarray of shape (h * w, m)
        The shifted images: pixel ``(r, c)`` goes to ``(r + dy, c + dx)``; pixels pushed out
        are lost and the ones left empty are 0.

    Notes
    -----
    .. math:: x'_{r, c} = \\begin{cases} x_{r - dy,\\, c - dx} & \\text{inside the image} \\\\
              0 & \\text{otherwise} \\end{cases}
    """
    imgs, h, w = _images(X, shape)
    dx, dy = _check_shift("dx", dx, w), _check_shift("dy", dy, h)
    # --8<-- [start:shift]
    out = np.zeros_like(imgs)
    # rows r -> r + dy and columns c -> c + dx, where both stay inside the image
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        imgs[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out.reshape(h * w, -1)
    # --8<-- [end:shift]


def _pixels(imgs, r, c):
    """``imgs[r, c]`` for integer index arrays ``r, c`` (h, w), 0 outside the image: (h, w, m)."""
    h, w = imgs.shape[:2]
    inside = (r >= 0) & (r < h) & (c >= 0) & (c < w)
    return imgs[np.clip(r, 0, h - 1), np.clip(c, 0, w - 1)] * inside[..., None]


def rotate_images(X, degrees: float, *, shape: tuple[int, int] = (8, 8)) -> np.ndarray:
    """Every image of ``X`` turned ``degrees`` counter-clockwise about its centre (bilinear, zero fill).

    Parameters
    ----------
    X : ndarray of shape (h * w, m)
        One flattened image per column (row-major).
    degrees : float
        The angle as seen on screen; positive is counter-clockwise. Finite.
    shape : (h, w)
        The image size.

    Returns
    -------
    ndarray of shape (h * w, m)

    Notes
    -----
    Each output pixel looks up where it came from: the pixel at offset :math:`(x, y)` from the
    centre (:math:`y` counts rows, downwards) reads the input at

    .. math:: x_s = x \\cos\\theta - y \\sin\\theta, \\qquad y_s = x \\sin\\theta + y \\cos\\theta,

    which falls between pixels, so it mixes the four nearest ones by their distances
    (bilinear interpolation). Reading backwards like this leaves no holes in the output.
    A quarter turn maps the grid onto itself: ``rotate_images(X, 90)`` is ``np.rot90`` of
    each image, up to rounding.
    """
    imgs, h, w = _images(X, shape)
    if isinstance(degrees, bool) or not np.isfinite(float(degrees)):
        raise ValueError(f"degrees must be a finite number, got {degrees!r}")
    # --8<-- [start:rotate]
    t = np.deg2rad(float(degrees))
    cy, cx = (h - 1) / 2, (w - 1) / 2
    r, c = np.mgrid[0:h, 0:w]
    y, x = r - cy, c - cx                    # offsets from the centre
    ys = x * np.sin(t) + y * np.cos(t) + cy  # where each pixel comes from
    xs = x * np.cos(t) - y * np.sin(t) + cx
    r0, c0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    r1, c1 = r0 + 1, c0 + 1
    fy = (ys - r0)[..., None]                # 0..1 towards the next row
    fx = (xs - c0)[..., None]                # 0..1 towards the next column
    top = (1 - fx) * _pixels(imgs, r0, c0) + fx * _pixels(imgs, r0, c1)
    bottom = (1 - fx) * _pixels(imgs, r1, c0) + fx * _pixels(imgs, r1, c1)
    out = (1 - fy) * top + fy * bottom
    return out.reshape(h * w, -1)
    # --8<-- [end:rotate]


def augment(X, Y, *, shifts=FOUR_SHIFTS, angles=(), shape: tuple[int, int] = (8, 8)):
    """The images of ``X`` followed by a shifted copy for each shift and a rotated copy for each angle.

    Parameters
    ----------
    X : ndarray of shape (h * w, m)
    Y : ndarray of shape (n_y, m)
        The labels (one-hot or not): every copy keeps its image's label.
    shifts : sequence of (dx, dy)
        As in :func:`shift_images`; the default is the four one-pixel shifts.
    angles : sequence of float
        Degrees, as in :func:`rotate_images`.

    Returns
    -------
    X_aug : ndarray of shape (h * w, m * (1 + k))
        ``k = len(shifts) + len(angles)``; the originals first, then one block of ``m``
        copies per shift, then per angle.
    Y_aug : ndarray of shape (n_y, m * (1 + k))
        ``Y`` repeated in the same blocks.
    """
    images, _, _ = _images(X, shape)
    Y = np.asarray(Y)
    if Y.ndim != 2 or Y.shape[1] != images.shape[2]:
        raise ValueError(f"Y must have shape (n_y, {images.shape[2]}): one label column per image, "
                         f"got {Y.shape}")
    # --8<-- [start:augment]
    X = images.reshape(-1, images.shape[2])
    copies = [X]
    copies += [shift_images(X, dx, dy, shape=shape) for dx, dy in shifts]
    copies += [rotate_images(X, a, shape=shape) for a in angles]
    return np.hstack(copies), np.hstack([Y] * len(copies))
    # --8<-- [end:augment]
