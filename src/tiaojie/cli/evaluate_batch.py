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
import operator
from typing import Any, Callable, Iterable, Iterator, cast

import orjson

from ..i18n import Lang, tr
from ..rules.batch import BatchSession
from ..rules.batch_keys import key_functions, remember
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
    projection (the caches bounded like the session's).

    A line's key is (what its date decides, the raw values of the other fields the policy
    reads): the date decides the version, and nothing more unless that version reads the date
    or decides by it — so the dates of a half-year that pick one version share their entries."""

    def __init__(self, session: BatchSession, lang: Lang, known: frozenset[str] | None, codec: str, out: Output):
        self.session = session
        self.lang = lang
        self.known = known
        self.codec = codec  # as the user named it, for messages
        self.bytes_of = out.bytes_of
        self.keyed = session.by_whole  # a projection alone decides a result (else every line the careful way)
        date_field = session.date_field
        others = tuple(name for name in session.names if name != date_field)
        self.others_of, self.others_of_missing = key_functions(others)
        self.date_of: Callable[[dict[str, Any]], Any] = (
            operator.itemgetter(date_field) if date_field else _nothing)
        self.date_of_missing: Callable[[dict[str, Any]], Any] = (
            operator.methodcaller("get", date_field) if date_field else _nothing)
        self.blank = dict.fromkeys(session.names)  # `blank | case`: None for each field the case lacks
        # in place of a line that is not read the fast way: a projection no cache holds
        self.unread = dict.fromkeys(session.names, _UNREAD)
        self.limit = session.cache_size
        self.slots: dict[Any, Any] = {}  # raw date (a string or None) → what it decides
        self.outcomes: dict[Any, bytes] = {}  # key → the outcome's line
        self.errors: dict[Any, bytes] = {}  # key → an error line's bytes after its number
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
        keys = self._keys(cases)
        try:
            texts = list(map(self.outcomes.get, keys))
        except TypeError:  # a list or an object among the values
            texts = list(map(self._outcome, keys))
        waiting: list[tuple[int, Any]] = []
        if None in texts:
            waiting = self._misses(first, keys, texts, careful)
        if careful:
            self._careful(first, lines, encoding, sorted(careful), texts)
        if waiting:  # keyed as a line read carefully just now, unless that one was not remembered
            rest = [i for i, key in waiting if not self._seen(first, i, key, texts)]
            if rest:
                self._careful(first, lines, encoding, rest, texts)
        return b"".join(cast("list[bytes]", texts))  # every place is filled by now

    def _keys(self, cases: list[dict[str, Any]]) -> list[Any]:
        """Each case's key, at C level (a date not seen yet asks the session once)."""
        try:
            dates = list(map(self.date_of, cases))
        except KeyError:  # a case without a date
            dates = list(map(self.date_of_missing, cases))
        slots = self.slots
        try:
            decided = list(map(slots.get, dates))
        except TypeError:  # a list or an object for a date
            decided = [slots.get(d) if d is None or type(d) is str else None for d in dates]
        if None in decided:
            for i, date in enumerate(dates):
                if decided[i] is None and (date is None or type(date) is str):
                    decided[i] = self._slot(date)
        try:
            others = map(self.others_of, cases)
            return list(zip(decided, others))
        except KeyError:  # some case lacks a field
            return list(zip(decided, map(self.others_of, map(self.blank.__or__, cases))))

    def _slot(self, date: str | None) -> Any:
        """What a raw date decides (see BatchSession.date_slot), remembered."""
        slot = self.slots.get(date)
        if slot is None:
            slot = self.session.date_slot(date)
            if slot is not None:
                remember(self.slots, date, slot, self.limit)
        return slot

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

    def _misses(self, first: int, keys: list[Any], texts: list[bytes | None], careful: set[int]) -> list[tuple[int, Any]]:
        """Fill the places the outcomes did not: an error written before for the same key. Of the
        rest, the first line of each key is added to `careful`; the others are returned (place,
        key) to wait for it."""
        errors = self.errors
        leading: set[Any] = set()  # keys of lines already left to the careful way
        waiting: list[tuple[int, Any]] = []
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
            elif key[0] is None or not all(v is None or type(v) is str for v in key[1]):
                careful.add(i)  # `True`, `1` and `1.0` are equal keys: only strings are remembered
            elif key in leading:
                waiting.append((i, key))
            else:
                leading.add(key)
                careful.add(i)

    def _seen(self, first: int, i: int, key: Any, texts: list[bytes | None]) -> bool:
        """Fill place `i` with the line remembered for `key`; False when there is none."""
        text = self.outcomes.get(key)
        if text is not None:
            texts[i] = text
            return True
        tail = self.errors.get(key)
        if tail is None:
            return False
        self.failures += 1
        texts[i] = b'{"line": %d' % (first + i) + tail
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
        for i, case, result in zip(good, cases, results):
            key = None
            if keyed:
                date, others = self.date_of_missing(case), self.others_of_missing(case)
                if (date is None or type(date) is str) and all(v is None or type(v) is str for v in others):
                    slot = self._slot(date)  # only strings are remembered: `True`, `1` and `1.0` are equal keys
                    key = None if slot is None else (slot, others)
            self._put(texts, i, first + i, result, key)

    def _put(self, texts: list[bytes | None], i: int, number: int, result: Outcome | EvaluationError,
             key: Any) -> None:
        """The output line of one result, remembered under `key` unless None."""
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

    def _tail(self, message: str) -> bytes:
        """An error line's bytes after its number."""
        return self.bytes_of(", \"error\": " + json.dumps(message, ensure_ascii=False) + "}\n")

    def _failed(self, texts: list[bytes | None], i: int, number: int, message: str) -> bytes:
        """Put the error line of line `number` at `i`; return its bytes after the number."""
        self.failures += 1
        tail = self._tail(message)
        texts[i] = b'{"line": %d' % number + tail
        return tail


def _nothing(case: dict[str, Any]) -> None:
    """The date of a case for a policy that reads none: the version is the one in force on as-of."""
    return None


def _evaluated_alone(evaluate_many: Callable[[list[Any]], list[Outcome | EvaluationError]],
                     case: Any) -> Outcome | EvaluationError:
    """One case through the batch, its failure its result."""
    try:
        return evaluate_many([case])[0]
    except Exception as err:  # noqa: BLE001 - whatever it was, it is this case's error
        return uncomputable(err, case)
