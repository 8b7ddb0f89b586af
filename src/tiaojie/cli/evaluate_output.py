"""Where `tiaojie evaluate` writes its JSON: standard output, or a file (`-o FILE`) that is written
beside its final name and moved into place only when whole, so a batch stopped half-way never
leaves half an output where a whole one was expected."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO

import typer

from ..i18n import Lang, tr
from .evaluate_input import encoded


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class Output:
    """The bytes of the outputs, in the encoding of where they go (UTF-8 for a file, the
    console's for standard output), each character it cannot take written as a \\u escape."""

    def __init__(self, path: str | None, lang: Lang):
        self._path = None if path is None or path == "-" else Path(path)
        self._lang = lang
        self._part: str | None = None
        self._stream: IO[bytes]
        self._text: IO[str] | None = None  # standard output without a byte layer
        self._newline = "\n"
        if self._path is None:
            self._newline = os.linesep  # as the console's text layer would write a newline
            stdout = sys.stdout
            self.encoding = getattr(stdout, "encoding", None) or "utf-8"
            raw = getattr(stdout, "buffer", None)
            if raw is None:
                self._text = stdout
            else:
                stdout.flush()  # anything written as text so far goes first
                self._stream = raw
            return
        self.encoding = "utf-8"
        target = self._path.resolve()
        try:
            handle, self._part = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        except OSError as err:
            self._refuse(err)
        self._stream = os.fdopen(handle, "wb")

    def bytes_of(self, text: str) -> bytes:
        """JSON text as this output's bytes."""
        if self._newline != "\n":
            text = text.replace("\n", self._newline)
        return encoded(text, self.encoding)

    def write(self, data: bytes) -> None:
        if self._text is not None:  # its own layer writes the newlines
            self._text.write(data.decode(self.encoding).replace(self._newline, "\n"))
            return
        try:
            self._stream.write(data)
        except OSError as err:
            if self._path is None:
                raise
            self._refuse(err)

    def flush(self) -> None:
        (self._text or self._stream).flush()

    def __enter__(self) -> Output:
        return self

    def __exit__(self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None) -> None:
        if self._path is None:
            self.flush()
            return
        try:
            self._stream.close()
            if kind is None and self._part is not None:  # whole: in place of the old file at once
                os.chmod(self._part, 0o666 & ~_umask())
                os.replace(self._part, self._path)
                self._part = None
        except OSError as failed:
            self._refuse(failed)
        finally:
            self._discard()

    def _discard(self) -> None:
        if self._part is not None:
            try:
                os.unlink(self._part)
            except OSError:
                pass
            self._part = None

    def _refuse(self, err: OSError) -> None:
        """A file that cannot be written: one message, exit 2."""
        from ..store import messages  # noqa: F401 - the catalog that says it

        self._discard()
        typer.echo(tr("table_cannot_write", self._lang, path=str(self._path), detail=err.strerror or str(err)), err=True)
        raise typer.Exit(2)
