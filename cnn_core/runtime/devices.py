"""Which compute devices exist here, and turning a user's choice into a ``torch.device``."""

from __future__ import annotations

import torch

__all__ = ["DEVICE_CHOICES", "DeviceError", "available_devices", "native_bfloat16",
           "resolve_device"]

DEVICE_CHOICES = ("auto", "cpu", "cuda", "mps")


class DeviceError(RuntimeError):
    """The requested device does not exist or cannot be used."""


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """The devices training can use here: always ``"cpu"``, plus ``"cuda"`` / ``"mps"``."""
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
    if _mps_available():
        devices.append("mps")
    return devices


def resolve_device(name: str = "auto") -> torch.device:
    """Turn ``auto`` / ``cpu`` / ``cuda`` / ``mps`` into a device; ``auto`` is cuda > mps > cpu.

    Raises
    ------
    DeviceError
        If the device is unknown or not present on this machine.
    """
    if name == "auto":
        return torch.device(available_devices()[-1] if len(available_devices()) > 1 else "cpu")
    base = name.split(":")[0]
    if base not in DEVICE_CHOICES:
        raise DeviceError(f"unknown device {name!r}; choose one of {', '.join(DEVICE_CHOICES)}")
    if base not in available_devices():
        raise DeviceError(
            f"device {name!r} is not available here (available: {', '.join(available_devices())})"
        )
    return torch.device(name)


def native_bfloat16(device: torch.device) -> bool:
    """Whether ``device`` computes in bfloat16 natively, so that bfloat16 forward passes are
    faster there: a CPU with AVX512-BF16 or AMX (as oneDNN reports), a CUDA GPU that supports
    it. Elsewhere (older CPUs, Apple's MPS) they would be slower or refused."""
    if device.type == "cpu":
        check = getattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", None)
        return bool(check is not None and torch.backends.mkldnn.is_available() and check())
    if device.type == "cuda":
        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())
    return False
