"""The lines of a JSONL input, a block of whole lines at a time, as bytes.

The bytes are split at each newline byte, so a line's number is what an editor shows whatever
the line holds. Where the input's encoding is not UTF-8 and a block decodes whole, the block is
handed on re-encoded as UTF-8 (the fast parser reads only UTF-8); a block that does not decode
is handed on as it is, each line decoded (and its error found) on its own.
"""

from __future__ import annotations

import codecs
import functools
from typing import IO, Iterator

BLOCK = 1 << 20  # bytes read at a time: some thousands of lines (one line at a time from a terminal)
UTF8 = "utf-8"


def line_chunks(stream: IO[bytes], codec: str) -> Iterator[tuple[int, list[bytes], str]]:
    """(the number of the block's first line, the bytes of each line without its newline, the
    encoding those bytes are in: UTF-8, or `codec` for a block that did not decode)."""
    read = stream.readline if stream.isatty() else functools.partial(stream.read, BLOCK)
    utf8 = codecs.lookup(codec).name == UTF8
    first = 1
    held: list[bytes] = []  # the start of a line longer than what was read so far
    while True:
        block = read()
        if not block:
            break
        cut = block.rfind(b"\n") + 1
        if not cut:
            held.append(block)
            continue
        data = block[:cut]
        if held:
            data = b"".join([*held, data])
            held.clear()
        if cut < len(block):
            held.append(block[cut:])
        lines, encoding = _split(data, codec, utf8)
        yield first, lines, encoding
        first += len(lines)
    if held:  # the last line, with no newline after it
        lines, encoding = _split(b"".join(held) + b"\n", codec, utf8)
        yield first, lines, encoding


def _split(data: bytes, codec: str, utf8: bool) -> tuple[list[bytes], str]:
    """Whole lines (each ending in a newline) → the bytes of each line and their encoding."""
    if not utf8:
        try:
            text = data.decode(codec)
            again = text.encode(UTF8)
        except (UnicodeDecodeError, UnicodeEncodeError):
            pass
        else:
            # a codec that makes a newline of other bytes (or of none) keeps its own bytes
            if text.count("\n") == data.count(b"\n"):
                data, codec = again, UTF8
    lines = data.split(b"\n")
    lines.pop()  # the empty bytes after the last newline
    return lines, UTF8 if utf8 else codec
