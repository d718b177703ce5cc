"""Seeded mutations of real checkpoint files, for the checkpoint fuzz test.

A mutation takes the bytes of a valid ``.safetensors`` checkpoint and returns the bytes of a
broken (or merely odd) one plus a short description of what was changed, so that a failure
names its case. Three families:

* **metadata**: one field of the ``digitlab`` JSON (anywhere in it, spec layers included)
  deleted, retyped, or set to a huge, negative, zero, NaN or infinite value; lists and
  objects swapped;
* **file**: truncated, its header length a lie, bytes of the header or the data overwritten;
* **tensors**: a tensor of the wrong shape or dtype, missing, extra, or holding NaN, ±Inf or
  huge values.
"""

from __future__ import annotations

import json
import random
import struct
from typing import Any

import torch
from safetensors.torch import load, save

__all__ = ["mutate", "read_parts", "write_parts"]

Meta = dict[str, Any]
Tensors = dict[str, torch.Tensor]

# values a field is set to; the huge ones are the sizes that once allocated terabytes
_VALUES: list[Any] = [
    None, True, False, 0, 1, -1, 2, 5, -3, 0.5, 1e-12, 1e8, 10**9, 10**12, 1e308, -1e308,
    float("nan"), float("inf"), float("-inf"), "", "x", "3", "relu", [], [1, 2], [28, 28],
    {}, {"type": "relu"}, 2**63, 2**64 + 1,
]


def read_parts(data: bytes) -> tuple[Tensors, Meta, dict[str, str]]:
    """Split a checkpoint into its tensors, its ``digitlab`` metadata and the raw metadata."""
    (n,) = struct.unpack("<Q", data[:8])
    raw = json.loads(data[8 : 8 + n])["__metadata__"]
    return dict(load(data)), json.loads(raw["digitlab"]), raw


def write_parts(tensors: Tensors, meta: Meta | str) -> bytes:
    """Assemble a checkpoint; ``meta`` may be a string to store verbatim (e.g. broken JSON)."""
    text = meta if isinstance(meta, str) else json.dumps(meta)  # NaN/Infinity allowed
    return save(tensors, metadata={"digitlab": text})


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every position in a JSON tree (containers and leaves), history entries sampled."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        items = list(enumerate(node))
        if prefix and prefix[0] == "history":
            items = items[:2]  # twenty epochs of numbers add nothing but weight
        for index, value in items:
            out += _paths(value, (*prefix, index))
    return out


def _parent(meta: Meta, path: tuple[Any, ...]) -> Any:
    node: Any = meta
    for key in path[:-1]:
        node = node[key]
    return node


def _mutate_meta(rng: random.Random, meta: Meta) -> str:
    paths = _paths(meta)
    # the spec and the normalisation build the model; the rest is mostly a record
    section = rng.choices(["spec", "normalization", "classes", ""], [6, 1, 1, 2])[0]
    path = rng.choice([p for p in paths if not section or p[0] == section] or paths)
    parent, key = _parent(meta, path), path[-1]
    where = ".".join(str(p) for p in path)
    op = rng.random()
    if op < 0.15:
        del parent[key]
        return f"delete {where}"
    old = parent[key]
    if op < 0.25 and isinstance(old, list | dict):
        parent[key] = ({str(i): v for i, v in enumerate(old)} if isinstance(old, list)
                       else list(old.values()))
        return f"swap list/object at {where}"
    if op < 0.35 and isinstance(old, int | float) and not isinstance(old, bool):
        factor = rng.choice([-1, 0, 1e3, 1e6, 1e9, 1e12, 1.5, 0.5])
        value = old * factor
        parent[key] = int(value) if isinstance(old, int) and abs(value) < 1e18 else value
        return f"scale {where} by {factor}"
    if op < 0.42 and isinstance(parent, dict):
        parent[rng.choice(["extra", "p", "stride", "groups", "dilation", "padding_mode"])] = (
            rng.choice(_VALUES))
        return f"add a key to {'.'.join(str(p) for p in path[:-1]) or 'meta'}"
    value = rng.choice(_VALUES)
    parent[key] = value
    return f"set {where} = {value!r}"[:120]


def _mutate_tensors(rng: random.Random, tensors: Tensors) -> str:
    key = rng.choice(sorted(tensors))
    t = tensors[key]
    op = rng.randrange(9)
    if op == 0:
        del tensors[key]
        return f"drop tensor {key}"
    if op == 1:
        tensors["features.extra.weight"] = torch.zeros(3)
        return "add an unexpected tensor"
    if op == 2:
        shape = list(t.shape) or [1]
        shape[rng.randrange(len(shape))] += rng.choice([-1, 1, 7])
        tensors[key] = torch.zeros([max(0, s) for s in shape], dtype=t.dtype)
        return f"reshape {key} to {shape}"
    if op == 3:
        dtype = rng.choice([torch.int32, torch.int64, torch.uint8, torch.bool, torch.float16,
                            torch.bfloat16, torch.float64, torch.int8])
        tensors[key] = t.to(dtype)
        return f"retype {key} as {dtype}"
    if op == 4:
        tensors[key] = t.flatten()
        return f"flatten {key}"
    if not t.is_floating_point() or t.numel() == 0:
        tensors[key] = torch.tensor(float("nan"))
        return f"replace {key} with a NaN scalar"
    value = [float("nan"), float("inf"), float("-inf"), 1e30, -1e38][op - 5]
    t = t.clone()
    t.view(-1)[rng.randrange(t.numel())] = value
    tensors[key] = t
    return f"{key}[…] = {value}"


def _mutate_bytes(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    (n,) = struct.unpack("<Q", data[:8])
    op = rng.randrange(6)
    if op == 0:
        cut = rng.randrange(len(data))
        return data[:cut], f"truncate at {cut} of {len(data)} bytes"
    if op == 1:
        lie = rng.choice([n + 1, n - 1, n * 2, len(data), 2**63, 0, 7])
        return struct.pack("<Q", lie) + data[8:], f"header length {lie} (really {n})"
    if op == 2:
        at = rng.randrange(8, 8 + n)
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        return data[:at] + junk + data[at + len(junk):], f"overwrite header bytes at {at}"
    if op == 3:
        at = rng.randrange(8 + n, len(data))
        junk = bytes([255, 127, 128, 255])  # NaN as float32
        return data[:at] + junk + data[at + len(junk):], f"overwrite weight bytes at {at}"
    if op == 4:
        return data + bytes(rng.randrange(256) for _ in range(64)), "append junk"
    return data[: 8 + n], "header only, no weights"


def _meta_text(rng: random.Random, meta: Meta) -> tuple[str, str]:
    text = json.dumps(meta)
    choice = rng.randrange(4)
    if choice == 0:
        return text[: rng.randrange(len(text))], "metadata JSON cut short"
    if choice == 1:
        return json.dumps([meta]), "metadata wrapped in a list"
    if choice == 2:
        return "[" * 100_000 + "]" * 100_000, "metadata nested 100,000 deep"
    return json.dumps(json.dumps(meta)), "metadata as a JSON string"


def mutate(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """One random mutation of a checkpoint's bytes; returns the new bytes and what changed."""
    tensors, meta, _ = read_parts(data)
    pick = rng.random()
    if pick < 0.6:
        what = _mutate_meta(rng, meta)
        return write_parts(tensors, meta), what
    if pick < 0.75:
        what = _mutate_tensors(rng, tensors)
        return write_parts(tensors, meta), what
    if pick < 0.93:
        return _mutate_bytes(rng, data)
    text, what = _meta_text(rng, meta)
    return write_parts(tensors, text), what
