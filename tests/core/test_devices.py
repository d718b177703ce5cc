import pytest
import torch

from cnn_core.checkpoints import load_checkpoint, save_checkpoint
from cnn_core.recognition.predict import Predictor
from cnn_core.runtime.devices import DeviceError, available_devices, resolve_device
from cnn_core.training import Finished, TrainConfig, train
from drawn_digits import render


def test_cpu_is_always_there_and_auto_resolves():
    assert available_devices()[0] == "cpu"
    assert resolve_device("auto").type in available_devices()
    assert resolve_device("cpu") == torch.device("cpu")


def test_unknown_or_absent_devices_are_clear_errors():
    with pytest.raises(DeviceError, match="unknown device 'tpu'"):
        resolve_device("tpu")
    for name in ("cuda", "mps"):
        if name not in available_devices():
            with pytest.raises(DeviceError, match="not available here"):
                resolve_device(name)


ACCELERATORS = [d for d in ("cuda", "mps") if d in available_devices()]


@pytest.mark.skipif(not ACCELERATORS, reason="no CUDA or MPS device on this machine")
@pytest.mark.parametrize("device", ACCELERATORS)
def test_training_on_an_accelerator_gives_a_cpu_checkpoint(device, tmp_path):
    config = TrainConfig(model="digitnet", epochs=1, max_train_samples=4096, device=device,
                         seed=0, augment=True)
    final = list(train(config))[-1]
    assert isinstance(final, Finished) and final.test_accuracy > 0.8
    assert next(final.checkpoint.model.parameters()).device.type == "cpu"
    path = save_checkpoint(tmp_path / "gpu.safetensors", final.checkpoint)
    assert Predictor(load_checkpoint(path)).predict(render(7)).label is not None
