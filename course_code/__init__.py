"""From-scratch NumPy code for *Improving Deep Neural Networks*.

Modules, one concept each:

- :mod:`~course_code.activations`, :mod:`~course_code.layers`, :mod:`~course_code.network`:
  the course's ReLU/sigmoid network, forward and backward;
- :mod:`~course_code.initializers`, :mod:`~course_code.losses`,
  :mod:`~course_code.regularization` (L2, inverted dropout), :mod:`~course_code.batchnorm`;
- :mod:`~course_code.gradient_check`: numerical gradients and the relative difference;
- :mod:`~course_code.optimizers`, :mod:`~course_code.schedules`, :mod:`~course_code.minibatch`,
  :mod:`~course_code.training` (``train``), run fast by :mod:`~course_code.engine`;
- :mod:`~course_code.datasets`: circles, moons, the football stand-in, digits.

``import course_code`` imports neither matplotlib nor TensorFlow.
"""

__version__ = "0.1.0"
