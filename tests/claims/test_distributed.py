"""Claims of docs/tutorials/distributed.ipynb that its code does not show.

The notebook shows, by running them, what two replicas and two workers do. What it would
take a cluster, a GPU or a second worker to show is checked here on the machinery that
tf.distribute and Keras really use, in this process: the function that shards each
worker's dataset (`input_ops.auto_shard_dataset`), the function that picks a strategy's
devices, Keras's own `fit()` with the one test that decides "multi-worker" answered yes.
"""

import json
import os
import socket
import subprocess
import sys
import textwrap

import pytest

from tests.claims.claims import claim


@claim("tutorials/distributed.ipynb",
       "A machine with no GPU has one CPU device.",
       "This must run before TensorFlow starts its runtime (before the first TensorFlow "
       "operation), which is why it comes first;")
def test_logical_devices_cannot_change_once_the_runtime_started():
    import tensorflow as tf

    assert len(tf.config.list_physical_devices("CPU")) == 1  # however many cores

    tf.zeros(1)  # an operation: the runtime is started now, whatever ran before
    cpu = tf.config.list_physical_devices("CPU")[0]
    with pytest.raises(RuntimeError, match="cannot be modified after being initialized"):
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


@claim("tutorials/distributed.ipynb",
       "Called with no arguments, `MirroredStrategy()` uses every GPU it finds or, on a "
       "machine without one, every logical CPU device")
def test_mirrored_strategy_defaults_to_all_gpus_else_all_cpus(monkeypatch):
    import tensorflow as tf
    from tensorflow.python.distribute import mirrored_strategy

    cpus = tf.config.list_logical_devices("CPU")
    assert mirrored_strategy.all_local_devices() == cpus  # this machine: no GPU
    gpus = ["GPU:0", "GPU:1", "GPU:2"]  # what a machine with three GPUs lists
    listed = {"GPU": gpus, "CPU": cpus}
    monkeypatch.setattr(mirrored_strategy.config, "list_logical_devices", listed.get)
    assert mirrored_strategy.all_local_devices() == gpus


@claim("tutorials/distributed.ipynb",
       "`shuffle=False` because the dataset decides the order (`fit()` warns that it "
       "ignores `shuffle` for a `tf.data.Dataset`).")
def test_fit_warns_that_it_ignores_shuffle_for_a_dataset():
    import keras
    import numpy as np
    import tensorflow as tf

    model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    data = tf.data.Dataset.from_tensor_slices((np.ones((4, 2)), np.ones((4, 1)))).batch(2)
    with pytest.warns(UserWarning, match="`shuffle=True` was passed, but will be ignored"):
        model.fit(data, epochs=1, verbose=0)  # shuffle=True is fit()'s default


@claim("tutorials/distributed.ipynb",
       "worker 0 is the **chief**, which does the extra jobs such as writing the saved "
       "model.")
def test_worker_0_is_the_chief_of_a_cluster_of_workers():
    from tensorflow.python.distribute import multi_worker_util

    cluster = {"worker": ["host0:2222", "host1:2222", "host2:2222"]}
    chiefs = [i for i in range(3) if multi_worker_util.is_chief(cluster, "worker", i)]
    assert chiefs == [0]


@claim("tutorials/distributed.ipynb",
       "A second error waits behind the first: with the first one worked around, both stop "
       "at `ValueError: Invalid reduction dimension 0 for input with 0 dimensions`, raised "
       "where Keras averages the metrics over the workers")
