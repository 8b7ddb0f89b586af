"""`tiaojie evaluate POLICY --batch FILE.jsonl|-`: one JSON line out per non-blank line in, in order.

Most lines of a batch repeat a projection seen before — the values of the fields the policy
reads — so each line is first read by a fast parser and keyed on its projection, before any
model is built; a projection seen before writes the very bytes written for it the first time
(an error's bytes after the line's own number). Everything else — a projection not seen yet, a
line the fast parser does not take, a value that is not a string — goes the careful way: the
standard library's parser (floats as Decimal), the batch session, and each result rendered, and
remembered by projection when the projection alone decides it. Either way a line's output is
byte for byte the same.

Whatever a line holds — bytes that are not in the file's encoding, a number of 1e300, a date of
9999-12-31, objects nested a hundred thousand deep — it is that line's error, in its place.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from typing import Any, Callable, Iterable, Iterator, cast

import orjson

from ..i18n import Lang, tr
from ..rules.batch import BatchSession
from ..rules.batch_keys import remember
from ..rules.errors import EvaluationError
from ..rules.outcome import Outcome
from .evaluate_input import json_error, open_input, parse_case, uncomputable, unknown_message
from .evaluate_output import Output
from .jsonl_lines import UTF8, line_chunks

# A line this long may nest deeper than the standard parser goes before it gives up (about a
# thousand levels, less the stack in use): the fast parser, which goes a little deeper, is not
# trusted with it unless it holds few brackets.
_SHORT = 1024
_FEW_BRACKETS = 256
_UNREAD = object()  # a value no line holds


def run_batch(rules, policy: str, path: str, on: dt.date | None, lang: Lang,  # noqa: ANN001
              known: frozenset[str] | None, codec: str, out: Output) -> int:
    """Write one JSON line per non-blank input line, in order; return how many lines failed."""
    lines = _BatchLines(rules.batch_session(policy, on), lang, known, codec, out)
    with open_input(path, lang) as stream, _few_collections():
        interactive = stream.isatty()
        for first, chunk, encoding in line_chunks(stream, codec):
            out.write(lines.written(first, chunk, encoding))
            if interactive:
                out.flush()
    return lines.failures


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """The cycle collector run seldom while a batch runs. A block's cases are thousands of
    small dicts freed by reference counting when the block is written; with the usual
    thresholds the collector would walk them, and every object of the program and its rules,
    over and over for nothing. What lives now lives to the end: it is set aside (`freeze`)."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(max(threshold[0], 100_000), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


