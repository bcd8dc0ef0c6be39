"""Make TFLite models loadable by cv2.dnn: densify sparse constants, cut unsupported tail ops.

MediaPipe's face_detection_full_range_sparse.tflite keeps its 1x1 convolution weights as
SPARSE_CSR constants expanded at run time by DENSIFY ops, which cv2.dnn cannot import. The file is
patched in place (flatbuffer offsets rewritten, dense weights appended at the end) instead of
being re-serialised, so no TFLite schema package is needed. Tensor shapes of a sparse constant are
already the dense shape, so only its data, its sparsity field and the readers of the DENSIFY
output change. Its heads end in DEPTH_TO_SPACE + RESHAPE, also unknown to cv2.dnn: `cut_before`
drops those ops so the caller reads the tensors feeding them by name and finishes in numpy.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

_DENSIFY = 124
DEPTH_TO_SPACE = 5
_ITEM_SIZE = {0: 4, 1: 2, 2: 4, 3: 1, 4: 8, 6: 1, 7: 2, 9: 1}  # TensorType -> bytes
# SparseIndexVector type -> the dtype of its indices
_INDEX_DTYPE: dict[int, np.dtype[Any]] = {1: np.dtype("<i4"), 2: np.dtype("<u2"), 3: np.dtype("<u1")}
_SPARSE_CSR = 1


@dataclass
class _Buf:
    """A mutable flatbuffer with the few readers the TFLite schema walk needs."""

    data: bytearray

    def u32(self, pos: int) -> int:
        return int(struct.unpack_from("<I", self.data, pos)[0])

    def field(self, table: int, index: int) -> int | None:
        """Absolute position of field `index` of the table at `table`, None when absent."""
        vtable = table - struct.unpack_from("<i", self.data, table)[0]
        if 4 + 2 * index >= struct.unpack_from("<H", self.data, vtable)[0]:
            return None
        offset = struct.unpack_from("<H", self.data, vtable + 4 + 2 * index)[0]
        return table + offset if offset else None

    def scalar(self, table: int, index: int, fmt: str) -> int:
        pos = self.field(table, index)
        return struct.unpack_from(fmt, self.data, pos)[0] if pos is not None else 0

    def vector(self, table: int, index: int) -> tuple[int, int]:
        """(start of elements, length) of a vector field; (0, 0) when absent."""
        pos = self.field(table, index)
        if pos is None:
            return 0, 0
        vec = pos + self.u32(pos)
        return vec + 4, self.u32(vec)

    def tables(self, table: int, index: int) -> list[int]:
        start, count = self.vector(table, index)
        return [start + 4 * k + self.u32(start + 4 * k) for k in range(count)]

    def array(self, table: int, index: int, dtype: np.dtype) -> np.ndarray:
        start, count = self.vector(table, index)
        return np.frombuffer(self.data, dtype, count, start) if count else np.empty(0, dtype)


def _index_vector(buf: _Buf, dim: int, type_field: int, value_field: int) -> np.ndarray:
    kind = buf.scalar(dim, type_field, "<B")
    table = buf.field(dim, value_field)
    if table is None:
        raise ValueError("sparse dimension without index vector")
    table += buf.u32(table)
    return buf.array(table, 0, _INDEX_DTYPE[kind]).astype(np.int64)


def _dense_bytes(buf: _Buf, tensor: int, raw: bytes) -> bytes:
    """The dense row-major bytes of a sparse constant (identity traversal, no block map)."""
    shape = buf.array(tensor, 0, np.dtype("<i4")).astype(np.int64)
    sparsity = buf.field(tensor, 6)
    assert sparsity is not None
    sparsity += buf.u32(sparsity)
    order = buf.array(sparsity, 0, np.dtype("<i4"))
    if buf.vector(sparsity, 1)[1] or not np.array_equal(order, np.arange(len(shape))):
        raise ValueError("only identity traversal order without block map is supported")
    item = np.dtype(f"<u{_ITEM_SIZE[buf.scalar(tensor, 1, '<b')]}")
    flat = np.zeros(1, np.int64)  # flat dense index prefix of every node at the current level
    for level, dim in enumerate(buf.tables(sparsity, 2)):
        size = int(shape[level])
        if buf.scalar(dim, 0, "<b") == _SPARSE_CSR:
            segments = _index_vector(buf, dim, 2, 3)
            indices = _index_vector(buf, dim, 4, 5)
            flat = np.repeat(flat * size, np.diff(segments)) + indices[segments[0] : segments[-1]]
        else:
            flat = (flat[:, None] * size + np.arange(size)).ravel()
    values = np.frombuffer(raw, item)
    if len(values) != len(flat):
        raise ValueError("sparse value count does not match its index structure")
    dense = np.zeros(int(np.prod(shape)), item)
    dense[flat] = values
    return dense.tobytes()


def densify(model: bytes) -> bytes:
    """A copy of `model` in which every DENSIFY op is gone and its input constant is dense."""
    buf = _Buf(bytearray(model))
    root = buf.u32(0)
    codes = _opcodes(buf, root)
    buffers = buf.tables(root, 4)
    for subgraph in buf.tables(root, 2):
        tensors = buf.tables(subgraph, 0)
        ops = buf.tables(subgraph, 3)
        rename: dict[int, int] = {}
        kept: list[int] = []
        for op in ops:
            if codes[buf.scalar(op, 0, "<I")] != _DENSIFY:
                kept.append(op)
                continue
            (src,) = buf.array(op, 1, np.dtype("<i4"))
            (dst,) = buf.array(op, 2, np.dtype("<i4"))
            rename[int(dst)] = int(src)
        # Store all dense data before clearing any sparsity slot: sparse tensors may share a vtable.
        vtables = [_store_dense(buf, tensors[src], buffers) for src in rename.values()]
        for vtable in vtables:
            struct.pack_into("<H", buf.data, vtable + 4 + 2 * 6, 0)
        if rename:
            _rename_inputs(buf, kept, rename)
            _rewrite_table_vector(buf, subgraph, 3, kept)
    return bytes(buf.data)


def _store_dense(buf: _Buf, tensor: int, buffers: list[int]) -> int:
    """Append the dense data and point the tensor's buffer at it; returns the tensor's vtable."""
    buffer = buffers[buf.scalar(tensor, 2, "<I")]
    start, count = buf.vector(buffer, 0)
    dense = _dense_bytes(buf, tensor, bytes(buf.data[start : start + count]))
    buf.data.extend(b"\0" * (-(len(buf.data) + 4) % 16))  # vector payload 16-byte aligned
    vec = len(buf.data)
    buf.data.extend(struct.pack("<I", len(dense)) + dense)
    pos = buf.field(buffer, 0)
    assert pos is not None
    struct.pack_into("<I", buf.data, pos, vec - pos)
    # Only sparse tensors have a non-zero sparsity slot, so a shared vtable is shared by them alone.
    return tensor - int(struct.unpack_from("<i", buf.data, tensor)[0])


def _rename_inputs(buf: _Buf, ops: list[int], rename: dict[int, int]) -> None:
    for op in ops:
        start, count = buf.vector(op, 1)
        for k in range(count):
            pos = start + 4 * k
            old = struct.unpack_from("<i", buf.data, pos)[0]
            if old in rename:
                struct.pack_into("<i", buf.data, pos, rename[old])


def _rewrite_table_vector(buf: _Buf, table: int, index: int, keep: list[int]) -> None:
    """Shorten a vector of tables in place to `keep` (tables lie after the vector: offsets stay
    positive)."""
    start, _count = buf.vector(table, index)
    for k, target in enumerate(keep):
        if target <= start + 4 * k:
            raise ValueError("unexpected flatbuffer layout")
        struct.pack_into("<I", buf.data, start + 4 * k, target - (start + 4 * k))
    struct.pack_into("<I", buf.data, start - 4, len(keep))


def _opcodes(buf: _Buf, root: int) -> list[int]:
    return [max(buf.scalar(c, 3, "<i"), buf.scalar(c, 0, "<b")) for c in buf.tables(root, 1)]


def cut_before(model: bytes, opcode: int) -> tuple[bytes, list[str]]:
    """Remove every op with builtin `opcode` and everything downstream of it (first subgraph).

    The tensors those ops read become the graph outputs, in op order; their names are returned
    with the patched model. The graph must have as many outputs as there are cut ops.
    """
    buf = _Buf(bytearray(model))
    root = buf.u32(0)
    codes = _opcodes(buf, root)
    subgraph = buf.tables(root, 2)[0]
    tensors = buf.tables(subgraph, 0)
    cut: set[int] = set()  # tensors produced by removed ops
    kept: list[int] = []
    inputs: list[int] = []
    for op in buf.tables(subgraph, 3):
        ins = [int(i) for i in buf.array(op, 1, np.dtype("<i4"))]
        if codes[buf.scalar(op, 0, "<I")] == opcode or cut.intersection(ins):
            if codes[buf.scalar(op, 0, "<I")] == opcode:
                inputs.append(ins[0])
            cut.update(int(o) for o in buf.array(op, 2, np.dtype("<i4")))
        else:
            kept.append(op)
    _rewrite_table_vector(buf, subgraph, 3, kept)
    start, count = buf.vector(subgraph, 2)
    if count != len(inputs):
        raise ValueError(f"{len(inputs)} cut ops for {count} graph outputs")
    for k, tensor in enumerate(inputs):
        struct.pack_into("<i", buf.data, start + 4 * k, tensor)
    return bytes(buf.data), [_tensor_name(buf, tensors[i]) for i in inputs]


def _tensor_name(buf: _Buf, tensor: int) -> str:
    start, count = buf.vector(tensor, 3)
    return bytes(buf.data[start : start + count]).decode()