def test_keras_averages_scalar_metrics_over_workers_along_an_axis_they_lack(monkeypatch):
    """The real fit() and evaluate() of this Keras, under a one-replica strategy in this
    process, with the one function that tells Keras "this strategy spans several
    workers" answering yes (the first error, which the notebook shows, needs a real second
    worker and does not happen here)."""
    import keras
    import numpy as np
    import tensorflow as tf
    from keras.src.backend.tensorflow import trainer

    multi_worker = []
    monkeypatch.setattr(trainer, "_collective_all_reduce_multi_worker",
                        lambda strategy: multi_worker.append(strategy) or True)
    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    with strategy.scope():
        model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(3)])
        model.compile(optimizer="sgd", metrics=["accuracy"],
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    data = tf.data.Dataset.from_tensor_slices((np.ones((8, 2)), np.zeros(8))).batch(4)
    message = "Invalid reduction dimension 0 for input with 0 dimensions"
    with pytest.raises(ValueError, match=message):
        model.fit(data, epochs=1, shuffle=False, verbose=0)
    with pytest.raises(ValueError, match=message):
        model.evaluate(data, verbose=0)
    assert multi_worker, "the error must come from Keras's multi-worker reduction"
    monkeypatch.undo()  # the same calls, as one worker: no error
    model.fit(data, epochs=1, shuffle=False, verbose=0)
    model.evaluate(data, verbose=0)


@claim("tutorials/distributed.ipynb",
       "Keras 2 runs `fit()` under this strategy: that is the `tf-keras` package, which "
       "`tf.keras` becomes when the environment variable `TF_USE_LEGACY_KERAS=1` is set "
       "before TensorFlow is imported.")
def test_keras_2_fits_under_multi_worker_mirrored_strategy(tmp_path):
    """Two real workers on the loopback network, under tf-keras (pinned in requirements.txt
    for this check)."""
    script = tmp_path / "worker.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import tensorflow as tf

        keras = tf.keras
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        x = np.random.default_rng(0).random((64, 4), dtype="float32")
        y = np.arange(64) % 3
        data = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
        with strategy.scope():
            model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
            model.compile("sgd", keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        history = model.fit(data, epochs=2, verbose=0)
        print(keras.__name__, strategy.num_replicas_in_sync, len(history.history["loss"]))
    """))
    with socket.socket() as a, socket.socket() as b:
        a.bind(("localhost", 0))
        b.bind(("localhost", 0))
        cluster = {"worker": [f"localhost:{s.getsockname()[1]}" for s in (a, b)]}
    workers = []
    for index in range(2):
        env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "CUDA_VISIBLE_DEVICES": "-1",
               "TF_CONFIG": json.dumps({"cluster": cluster,
                                        "task": {"type": "worker", "index": index}})}
        workers.append(subprocess.Popen([sys.executable, str(script)], env=env, cwd=tmp_path,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                        text=True))
    try:
        printed = [worker.communicate(timeout=240)[0] for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
    assert [worker.returncode for worker in workers] == [0, 0]
    for text in printed:
        name, replicas, epochs = text.split()
        assert name.startswith("tf_keras") and (replicas, epochs) == ("2", "2")


@claim("tutorials/distributed.ipynb",
       "The loss object is made with `reduction=None`, so that it returns one loss per "
       "example, and `tf.nn.compute_average_loss()` divides their sum by the global batch "
       "size.")
def test_compute_average_loss_divides_the_sum_by_the_global_batch():
    import keras
    import numpy as np
    import tensorflow as tf

    y = np.array([0, 1, 2, 1])
    logits = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    per_example = keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=None)(y, logits)
    assert per_example.shape == (4,)
    average = tf.nn.compute_average_loss(per_example, global_batch_size=10)
    assert np.isclose(float(average), float(np.sum(per_example)) / 10)


@claim("tutorials/distributed.ipynb",
       "on Slurm, a `tf.distribute.cluster_resolver.SlurmClusterResolver` passed as "
       "`cluster_resolver=` takes its place.")
def test_multi_worker_strategy_takes_a_slurm_cluster_resolver():
    import inspect

    import tensorflow as tf

    resolvers = tf.distribute.cluster_resolver
    assert issubclass(resolvers.SlurmClusterResolver, resolvers.ClusterResolver)
    parameters = inspect.signature(tf.distribute.MultiWorkerMirroredStrategy).parameters
    assert "cluster_resolver" in parameters


@claim("tutorials/distributed.ipynb",
       "A worker with several GPUs has several replicas:")
def test_a_worker_runs_one_replica_per_gpu(monkeypatch):
    from tensorflow.python.distribute import collective_all_reduce_strategy as collective
    from tensorflow.python.distribute.cluster_resolver import TFConfigClusterResolver

    find = collective.CollectiveAllReduceExtended._initialize_local_devices
    resolver = TFConfigClusterResolver()
    worker = "/job:worker/replica:0/task:1"
    assert find(None, resolver, worker) == ((f"{worker}/device:CPU:0",), "CPU")
    monkeypatch.setattr(collective.context, "num_gpus", lambda: 4)  # a worker with 4 GPUs
    devices, kind = find(None, resolver, worker)
    assert kind == "GPU" and devices == tuple(f"{worker}/device:GPU:{i}" for i in range(4))


def _records(tmp_path, files):
    """`files` TFRecord files of 4 records each, read as one dataset."""
    import tensorflow as tf

    paths = []
    for f in range(files):
        paths.append(str(tmp_path / f"part-{f}.tfrecord"))
        with tf.io.TFRecordWriter(paths[-1]) as writer:
            for r in range(4):
                writer.write(f"{f}-{r}".encode())
    return tf.data.TFRecordDataset(paths)


def _worker_part(dataset, policy, workers=2, index=0):
    """What worker `index` of `workers` reads: the function tf.distribute applies to
    each worker's copy of the dataset (input_lib), with the given auto-shard policy."""
    import tensorflow as tf
    from tensorflow.python.distribute import input_ops

    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = getattr(
        tf.data.experimental.AutoShardPolicy, policy)
    shard = input_ops.auto_shard_dataset(dataset.with_options(options), workers, index)
    return [element.numpy() for element in shard]


@claim("tutorials/distributed.ipynb",
       "With the default, `AUTO`, an input that reads files (a `TFRecordDataset`, for "
       "example) is sharded by `FILE`: each worker reads different files.")
def test_auto_shards_a_file_input_by_file(tmp_path):
    import tensorflow as tf

    assert tf.data.Options().experimental_distribute.auto_shard_policy == (
        tf.data.experimental.AutoShardPolicy.AUTO)
    dataset = _records(tmp_path, files=4)
    worker_0 = _worker_part(dataset, "AUTO", index=0)
    worker_1 = _worker_part(dataset, "AUTO", index=1)
    assert {r[:1] for r in worker_0} == {b"0", b"2"}  # whole files 0 and 2
    assert {r[:1] for r in worker_1} == {b"1", b"3"}
    assert worker_0 == _worker_part(dataset, "FILE", index=0)


@claim("tutorials/distributed.ipynb",
       "With fewer files than workers, `AUTO` does not fall back to `DATA`: reading the "
       "data raises `InvalidArgumentError`.")
def test_auto_with_fewer_files_than_workers_raises(tmp_path):
    import tensorflow as tf

    dataset = _records(tmp_path, files=1)
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="Could not apply FILE based sharding: the dataset only has 1 "):
        _worker_part(dataset, "AUTO", workers=2)
    assert _worker_part(dataset, "DATA", workers=2) == [b"0-0", b"0-2"]  # DATA would work


@claim("tutorials/distributed.ipynb",
       "An input that reads no files, like this page's `from_tensor_slices()`, is sharded "
       "by `DATA` under `AUTO` too.",
       "With `OFF`, nothing is sharded, and each worker must shard its own input, for "
       "example with `dataset.shard(num_workers, task_id)`.")
def test_auto_shards_an_in_memory_input_by_data_and_off_shards_nothing():
    import tensorflow as tf

    dataset = tf.data.Dataset.range(8)
    assert _worker_part(dataset, "AUTO", index=1) == _worker_part(dataset, "DATA", index=1)
    assert _worker_part(dataset, "DATA", index=1) == [1, 3, 5, 7]
    assert _worker_part(dataset, "OFF", index=1) == list(range(8))
    assert [e.numpy() for e in dataset.shard(2, 1)] == [1, 3, 5, 7]


# Saving the backup passes a Keras Variable to np.array(), which NumPy 2 answers with a
# DeprecationWarning (hidden from a reader's script by Python's default filters).
@pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept a copy keyword")
@claim("tutorials/distributed.ipynb",
       "`keras.callbacks.BackupAndRestore` saves the training state at the end of every "
       "epoch and resumes from it when the job is restarted.")
def test_backup_and_restore_resumes_at_the_last_finished_epoch(tmp_path):
    import keras
    import numpy as np

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            if epoch == 2:
                raise RuntimeError("the job dies during epoch 2")

    def model():
        net = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
        net.compile(optimizer="sgd", loss="mse")
        return net

    x, y = np.ones((8, 2)), np.ones((8, 1))
    backup = str(tmp_path / "backup")
    first = model()
    with pytest.raises(RuntimeError, match="dies"):
        first.fit(x, y, epochs=4, verbose=0,
                  callbacks=[keras.callbacks.BackupAndRestore(backup), Crash()])
    restarted = model()  # a new process would build the model again
    history = restarted.fit(x, y, epochs=4, verbose=0,
                            callbacks=[keras.callbacks.BackupAndRestore(backup)])
    assert history.epoch == [2, 3]  # epochs 0 and 1 were saved and are not run again
    assert int(restarted.optimizer.iterations) == 4 * 1  # 4 epochs of one step each


@claim("tutorials/distributed.ipynb",
       "`strategy.run(fn, args=...)`, which calls the function `fn` once on each replica, "
       "with that replica's part of the inputs, and returns one result per replica.",
       "called outside one, `MirroredStrategy` logs a warning that running eagerly has "
       "significant overhead.")
def test_strategy_run_calls_fn_per_replica_and_warns_when_eager():
    import logging

    import tensorflow as tf

    class Records(logging.Handler):
        def __init__(self):
            super().__init__()
            self.messages = []

        def emit(self, record):
            self.messages.append(record.getMessage())

    strategy = tf.distribute.MirroredStrategy(["/cpu:0"])
    data = strategy.experimental_distribute_dataset(
        tf.data.Dataset.range(6).batch(6))
    (batch,) = list(data)
    records = Records()
    tf.get_logger().addHandler(records)
    try:
        calls = []
        eager = strategy.run(lambda x: calls.append(x) or tf.reduce_sum(x), args=(batch,))
        traced = tf.function(lambda x: strategy.run(tf.reduce_sum, args=(x,)))(batch)
    finally:
        tf.get_logger().removeHandler(records)
    assert len(calls) == strategy.num_replicas_in_sync == 1
    assert [int(v) for v in strategy.experimental_local_results(eager)] == [15]
    assert [int(v) for v in strategy.experimental_local_results(traced)] == [15]
    warned = [m for m in records.messages if "eagerly has significant overhead" in m]
    assert warned and warned[0].startswith("Using MirroredStrategy eagerly")
    assert len(warned) == 1  # the traced call did not warn


@claim("tutorials/distributed.ipynb",
       "A custom loop does the same with `tf.train.Checkpoint` and "
       "`tf.train.CheckpointManager`:")
def test_checkpoint_manager_restores_a_keras_model_and_optimizer(tmp_path):
    import keras
    import numpy as np
    import tensorflow as tf

    def parts():
        model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
        optimizer = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        optimizer.build(model.trainable_variables)
        return model, optimizer

    model, optimizer = parts()
    x = np.ones((4, 3), "float32")
    for _ in range(3):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(model(x) ** 2)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
    saved = tf.train.CheckpointManager(
        tf.train.Checkpoint(model=model, optimizer=optimizer), str(tmp_path), max_to_keep=2)
    saved.save()
    restarted, new_optimizer = parts()  # a restarted job builds them again
    checkpoint = tf.train.Checkpoint(model=restarted, optimizer=new_optimizer)
    manager = tf.train.CheckpointManager(checkpoint, str(tmp_path), max_to_keep=2)
    checkpoint.restore(manager.latest_checkpoint).assert_existing_objects_matched()
    assert int(new_optimizer.iterations) == 3
    for a, b in zip(model.weights + optimizer.variables,
                    restarted.weights + new_optimizer.variables):
        assert np.array_equal(a.numpy(), b.numpy())
