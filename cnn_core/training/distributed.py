"""Data-parallel training with DistributedDataParallel, one process per rank.

``torchrun --nproc_per_node=N -m cnn_core.cli train …`` (or ``digitlab train --distributed``
under torchrun) starts N copies of the command. Each copy joins the process group
(:func:`start`: gloo on the CPU, NCCL on CUDA), trains on its own shard of the training set
(:func:`shard`) with the same model and seed, and DDP averages the gradients after every
backward pass, so every rank holds the same weights after every step. Figures that a rank
counts alone (loss, right answers, images seen) are summed over the ranks before they are
reported (:func:`global_sums`), and a stop asked for on any rank stops them all at the same
step (:func:`any_rank`). Rank 0 writes the checkpoint and prints the result.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from ..data.datasets import Split

__all__ = ["DistributedContext", "any_rank", "global_sums", "launched_by_torchrun",
           "leave", "ranks_agree", "shard", "start", "stop", "sync_buffers", "weights_digest"]


@dataclass(frozen=True)
class DistributedContext:
    """This process's place in the process group."""

    rank: int
    world_size: int
    local_rank: int
    backend: str

    @property
    def is_main(self) -> bool:
        """Rank 0: the one that writes files and prints."""
        return self.rank == 0


def launched_by_torchrun() -> bool:
    """Whether torchrun (or another launcher that sets its variables) started this process."""
    return all(key in os.environ for key in ("RANK", "WORLD_SIZE", "LOCAL_RANK"))


def start(device: str) -> DistributedContext:
    """Join the process group torchrun set up (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR`` …).

    ``device`` is the run's device choice: ``cuda`` uses NCCL and this rank's local GPU,
    anything else gloo on the CPU.

    Raises
    ------
    RuntimeError
        If the process was not started by torchrun.
    """
    if not launched_by_torchrun():
        raise RuntimeError("--distributed needs torchrun to start the processes, e.g. "
                           "torchrun --nproc_per_node=2 -m cnn_core.cli train --distributed …")
    local_rank = int(os.environ["LOCAL_RANK"])
    backend = "nccl" if device == "cuda" else "gloo"
    if backend == "nccl":
        torch.cuda.set_device(local_rank)
    if not dist.is_initialized():
        dist.init_process_group(backend)
    return DistributedContext(dist.get_rank(), dist.get_world_size(), local_rank, backend)


def stop() -> None:
    """Leave the process group at once (a no-op when not in one): for a run that ends on an
    error, when the other ranks may never reach a common point."""
    if dist.is_initialized():
        dist.destroy_process_group()


def leave() -> None:
    """Leave the process group once every rank has reached this call (a collective call).

    A rank that left while another still worked in the group (rank 0 writing the checkpoint)
    was at times aborted on its way out by the backend's threads, failing the whole run.
    """
    if dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def shard(split: Split, ctx: DistributedContext) -> Split:
    """This rank's share of ``split``: every ``world_size``-th image from ``rank`` on, cut to
    the same length on every rank (so every rank takes the same number of steps)."""
    per_rank = len(split.labels) // ctx.world_size
    if per_rank == 0:
        raise ValueError(f"{len(split.labels)} training images cannot be shared by "
                         f"{ctx.world_size} processes")
    pick = slice(ctx.rank, ctx.rank + per_rank * ctx.world_size, ctx.world_size)
    return Split(split.images[pick], split.labels[pick])


def any_rank(flag: bool, device: torch.device) -> bool:
    """True on every rank when ``flag`` is true on at least one (a collective call)."""
    t = torch.tensor([1.0 if flag else 0.0], device=device)
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return bool(t.item() > 0)


def fired_on_any_rank(flags: torch.Tensor) -> torch.Tensor:
    """A boolean tensor, true where it is true on at least one rank (a collective call)."""
    t = flags.to(torch.int32)
    if dist.get_backend() == "nccl":
        t = t.to(torch.device("cuda", torch.cuda.current_device()))
    dist.all_reduce(t, op=dist.ReduceOp.MAX)
    return t.to(flags.device) > 0


def global_sums(*values: torch.Tensor | float) -> list[float]:
    """Each value summed over the ranks (a collective call)."""
    device = next((v.device for v in values if isinstance(v, torch.Tensor)),
                  torch.device("cpu"))
    if dist.get_backend() == "nccl":
        device = torch.device("cuda", torch.cuda.current_device())
    t = torch.stack([torch.as_tensor(v, dtype=torch.float64).to(device) for v in values])
    dist.all_reduce(t)
    return [float(x) for x in t.cpu()]


def sync_buffers(model: torch.nn.Module) -> None:
    """Give every rank rank 0's buffers (BatchNorm's running statistics): DDP sends them at
    each forward pass, so after the last step each rank's differ by its own batch."""
    for buffer in model.buffers():
        dist.broadcast(buffer, src=0)


def weights_digest(model: torch.nn.Module) -> str:
    """A SHA-256 of every parameter and buffer, in order: equal digests, equal weights."""
    h = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        h.update(name.encode())
        h.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()


def ranks_agree(model: torch.nn.Module) -> bool:
    """Whether every rank holds exactly the same weights (a collective call)."""
    digests: list[str | None] = [None] * dist.get_world_size()
    dist.all_gather_object(digests, weights_digest(model))
    return len(set(digests)) == 1
