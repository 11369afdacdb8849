"""Claims of docs/reference/tensors-and-gradients.md that its code does not show."""

from tests.claims.claims import claim

PAGE = "reference/tensors-and-gradients.md"


@claim(PAGE,
       "Both kinds change in place with `assign`, `assign_add` and `assign_sub`.")
def test_keras_variables_assign_in_place():
    import keras
    import numpy as np

    layer = keras.layers.Dense(2)
    layer.build((None, 3))
    kernel = layer.kernel
    kernel.assign(np.ones((3, 2)))
    kernel.assign_add(np.ones((3, 2)))
    kernel.assign_sub(np.full((3, 2), 0.5))
    assert layer.kernel is kernel and np.allclose(layer.kernel.numpy(), 1.5)


@claim(PAGE,
       "Operations run inside a `tf.GradientTape` are recorded, and the tape then computes the "
       "derivative of a result with respect to any trainable variable they used.",
       "A constant tensor, or a variable created with `trainable=False`, gets a gradient only "
       "if it was passed to `tape.watch()` first; otherwise the tape returns `None` for it.")
def test_tape_watches_trainable_variables_only():
    import tensorflow as tf

    constant = tf.constant(2.0)
    frozen = tf.Variable(3.0, trainable=False)
    trainable = tf.Variable(4.0)
    with tf.GradientTape() as tape:
        y = constant**2 + frozen**2 + trainable**2
    assert tape.gradient(y, [constant, frozen, trainable])[:2] == [None, None]
    with tf.GradientTape() as tape:
        tape.watch(constant)
        tape.watch(frozen)
        y = constant**2 + frozen**2 + trainable**2
    assert [float(g) for g in tape.gradient(y, [constant, frozen, trainable])] == [4.0, 6.0, 8.0]


@claim(PAGE,
       "The model is called with `training=True`, as `fit()` calls it "
       "([training mode](../glossary.md#training-mode-inference-mode)):")
def test_fit_calls_the_model_in_training_mode():
    import keras
    import numpy as np

    modes = []

    class Recording(keras.layers.Layer):
        def call(self, x, training=None):
            modes.append(training)
            return x

        def compute_output_shape(self, input_shape):
            return input_shape

    model = keras.Sequential([keras.Input(shape=(2,)), Recording(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    modes.clear()
    model.fit(np.ones((4, 2)), np.ones((4, 1)), batch_size=4, verbose=0)
    assert modes == [True]


@claim(PAGE,
       "`fit()` adds batching, shuffling, metrics, [callbacks](../glossary.md#callback) and "
       "compilation of the step into a graph (next section).",
       "This is what `fit()` does with its own training step.")
def test_fit_compiles_its_step_with_tf_function():
    import keras
    import numpy as np
    import tensorflow as tf

    eager = []

    class Recording(keras.layers.Layer):
        def call(self, x, training=None):
            eager.append(tf.executing_eagerly())  # Python: runs only while tracing
            return x

        def compute_output_shape(self, input_shape):
            return input_shape

    model = keras.Sequential([keras.Input(shape=(2,)), Recording(), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    assert model.run_eagerly is False  # the default
    eager.clear()
    model.fit(np.ones((40, 2)), np.ones((40, 1)), batch_size=4, epochs=2, verbose=0)
    assert eager and not any(eager)  # inside a graph
    assert len(eager) < 20  # traced, not run from Python at each of the 20 steps


@claim(PAGE,
       "`tf.function` traces a Python function into a TensorFlow graph (the recorded "
       "operations, which then run without Python) the first time it is called with a new "
       "input signature (new shapes or dtypes of its tensor arguments; a plain Python number "
       "traces again for every new value), and runs the graph afterwards.",
       "Use `tf.print` for output that should appear on every call.")
def test_tf_function_retraces_on_new_signatures(capfd):
    import tensorflow as tf

    traces = []

    @tf.function
    def double(x):
        traces.append(1)
        tf.print("called")
        return x * 2

    double(tf.constant(1.0))
    double(tf.constant(2.0))  # same shape and dtype: no new trace
    assert len(traces) == 1
    double(tf.constant([1.0, 2.0]))  # new shape
    double(tf.constant(1))  # new dtype
    assert len(traces) == 3
    double(1)
    double(2)  # Python numbers: each new value traces
    double(2)
    assert len(traces) == 5
    assert capfd.readouterr().err.count("called") == 7  # tf.print: every call
