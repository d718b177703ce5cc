"""The cheaper training step: fused optimizer updates, batches gathered with index_select,
bfloat16 forward passes."""

from __future__ import annotations

import pytest
import torch

from cnn_core.training.loop import shuffled_batches, train_one_epoch
from cnn_core.training.optim import make_optimizer


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw"])
def test_cpu_optimizers_are_fused_and_update_as_the_multi_tensor_ones(name: str) -> None:
    torch.manual_seed(0)
    fused_net, plain_net = torch.nn.Linear(8, 4), torch.nn.Linear(8, 4)
    plain_net.load_state_dict(fused_net.state_dict())
    fused = make_optimizer(name, fused_net.parameters(), 0.01)
    assert fused.defaults["fused"] is True
    settings = {k: v for k, v in fused.defaults.items() if k != "decoupled_weight_decay"}
    plain = type(fused)(plain_net.parameters(), **{**settings, "fused": None, "foreach": True})
    x = torch.randn(16, 8)
    for _ in range(5):
        for net, opt in ((fused_net, fused), (plain_net, plain)):
            opt.zero_grad(set_to_none=True)
            net(x).square().mean().backward()
            opt.step()
    for a, b in zip(fused_net.parameters(), plain_net.parameters(), strict=True):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_parameters_without_a_fused_kernel_fall_back_to_foreach() -> None:
    net = torch.nn.Linear(3, 2).double()
    assert make_optimizer("adam", net.parameters(), 0.01).defaults["foreach"] is True


def test_shuffled_batches_are_the_images_in_the_drawn_order() -> None:
    images = torch.randint(0, 256, (50, 28, 28), dtype=torch.uint8)
    labels = torch.randint(0, 10, (50,))
    order = torch.randperm(50, generator=torch.Generator().manual_seed(3))
    batches = list(shuffled_batches(images, labels, 16, 3, torch.Generator().manual_seed(3),
                                    lambda x: x))
    assert len(batches) == 3
    for i, (x, y) in enumerate(batches):
        idx = order[i * 16:(i + 1) * 16]
        assert torch.equal(x, images[idx]) and torch.equal(y, labels[idx])


@pytest.mark.parametrize("bf16", [False, True])
def test_bf16_autocast_runs_the_forward_pass_in_bfloat16_and_keeps_float32_weights(
        bf16: bool) -> None:
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Conv2d(1, 4, 3), torch.nn.Flatten(),
                              torch.nn.Linear(4 * 6 * 6, 3))
    seen = []
    net[0].register_forward_hook(lambda _m, _i, out: seen.append(out.dtype))
    x, y = torch.randn(12, 1, 8, 8), torch.randint(0, 3, (12,))
    opt = make_optimizer("adam", net.parameters(), 0.01)
    losses = [loss for loss, _, _ in train_one_epoch(net, iter([(x, y)] * 30), opt,
                                                     autocast_bf16=bf16)]
    assert set(seen) == {torch.bfloat16 if bf16 else torch.float32}
    assert all(loss.dtype == torch.float32 for loss in losses)
    assert all(p.dtype == torch.float32 and p.grad.dtype == torch.float32
               for p in net.parameters())
    assert losses[-1] < 0.5 * losses[0]  # it still learns the batch
    assert not torch.is_autocast_enabled("cpu")  # nothing left switched on


def test_bfloat16_counts_as_native_only_where_the_hardware_has_it(monkeypatch) -> None:  # noqa: ANN001
    from cnn_core.runtime import devices

    assert not devices.native_bfloat16(torch.device("mps"))
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: False)
    assert not devices.native_bfloat16(torch.device("cpu"))
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: True)
    assert devices.native_bfloat16(torch.device("cpu")) == torch.backends.mkldnn.is_available()


@pytest.mark.parametrize("native", [False, True])
def test_a_bf16_recipe_trains_in_float32_where_bfloat16_is_not_native(monkeypatch,  # noqa: ANN001
                                                                      native: bool) -> None:
    from cnn_core.training import Trainer, trainer
    from cnn_core.training.config import TrainConfig

    monkeypatch.setattr(trainer, "native_bfloat16", lambda _device: native)
    seen: list[bool] = []
    real = trainer.train_one_epoch

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        seen.append(args[5] if len(args) > 5 else kwargs.get("autocast_bf16", False))
        yield from real(*args, **kwargs)

    monkeypatch.setattr(trainer, "train_one_epoch", spy)
    cfg = TrainConfig(model="lenet5", epochs=1, batch_size=32, max_train_samples=64,
                      max_test_samples=32, autocast_bf16=True, device="cpu")
    list(Trainer(cfg).run())
    assert seen == [native]


def test_a_run_trains_on_a_thread_fewer_while_a_core_is_left_free() -> None:
    from cnn_core.training import BatchDone, TrainControl, Trainer
    from cnn_core.training.config import TrainConfig

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        control = TrainControl()
        control.leave_a_core(True)
        cfg = TrainConfig(model="lenet5", epochs=1, batch_size=16, max_train_samples=96,
                          max_test_samples=32, report_every=1, device="cpu")
        threads = []
        for event in Trainer(cfg, control=control).run():
            if isinstance(event, BatchDone):
                threads.append(torch.get_num_threads())
                control.leave_a_core(len(threads) < 3)  # the pen rests after two batches
        assert threads[1:3] == [1, 1] and threads[-1] == 2
        assert torch.get_num_threads() == 2  # the caller's count, as it was
    finally:
        torch.set_num_threads(before)
