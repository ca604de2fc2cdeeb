"""Shifted and rotated copies of flattened images (course_code.augment)."""

import numpy as np
import pytest

from course_code.augment import FOUR_SHIFTS, augment, rotate_images, shift_images


def _one_pixel(r, c, h=8, w=8):
    """A single image (h * w, 1) that is 1 at row r, column c and 0 elsewhere."""
    X = np.zeros((h * w, 1))
    X[r * w + c] = 1.0
    return X


@pytest.mark.parametrize(("r", "c", "dx", "dy"),
                         [(3, 4, 1, 0), (3, 4, -1, 0), (3, 4, 0, 1), (3, 4, 0, -1), (3, 4, 2, -3),
                          (0, 7, -7, 7)])
def test_a_shift_moves_a_pixel_where_expected(r, c, dx, dy):
    out = shift_images(_one_pixel(r, c), dx, dy)
    expected = np.zeros((8, 8))
    expected[r + dy, c + dx] = 1.0
    np.testing.assert_array_equal(out.reshape(8, 8), expected)


def test_a_shift_on_a_rectangle_uses_rows_and_columns():
    X = np.arange(12.0).reshape(12, 1)                  # 3 rows of 4: 0 1 2 3 / 4 5 6 7 / 8 9 10 11
    right = shift_images(X, 1, 0, shape=(3, 4)).reshape(3, 4)
    np.testing.assert_array_equal(right, [[0, 0, 1, 2], [0, 4, 5, 6], [0, 8, 9, 10]])
    up = shift_images(X, 0, -1, shape=(3, 4)).reshape(3, 4)
    np.testing.assert_array_equal(up, [[4, 5, 6, 7], [8, 9, 10, 11], [0, 0, 0, 0]])


def test_shift_by_zero_is_the_identity():
    X = np.random.default_rng(0).random((64, 5))
    np.testing.assert_array_equal(shift_images(X, 0, 0), X)


def test_a_shift_and_its_opposite_give_back_the_inside():
    X = np.random.default_rng(1).random((64, 3))
    back = shift_images(shift_images(X, 1, 0), -1, 0).reshape(8, 8, 3)
    np.testing.assert_array_equal(back[:, :7], X.reshape(8, 8, 3)[:, :7])   # the last column was lost
    np.testing.assert_array_equal(back[:, 7], 0)


def test_the_pixel_pushed_out_is_lost():
    assert shift_images(_one_pixel(0, 7), 1, 0).sum() == 0


@pytest.mark.parametrize(("dx", "dy", "bad"), [(8, 0, "dx"), (0, -8, "dy"), (1.0, 0, "dx"), (True, 0, "dx")])
def test_bad_shift_is_refused_naming_the_value(dx, dy, bad):
    value = {"dx": dx, "dy": dy}[bad]
    with pytest.raises(ValueError, match=rf"{bad} must be .* got {value!r}"):
        shift_images(np.zeros((64, 1)), dx, dy)


def test_bad_image_shape_is_refused_naming_the_shape():
    with pytest.raises(ValueError, match=r"\(64, m\).*got \(63, 2\)"):
        shift_images(np.zeros((63, 2)), 1, 0)
    with pytest.raises(ValueError, match=r"got \(64,\)"):
        rotate_images(np.zeros(64), 10)
    with pytest.raises(ValueError, match=r"height must be .* got 0"):
        shift_images(np.zeros((0, 2)), 0, 0, shape=(0, 8))


def test_rotation_by_zero_and_by_a_full_turn_is_the_identity():
    X = np.random.default_rng(2).random((64, 4))
    np.testing.assert_allclose(rotate_images(X, 0), X, atol=1e-12)
    np.testing.assert_allclose(rotate_images(X, 360), X, atol=1e-12)


@pytest.mark.parametrize(("degrees", "k"), [(90, 1), (180, 2), (-90, -1)])
def test_quarter_turns_are_numpys_rot90(degrees, k):
    X = np.random.default_rng(3).random((6 * 6, 2))
    out = rotate_images(X, degrees, shape=(6, 6)).reshape(6, 6, 2)
    expected = np.rot90(X.reshape(6, 6, 2), k=k, axes=(0, 1))  # counter-clockwise on screen
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_a_small_rotation_interpolates_between_the_neighbours():
    # A vertical bar through the centre column pair turned by a small angle: its top moves
    # left (counter-clockwise) and its bottom right; the total ink stays close.
    img = np.zeros((8, 8))
    img[1:7, 3:5] = 1.0
    out = rotate_images(img.reshape(64, 1), 10).reshape(8, 8)
    assert out[1, :4].sum() > img[1, :4].sum() and out[6, 4:].sum() > img[6, 4:].sum()
    assert abs(out.sum() - img.sum()) < 0.05 * img.sum()
    assert out.min() >= 0 and out.max() <= 1


def test_rotation_refuses_a_bad_angle():
    with pytest.raises(ValueError, match=r"degrees must be a finite number, got nan"):
        rotate_images(np.zeros((64, 1)), float("nan"))


def test_augment_stacks_the_copies_in_blocks_and_repeats_the_labels():
    rng = np.random.default_rng(4)
    X, Y = rng.random((64, 3)), np.eye(6)[:, [0, 4, 2]]
    X_aug, Y_aug = augment(X, Y, angles=(10.0,))
    k = 1 + len(FOUR_SHIFTS) + 1
    assert X_aug.shape == (64, 3 * k) and Y_aug.shape == (6, 3 * k)
    np.testing.assert_array_equal(X_aug[:, :3], X)
    for j, (dx, dy) in enumerate(FOUR_SHIFTS, start=1):
        np.testing.assert_array_equal(X_aug[:, 3 * j:3 * j + 3], shift_images(X, dx, dy))
    np.testing.assert_array_equal(X_aug[:, -3:], rotate_images(X, 10.0))
    for j in range(k):
        np.testing.assert_array_equal(Y_aug[:, 3 * j:3 * j + 3], Y)


def test_augment_with_nothing_to_add_is_the_data():
    X, Y = np.ones((64, 2)), np.ones((1, 2))
    X_aug, Y_aug = augment(X, Y, shifts=())
    np.testing.assert_array_equal(X_aug, X)
    np.testing.assert_array_equal(Y_aug, Y)


def test_augment_refuses_labels_that_do_not_match():
    with pytest.raises(ValueError, match=r"Y must have shape \(n_y, 3\).*got \(1, 2\)"):
        augment(np.zeros((64, 3)), np.zeros((1, 2)))
