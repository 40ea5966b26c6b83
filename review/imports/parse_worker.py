"""Parsing a large file in worker processes while this one writes to the database.

Parsing is pure Python and takes two to three times as long as writing, so one parsing process alone kept
the writing one waiting most of the time; with two (IMPORT_PARSE_WORKERS) both cores of a two-core machine
are busy. The workers are plain subprocesses (``python -m review.imports.parse_worker``), not
multiprocessing, because Celery's prefork workers are daemonic processes that may not start
multiprocessing children. They need no Django.

The importing process cuts the file (streaming.plan) and deals the pieces out in turn: worker k of n
parses pieces k, k + n, k + 2n... It reads only its pieces from the stored file, so its memory is a piece's
and not the file's. It gets its job as JSON on stdin and answers with one pickled message per piece on
stdout: ("piece", PieceRows), the records already turned into database rows (values cut to the column
lengths it is given, lists as JSON text) so that the importing process only writes; ("error", reason,
filename, line) for a piece unreadable as its format; then ("end", peak_mb). Reading the workers in turn
gives the pieces in file order, and the first error of the file first.
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from review.importers.base import ImportFormatError
from review.imports import streaming


class ParseWorkerError(RuntimeError):
    """A parsing process stopped without an answer (it crashed or was killed)."""


def parsed_pieces(
    path: str,
    parts: list[streaming.Piece],
    *,
    filename: str,
    mapping: dict[str, str] | None,
    limits: dict[str, int],
    workers: int = 2,
    stats: dict[str, float] | None = None,
) -> Iterator[streaming.PieceRows]:
    """Yield the pieces of the file at ``path`` parsed into rows by worker processes, in file order.

    ``parts`` is the file's plan (streaming.plan of the same bytes); ``limits`` are the column lengths
    ({field: characters}) values are cut to. Raises ImportFormatError as the in-process parse would,
    with the line of the whole file.
    """
    count = max(1, min(workers, len(parts)))
    with ExitStack() as stack:
        processes = [
            stack.enter_context(_Worker(path, parts[k::count], filename, mapping, limits)) for k in range(count)
        ]
        for number in range(len(parts)):
            yield processes[number % count].next_piece()
        if stats is not None:
            stats["peak_mb"] = max(process.finish() for process in processes)


class _Worker:
    """One parsing process, started with its share of the pieces; killed on leaving unless it finished."""

    def __init__(
        self,
        path: str,
        parts: list[streaming.Piece],
        filename: str,
        mapping: dict[str, str] | None,
        limits: dict[str, int],
    ) -> None:
        self.job = {
            "path": path,
            "filename": filename,
            "mapping": mapping,
            "limits": limits,
            "pieces": [_describe(part) for part in parts],
        }

    def __enter__(self) -> _Worker:
        command = [sys.executable, "-m", "review.imports.parse_worker"]
        self.process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert self.process.stdin is not None and self.process.stdout is not None
        self.stdout = self.process.stdout
        self.process.stdin.write(json.dumps(self.job).encode())
        self.process.stdin.close()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self._errors()

    def _errors(self) -> str:
        """Wait for the process to end; return the last line it wrote on stderr."""
        assert self.process.stderr is not None
        errors = self.process.stderr.read()
        self.process.wait()
        return (errors.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"])[0]

    def next_piece(self) -> streaming.PieceRows:
        message = self._message()
        if message[0] == "error":
            raise ImportFormatError(message[1], filename=message[2], line=message[3])
        if message[0] != "piece":
            raise ParseWorkerError(f"the parsing process ended before the end of the file: {message[0]}")
        rows: streaming.PieceRows = message[1]
        return rows

    def finish(self) -> float:
        """Read the worker's last message; return its peak memory in MB."""
        message = self._message()
        return float(message[1]) if message[0] == "end" else 0.0

    def _message(self) -> tuple[Any, ...]:
        try:
            message: tuple[Any, ...] = pickle.load(self.stdout)  # noqa: S301 (our own child process, not outside input)
            return message
        except EOFError:
            reason = self._errors()
            raise ParseWorkerError(f"the parsing process stopped before the end of the file: {reason}") from None


def _describe(part: streaming.Piece) -> list[Any]:
    """Return a piece as JSON: where it lies in the file, how to read it and what wraps it."""
    wrapping = [len(part.header), part.close.decode("latin-1")]  # the header is the file's first bytes
    return [part.start, part.end, part.line_offset, part.format, part.encoding, *wrapping]


def _read(handle: IO[bytes], start: int, end: int) -> bytes:
    handle.seek(start)
    return handle.read(end - start)


def main() -> int:
    job = json.load(sys.stdin)
    out = sys.stdout.buffer
    try:
        with open(job["path"], "rb") as handle:
            for start, end, line_offset, format, encoding, header_length, close in job["pieces"]:
                body = _read(handle, start, end)
                header = _read(handle, 0, header_length) if header_length else b""
                part = streaming.Piece(
                    body, 0, len(body), line_offset, format, encoding, header, close.encode("latin-1")
                )
                rows = streaming.parse_piece_rows(
                    part, filename=job["filename"], mapping=job["mapping"], limits=job["limits"]
                )
                pickle.dump(("piece", rows), out, protocol=pickle.HIGHEST_PROTOCOL)
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
    sys.exit(main())
