"""Length-prefixed pickle frames over a pair of pipes (parent and worker use the same two calls).

The answer type lives here, not beside the model: unpickling it in the parent must not
import ``highspy`` there (the clash this worker exists to avoid). Only the parent's own
worker reads these frames: both ends are the same installed matcher and the pipes are
private to the two processes, so pickle carries no outside input.
"""

import pickle
import struct
from dataclasses import dataclass
from typing import IO, Any

import numpy as np
import numpy.typing as npt

_HEADER = struct.Struct(">Q")


@dataclass(frozen=True)
class StageAnswer:
    """What one stage reached: status (a StageStatus value), chosen columns, bound, seconds."""

    status: str
    x: npt.NDArray[np.bool_] | None
    bound: float
    seconds: float
    message: str = ""
    improved_by: int = 0  # what the neighbourhood search added to the start
    exhausted: bool = False  # the search has nothing left to try (e.g. it solved the whole part)


def send(stream: IO[bytes], message: Any) -> None:
    """Write one message and flush it."""
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(body)))
    stream.write(body)
    stream.flush()


def receive(stream: IO[bytes]) -> Any:
    """Read one message; raises EOFError when the other end has gone."""
    header = _read_exactly(stream, _HEADER.size)
    (size,) = _HEADER.unpack(header)
    return pickle.loads(_read_exactly(stream, size))


def _read_exactly(stream: IO[bytes], size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError("the other end of the HiGHS worker pipe has closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)
