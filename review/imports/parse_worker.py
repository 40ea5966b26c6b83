"""Parsing a large file in a second process while this one writes to the database.

Parsing is pure Python and takes about twice as long as writing; on a machine with two cores the import
of a large file is about as fast as its parsing alone when the two overlap. The worker is a plain
subprocess (``python -m review.imports.parse_worker``), not multiprocessing, because Celery's prefork
workers are daemonic processes that may not start multiprocessing children. It needs no Django: it reads
the stored file and sends one pickled message per piece on stdout: ("piece", ParseResult),
("error", reason, filename, line) for a file unreadable as its format, then ("end",).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from review.importers.base import ImportFormatError, ParseResult
from review.imports import streaming


class ParseWorkerError(RuntimeError):
    """The parsing process stopped without an answer (it crashed or was killed)."""


def parsed_pieces(
    path: str,
    *,
    filename: str,
    format: str,
    encoding: str,
    mapping: dict[str, str] | None,
    stats: dict[str, float] | None = None,
) -> Iterator[ParseResult]:
    """Yield the file's pieces parsed by a worker process, one piece ahead of the caller.

    Raises ImportFormatError as the in-process parse would, with the line of the whole file.
    """
    # The piece size travels with the command so both processes cut the file at the same places.
    command = [
        sys.executable,
        "-m",
        "review.imports.parse_worker",
        path,
        filename,
        format,
        encoding,
        json.dumps(mapping),
        str(streaming.PIECE_BYTES),
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=Path(__file__).resolve().parents[2]
    ) as process:
        try:
            yield from _messages(process.stdout, stats if stats is not None else {})  # type: ignore[arg-type]
        except ParseWorkerError as exc:
            _, errors = process.communicate()
            tail = errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
            raise ParseWorkerError(f"{exc}: {tail[0]}") from None
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()


def _messages(stream: IO[bytes], stats: dict[str, float]) -> Iterator[ParseResult]:
    while True:
        try:
            message = pickle.load(stream)  # noqa: S301 (our own child process, not outside input)
        except EOFError:
            raise ParseWorkerError("the parsing process stopped before the end of the file") from None
        if message[0] == "end":
            stats["peak_mb"] = message[1]
            return
        if message[0] == "error":
            raise ImportFormatError(message[1], filename=message[2], line=message[3])
        yield message[1]


def main(argv: list[str]) -> int:
    path, filename, format, encoding, mapping_json, piece_bytes = argv
    streaming.PIECE_BYTES = int(piece_bytes)
    mapping: dict[str, str] | None = json.loads(mapping_json)
    data = Path(path).read_bytes()
    out = sys.stdout.buffer
    message: tuple[Any, ...]
    try:
        for part in streaming.plan(data, filename=filename, format=format, encoding=encoding):
            message = ("piece", streaming.parse_piece(part, filename=filename, mapping=mapping))
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
            out.flush()
    except ImportFormatError as exc:
        pickle.dump(("error", exc.reason, exc.filename, exc.line), out)
    pickle.dump(("end", _peak_mb()), out)
    out.flush()
    return 0


def _peak_mb() -> float:
    """Return this process's peak resident memory in MB (VmHWM), for the import benchmark."""
    for line in Path("/proc/self/status").read_text().splitlines() if Path("/proc/self/status").exists() else []:
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return 0.0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
