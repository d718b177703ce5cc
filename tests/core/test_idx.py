import gzip
import struct

import numpy as np
import pytest

from cnn_core.data.idx import IdxError, read_idx
from cnn_core.runtime.resources import resource_path


def _idx_bytes(array: np.ndarray) -> bytes:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(np.uint8).tobytes()


def test_reads_raw_and_gzip(tmp_path):
    data = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a-idx3-ubyte").write_bytes(_idx_bytes(data))
    (tmp_path / "a-idx3-ubyte.gz").write_bytes(gzip.compress(_idx_bytes(data)))
    np.testing.assert_array_equal(read_idx(tmp_path / "a-idx3-ubyte"), data)
    np.testing.assert_array_equal(read_idx(tmp_path / "a-idx3-ubyte.gz"), data)


def test_reads_big_endian_int32(tmp_path):
    values = np.array([1, -2, 70000], dtype=">i4")
    raw = struct.pack(">BBBBI", 0, 0, 0x0C, 1, 3) + values.tobytes()
    (tmp_path / "x").write_bytes(raw)
    assert read_idx(tmp_path / "x").tolist() == [1, -2, 70000]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda b: b[:-5], "truncated"),
        (lambda b: b + b"\x00", "trailing bytes"),
        (lambda b: b"\x12\x34" + b[2:], "not an IDX file"),
        (lambda b: b[:6], "truncated header"),
        (lambda b: b[:2], "too short"),
    ],
)
def test_rejects_damaged_files(tmp_path, mutate, message):
    good = _idx_bytes(np.zeros((4, 5, 5), np.uint8))
    path = tmp_path / "bad-idx3-ubyte"
    path.write_bytes(mutate(good))
    with pytest.raises(IdxError, match=message):
        read_idx(path)


def test_truncated_gzip_is_a_clear_error(tmp_path):
    blob = gzip.compress(_idx_bytes(np.zeros((50, 28, 28), np.uint8)))
    path = tmp_path / "cut.gz"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(IdxError, match="corrupt or truncated gzip"):
        read_idx(path)


def test_missing_file(tmp_path):
    with pytest.raises(IdxError, match="not found"):
        read_idx(tmp_path / "nope.gz")


def test_bundled_mnist_matches_its_readme():
    labels = read_idx(resource_path("t10k-labels-idx1-ubyte.gz"))
    assert labels.shape == (10000,)
    counts = np.bincount(labels, minlength=10).tolist()
    assert counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