class _BatchLines:
    """One batch's lines turned into output bytes, with the bytes already written for each
    projection (the caches bounded like the session's)."""

    def __init__(self, session: BatchSession, lang: Lang, known: frozenset[str] | None, codec: str, out: Output):
        self.session = session
        self.lang = lang
        self.known = known
        self.codec = codec  # as the user named it, for messages
        self.bytes_of = out.bytes_of
        self.keyed = session.by_whole  # a projection alone decides a result (else every line the careful way)
        self.key_of = session.key_of
        self.key_of_missing = session.key_of_missing
        self.blank = dict.fromkeys(session.names)  # `blank | case`: None for each field the case lacks
        # in place of a line that is not read the fast way: a projection no cache holds
        self.unread = dict.fromkeys(session.names, _UNREAD)
        self.limit = session.cache_size
        # Two levels: the whole raw projection (looked up at C level), then what decides the
        # result (the version the date picks and the fields it reads), which many projections
        # share — dates that pick the same version, fields no rule of that version reads.
        self.outcomes: dict[Any, bytes] = {}  # projection → the outcome's line
        self.errors: dict[Any, bytes] = {}  # projection → an error line's bytes after its number
        self.decided: dict[Any, tuple[bool, bytes]] = {}  # decided-by key → (an error?, bytes as above)
        self.rendered: dict[int, bytes] = {}  # id of a result of the session → its line (an error's: after its number)
        self.kept: list[Outcome | EvaluationError] = []  # …and the result, so its id is not reused meanwhile
        self.failures = 0

    def written(self, first: int, lines: list[bytes], encoding: str) -> bytes:
        """The output of a block of lines (first numbered `first`, in `encoding`)."""
        if not (self.keyed and encoding == UTF8):
            texts: list[bytes | None] = [None] * len(lines)
            self._careful(first, lines, encoding, range(len(lines)), texts)
            return b"".join(cast("list[bytes]", texts))  # every place is filled by now
        careful: set[int] = set()
        cases = self._parsed(lines, careful)
        try:
            keys = list(map(self.key_of, cases))
        except KeyError:  # some case lacks a field
            keys = list(map(self.key_of, map(self.blank.__or__, cases)))
        try:
            texts = list(map(self.outcomes.get, keys))
        except TypeError:  # a list or an object among the values
            texts = list(map(self._outcome, keys))
        waiting: list[tuple[int, Any, Any]] = []
        if None in texts:
            waiting = self._seen_otherwise(first, cases, keys, texts, careful)
        if careful:
            self._careful(first, lines, encoding, sorted(careful), texts)
        if waiting:  # decided as a line read carefully just now, unless that one is not remembered
            rest = [i for i, key, decided in waiting if not self._as_decided(first, i, key, decided, texts)]
            if rest:
                self._careful(first, lines, encoding, rest, texts)
        return b"".join(cast("list[bytes]", texts))  # every place is filled by now

    def _parsed(self, lines: list[bytes], careful: set[int]) -> list[dict[str, Any]]:
        """Each line as the fast parser reads it (at C level but for the lines it refuses); a
        line left to the careful way is `unread` and its place is added to `careful`."""
        cases: list[Any] = []
        rest = iter(lines)
        while True:
            try:
                cases.extend(map(orjson.loads, rest))  # what was read before a refusal stays
                break
            except orjson.JSONDecodeError:  # a blank or bad line: the next ones go on
                careful.add(len(cases))
                cases.append(self.unread)
        unread = self.unread
        if len(set(map(type, cases))) != 1 or type(cases[0]) is not dict:  # a line that is not an object
            for i, case in enumerate(cases):
                if type(case) is not dict:
                    careful.add(i)
                    cases[i] = unread
        known = self.known
        if known is not None and not all(map(known.issuperset, cases)):  # a field nobody defined
            for i, case in enumerate(cases):
                if not known.issuperset(case):
                    careful.add(i)
                    cases[i] = unread
        if max(map(len, lines)) > _SHORT:  # maybe nested deeper than the careful parser reads
            for i, line in enumerate(lines):
                if len(line) > _SHORT and line.count(b"[") + line.count(b"{") > _FEW_BRACKETS:
                    careful.add(i)
                    cases[i] = unread
        return cases

    def _outcome(self, key: Any) -> bytes | None:
        try:
            return self.outcomes.get(key)
        except TypeError:
            return None

    def _seen_otherwise(self, first: int, cases: list[dict[str, Any]], keys: list[Any], texts: list[bytes | None],
                        careful: set[int]) -> list[tuple[int, Any, Any]]:
        """Fill the places the first level did not: an error written before for the same
        projection, or a result decided as one written before. Of the rest, the first line of
        each decided-by key is added to `careful`; the others are returned (place, projection,
        decided-by key) to wait for it."""
        errors, decided = self.errors, self.decided
        decided_by = self.session.decided_by
        first_of: set[Any] = set()  # decided-by keys of lines already left to the careful way
        waiting: list[tuple[int, Any, Any]] = []
        i = -1
        while True:
            try:
                i = texts.index(None, i + 1)
            except ValueError:
                return waiting
            if i in careful:
                continue
            key = keys[i]
            try:
                tail = errors.get(key)
            except TypeError:  # a list or an object among the values
                careful.add(i)
                continue
            if tail is not None:
                self.failures += 1
                texts[i] = b'{"line": %d' % (first + i) + tail
                continue
            if not all(v is None or type(v) is str for v in key):  # `True`, `1` and `1.0` are equal keys
                careful.add(i)
                continue
            by = decided_by(cases[i])
            if by is None:
                careful.add(i)
            elif by in decided:
                self._as_decided(first, i, key, by, texts)
            elif by in first_of:
                waiting.append((i, key, by))
            else:
                first_of.add(by)
                careful.add(i)

    def _as_decided(self, first: int, i: int, key: Any, by: Any, texts: list[bytes | None]) -> bool:
        """Fill place `i` with the line of a result decided by `by` before, remembering it under
        the projection `key`; False when there is none."""
        known = self.decided.get(by)
        if known is None:
            return False
        failed, text = known
        if failed:
            self.failures += 1
            remember(self.errors, key, text, self.limit)
            texts[i] = b'{"line": %d' % (first + i) + text
        else:
            remember(self.outcomes, key, text, self.limit)
            texts[i] = text
        return True

    def _careful(self, first: int, lines: list[bytes], encoding: str, places: Iterable[int],
                 texts: list[bytes | None]) -> None:
        """The lines at `places` read by the standard parser and evaluated by the session
        together; each output put in its place in `texts`."""
        lang, known = self.lang, self.known
        good: list[int] = []
        cases: list[dict[str, Any]] = []
        for i in places:
            texts[i] = b""  # a blank line writes nothing
            number = first + i
            try:
                text = lines[i].decode(encoding)
            except UnicodeDecodeError as err:
                self._failed(texts, i, number, tr("line_not_decodable", lang, line=number, encoding=self.codec,
                                                   column=err.start + 1))
                continue
            if number == 1:  # a byte order mark at the start, as Notepad saves
                text = text.removeprefix("\ufeff")
            try:
                case = parse_case(text)
            except Exception as err:  # noqa: BLE001 - whatever the line holds, it is this line's error
                if text.strip():
                    self._failed(texts, i, number, json_error(err, number).render(lang))
                continue
            if type(case) is not dict:
                self._failed(texts, i, number, tr("input_not_object", lang))
            elif known is not None and not known.issuperset(case):
                self._failed(texts, i, number, unknown_message(case, known, lang) or "")
            else:
                good.append(i)
                cases.append(case)
        if not cases:
            return
        evaluate_many = self.session.evaluate_many
        keyed = self.keyed
        try:
            results: list[Outcome | EvaluationError] = evaluate_many(cases)
        except Exception:  # noqa: BLE001 - a case nothing foresaw: find it, alone
            results = [_evaluated_alone(evaluate_many, case) for case in cases]
            keyed = False  # such an error may speak of any field of its case
        key_of_missing, decided_by = self.key_of_missing, self.session.decided_by
        for i, case, result in zip(good, cases, results):
            key = key_of_missing(case) if keyed else None
            if key is not None and not all(v is None or type(v) is str for v in key):
                key = None  # `True`, `1` and `1.0` are equal keys: only strings are remembered
            self._put(texts, i, first + i, result, key, None if key is None else decided_by(case))

    def _put(self, texts: list[bytes | None], i: int, number: int, result: Outcome | EvaluationError, key: Any,
             decided: Any) -> None:
        """The output line of one result, remembered under its projection `key` and what
        `decided` it unless None."""
        failed = isinstance(result, EvaluationError)
        text = self.rendered.get(id(result))  # the session shares one result among equal projections
        if text is None:
            try:
                if isinstance(result, EvaluationError):
                    text = self._tail(result.message(self.lang))
                else:
                    text = self.bytes_of(json.dumps(result.to_json(self.lang), ensure_ascii=False) + "\n")
            except Exception as err:  # noqa: BLE001 - an outcome or a message that does not render
                self._failed(texts, i, number, uncomputable(err, None).message(self.lang))
                return
            if len(self.kept) >= self.limit:
                self.rendered.clear()
                self.kept.clear()
            self.rendered[id(result)] = text
            self.kept.append(result)  # so that its id is not reused while the entry lives
        if failed:
            self.failures += 1
            texts[i] = b'{"line": %d' % number + text
        else:
            texts[i] = text
        if key is not None:
            remember(self.errors if failed else self.outcomes, key, text, self.limit)
            if decided is not None:
                remember(self.decided, decided, (failed, text), self.limit)

    def _tail(self, message: str) -> bytes:
        """An error line's bytes after its number."""
        return self.bytes_of(", \"error\": " + json.dumps(message, ensure_ascii=False) + "}\n")

    def _failed(self, texts: list[bytes | None], i: int, number: int, message: str) -> bytes:
        """Put the error line of line `number` at `i`; return its bytes after the number."""
        self.failures += 1
        tail = self._tail(message)
        texts[i] = b'{"line": %d' % number + tail
        return tail


def _evaluated_alone(evaluate_many: Callable[[list[Any]], list[Outcome | EvaluationError]],
                     case: Any) -> Outcome | EvaluationError:
    """One case through the batch, its failure its result."""
    try:
        return evaluate_many([case])[0]
    except Exception as err:  # noqa: BLE001 - whatever it was, it is this case's error
        return uncomputable(err, case)
