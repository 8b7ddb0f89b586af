"""规则 Rules: the loaded policies with versions, effective ranges and hashes; check, test and lint
results with file and line; reload from disk — a broken edit shows its errors and the old rules
stay in force, and a whole one is a what-if (shown, never written) until it is activated.

On a ledger, policy staff work in a rule draft (`d`): a named copy of the activated set in their
data directory, opened or made here. With a draft open, the table shows the draft's policies and
check, test, lint, impact and activate work on it; activation shows the impact first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, DataTable, Static

from tiaojie.i18n import tr as core_tr
from tiaojie.rules.chain_text import checks_lines, step_days, step_title, step_who
from tiaojie.rules.errors import RuleSetError

from ..messages import RulesReport
from ..widgets import ConfirmDialog, plain
from .base import BaseScreen
from .rule_paths import directory_kind, shown_path

IMPACT_LINES = 14  # of the impact report, shown in the activation's question


# Policy staff's work here comes first (a draft, its tables, its impact): a narrow footer keeps a
# screen's first keys, and the palette lists them all.
DRAFT_KEYS = [("d", "drafts", "r_drafts"), ("o", "edit_table", "te_open"), ("i", "impact", "r_impact"),
              ("v", "diff", "r_diff"), ("a", "activate", "r_activate")]
FILE_KEYS = [("c", "check", "r_check"), ("t", "test", "r_test"), ("l", "lint", "r_lint"), ("r", "reload", "r_reload")]


class RulesScreen(BaseScreen):
    SCREEN_ID = "rules"
    KEYS = FILE_KEYS

    def __init__(self) -> None:
        if self._edits_rules():
            self.KEYS = DRAFT_KEYS + FILE_KEYS
        elif self.backend.has_ledger:
            self.KEYS = FILE_KEYS + [("i", "impact", "r_impact")]
        super().__init__()
        self._opened: Any = None  # the open draft (tiaojie.ledger.drafts.Draft), if any
        self._draft_rules: Any = None  # its rules, when they last read whole

    def _ledger(self) -> Any:
        """The open ledger (the draft actions are offered only with one)."""
        ledger = self.backend.ledger
        assert ledger is not None
        return ledger

    def _edits_rules(self) -> bool:
        return self.backend.has_ledger and self.backend.role in ("policy", "admin")

    def compose(self) -> ComposeResult:
        header, footer = self.header_footer()
        yield header
        with Vertical(id="rules"):
            yield Static("", id="rules-status")
            with Horizontal(classes="buttons"):
                yield Button(self.t("r_check"), id="rules-check")
                yield Button(self.t("r_test"), id="rules-test")
                yield Button(self.t("r_lint"), id="rules-lint")
                yield Button(self.t("r_reload"), variant="warning", id="rules-reload")
                if self.backend.has_ledger:
                    yield Button(self.t("r_impact"), id="rules-impact")
                    if self._edits_rules():
                        yield Button(self.t("r_drafts"), variant="primary", id="rules-drafts")
                        yield Button(self.t("r_activate"), variant="error", id="rules-activate")
            yield DataTable(id="policies", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="rules-lower"):
                with VerticalScroll(id="rules-detail-box"):
                    yield Static("", id="rules-detail")
                with VerticalScroll(id="rules-output-box"):
                    yield Static("", id="rules-output")
        yield footer

    def on_mount(self) -> None:
        table = self.query_one("#policies", DataTable)
        for key in ("r_col_policy", "r_col_title", "r_col_kind", "r_col_version", "r_col_effective",
                    "r_col_hash", "r_col_rows", "r_col_file"):
            table.add_column(self.t(key), key=key)
        self.refresh_table()
        table.focus()  # the arrow keys choose a policy at once, as on every other screen's table

    # --- what is loaded ------------------------------------------------------------------------
    def _shown_rules(self) -> Any:
        """The draft's rules when a draft is open and reads whole, else the rules in force."""
        return self._draft_rules if self._opened is not None and self._draft_rules is not None else self.backend.rules

    def _base(self) -> Path:
        return Path(self._opened.path) if self._opened is not None else self.backend.active.directory

    def refresh_table(self) -> None:
        rules = self._shown_rules()
        table = self.query_one("#policies", DataTable)
        row = table.cursor_row  # the policy chosen stays chosen when the table is read again
        table.clear()
        base = self._base()
        count = 0
        for policy in rules.book.all():
            count += 1
            table.add_row(
                plain(policy.id), plain(policy.title(self.lang)), plain(policy.kind), plain(policy.version),
                plain(policy.range_text()), plain(policy.hash.split(":")[-1][:12]), plain(str(len(policy.rows))),
                plain(Path(policy.path).name if self._opened is not None else shown_path(policy.path, base)),
                key=f"{policy.id}@{policy.version}",
            )
        if 0 < row < count:
            table.move_cursor(row=row)
        status = Text()
        if self._opened is not None:
            self.query_one("#rules-status", Static).update(self._draft_status(count))
            self.show_detail(table.cursor_row)
            return
        status.append(self.t("r_dir", dir=str(base)))
        kind = directory_kind(base)
        if kind and not (kind == "kept" and self._edits_rules()):  # policy staff are told of drafts below
            status.append("  " + self.t(f"r_dir_{kind}"), style="yellow")
        status.append("\n")
        if self._draft() is not None:
            status.append(self.t("r_draft", files=count), style="bold yellow")
        else:
            status.append(self.t("r_in_force", files=count, time=self.backend.loaded_at.strftime("%H:%M:%S")))
        if self._edits_rules():
            status.append("\n" + self.t("r_draft_hint"), style="dim")
        self.query_one("#rules-status", Static).update(status)
        self.show_detail(table.cursor_row)

    def _draft_status(self, count: int) -> Text:
        draft = self._opened
        changed = draft.changed_files()
        status = Text()
        status.append(self.t("r_draft_status", name=draft.name, path=str(draft.path)), style="bold yellow")
        status.append("\n" + self.t("r_draft_base", set=draft.base_set or "?", changed=self.t(
            "r_drafts_changed", count=len(changed)) if changed else self.t("r_drafts_unchanged")))
        since = self._since_copied(draft)
        if since is not None:  # a set activated since the copy: this draft, or one it would undo
            status.append("\n" + since, style="yellow")
        return status

    def _since_copied(self, draft: Any) -> str | None:
        """When a rule set was activated after the draft was copied: whether it is this draft
        (activated) or another one, whose changes activating this draft would undo."""
        from tiaojie.ledger.drafts import activated_since

        since = activated_since(self._ledger(), draft)
        if since is None:
            return None
        activated, in_force = since
        return self.t("r_draft_in_force" if in_force else "r_draft_behind", id=activated)

    def _draft(self) -> Path | None:
        """The draft the ledger shows as a what-if, when it is open (never waited for here)."""
        backend = self.backend
        if not backend.has_ledger or not backend.ledger_ready:
            return None
        return getattr(backend.ledger, "draft", None)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(event.cursor_row)

    def show_detail(self, index: int) -> None:
        policies = list(self._shown_rules().book.all())
        if not policies or index is None or index >= len(policies):
            return
        policy = policies[index]
        out = Text()
        out.append(f"{policy.title(self.lang)}  {policy.version}  ({policy.range_text()})\n", style="bold")
        out.append(f"{self.t('r_source')}: {policy.header.source}\n", style="dim")
        self._show_chain(policy, out)
        for row in policy.rows:
            out.append(f"[{row.id}] ", style="cyan")
            out.append(row.label(self.lang) + "\n")
            out.append(f"   {self.t('r_when')}: {row.condition.describe(self.lang)}\n")
            then = ", ".join(f"{self._output_title(policy, k)} = {getattr(v, 'source', v)}" for k, v in row.then.items())
            if then:
                out.append(f"   {self.t('r_then')}: {then}\n")
        self.query_one("#rules-detail", Static).update(out)

    def _show_chain(self, policy: Any, out: Text) -> None:
        """A review chain's steps in order — its days by its title, then who acts at which unit —
        and its checks, in the core's words (`rules show` says the same on one line a step)."""
        if not policy.steps:
            return
        out.append(core_tr("chain_steps_heading", self.lang) + "\n", style="bold")
        for step in policy.steps:
            out.append(f"[{step.id}] ", style="cyan")
            out.append(f"{step_title(step, self.lang)} · {step_days(step, self.lang)}\n")
            out.append(f"   {step_who(step, self.lang)}\n")  # short enough for half of 80 columns, in Chinese
        checks = checks_lines(policy.checks, self.lang)
        if checks:
            out.append(core_tr("chain_checks_heading", self.lang) + "\n", style="bold")
            for line in checks:
                out.append(f"   {line}\n")

    def _output_title(self, policy: Any, name: str) -> str:
        """An output as policy staff know it: its title in the UI's language, else its name."""
        output = getattr(policy, "outputs", {}).get(name)
        title = output and (output.title_en if self.lang == "en" else output.title)
        return str(title or name)

    # --- actions (each in a worker; results come back as RulesReport) ---------------------------
    def action_check(self) -> None:
        self.run_rules("check")

    def action_test(self) -> None:
        self.run_rules("test")

    def action_lint(self) -> None:
        self.run_rules("lint")

    def action_reload(self) -> None:
        self.run_rules("reload")

    def action_impact(self) -> None:
        if self.backend.has_ledger:
            self.run_rules("impact")

    def action_activate(self) -> None:
        if not self._edits_rules():
            return
        if self._opened is not None:  # the impact first, then the question (`on_rules_report`)
            self.run_rules("preview")
            return

        def done(yes: bool | None) -> None:
            if yes:
                self.run_rules("activate")

        self.app.push_screen(ConfirmDialog(self.t("r_activate_confirm"), self.lang, self.t("r_activate")), done)

    # --- drafts ------------------------------------------------------------------------------------
    def action_drafts(self) -> None:
        """Choose a draft of the ledger, or make one, and open it."""
        if not self._edits_rules() or not self.backend.ledger_ready:
            return
        from tiaojie.ledger.drafts import list_drafts

        from .drafts import DraftDialog

        ledger = self._ledger()
        shown = []
        for draft in list_drafts(ledger):
            changed = draft.changed_files()
            shown.append((draft.name, self.t("r_drafts_line", name=draft.name, set=draft.base_set or "?", changed=self.t(
                "r_drafts_changed", count=len(changed)) if changed else self.t("r_drafts_unchanged"))))

        def create(name: str) -> str | None:
            from tiaojie.ledger.drafts import new_draft
            from tiaojie.store.messages import LedgerError

            try:
                new_draft(ledger, name)
            except LedgerError as err:
                return err.message(self.lang)
            return None

        def chosen(name: str | None) -> None:
            if name:
                self.open_draft(name)

        self.app.push_screen(DraftDialog(shown, create, self.lang), chosen)

    def action_diff(self) -> None:
        if not self._edits_rules():
            return
        if self._opened is None:
            self.notify(self.t("r_diff_need_draft"), severity="warning", markup=False)
            return
        self.run_rules("diff")

    def action_edit_table(self) -> None:
        """The highlighted policy of the open draft, as a table to edit (tables and rewards)."""
        if not self._edits_rules():
            return
        if self._opened is None or self._draft_rules is None:
            self.notify(self.t("te_need_draft"), severity="warning", markup=False)
            return
        from tiaojie.rules.table_grid import TableGrid
        from tiaojie.rules.table_sheet import TABLE_KINDS

        from .table_editor import TableEditor

        policies = list(self._draft_rules.book.all())
        index = self.query_one("#policies", DataTable).cursor_row
        if not policies or index is None or index >= len(policies):
            return
        policy = policies[index]
        if policy.kind not in TABLE_KINDS:
            self.notify(self.t("te_not_table", policy=policy.id, kind=policy.kind), severity="warning", markup=False)
            return

        def closed(saved: bool | None) -> None:
            if saved:
                self.run_rules("reload")  # the draft as saved, in the table and the detail

        self.app.push_screen(TableEditor(TableGrid(policy), policy, self._opened, self.lang), closed)

    def open_draft(self, name: str) -> None:
        from tiaojie.ledger.drafts import open_draft

        self._opened, self._draft_rules = open_draft(self._ledger(), name), None
        self.query_one("#policies", DataTable).focus()  # the policies, to choose one to edit
        self.run_rules("reload")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = (event.button.id or "").removeprefix("rules-")
        if action == "drafts":
            self.action_drafts()
        elif action == "activate":
            self.action_activate()
        elif action in ("check", "test", "lint", "reload", "impact"):
            self.run_rules(action)

    @work(thread=True, exit_on_error=False, exclusive=True, group="rules")
    def run_rules(self, action: str) -> None:
        self.post_message(self._report(action))

    def _located(self, err: RuleSetError) -> list[tuple[str, str]]:
        base = self._base()
        lines = []
        for error in err.errors:
            where = f"{shown_path(error.path, base)}:{error.line}" if error.line else shown_path(error.path, base)
            lines.append((f"{where}: {error.message(self.lang)}", "red"))
        return lines

    def _report(self, action: str) -> RulesReport:
        from tiaojie.rules.examples import run_examples
        from tiaojie.rules.lint import lint_rules
        from tiaojie.rules.service import open_rules

        backend = self.backend
        base = self._base()
        if self._opened is not None and action in ("reload", "impact", "preview", "activate", "diff"):
            return self._draft_report(action)
        if action == "reload":
            try:
                fresh = backend.reload()
            except RuleSetError as err:
                return RulesReport(action, False, self._located(err), self.t("r_reload_failed", count=len(err.errors)))
            files = len(list(fresh.book.all()))
            if backend.has_ledger:  # a what-if until activated: the ledger shows it, and refuses writes
                ledger = backend.ledger
                assert ledger is not None
                ledger.draft = None if ledger.is_activated_set() else Path(backend.active.directory)
                if ledger.draft is not None:
                    return RulesReport(action, True, [], self.t("r_reloaded_draft", files=files))
            return RulesReport(action, True, [], self.t("r_reloaded", files=files))
        if action in ("impact", "activate"):
            from .. import ledger_api

            try:
                if action == "impact":
                    return ledger_api.impact_report(backend, self.lang, self._located)
                return ledger_api.activate(backend, self.lang, self._located)
            except RuleSetError as err:
                return RulesReport(action, False, self._located(err), self.t("r_check_failed", count=len(err.errors)))
            except Exception as exc:  # noqa: BLE001 - refused (tests, lint, role) or failed: shown, rules unchanged
                from ..backend import describe_error

                return RulesReport(action, False, [(describe_error(exc, self.lang), "red")],
                                   self.t("r_activate_failed") if action == "activate" else self.t("error_title"))
        try:
            disk = backend.check_disk() if self._opened is None else open_rules(self._opened.path)
        except RuleSetError as err:
            failed = "r_check_failed" if self._opened is None else "r_draft_failed"
            return RulesReport(action, False, self._located(err), self.t(failed, count=len(err.errors)))
        try:
            if action == "check":
                policies = list(disk.book.all())
                return RulesReport(action, True, [], self.t("r_check_ok", files=len(policies),
                                                            rows=sum(len(p.rows) for p in policies)))
            if action == "test":
                report = run_examples(disk)
                lines = []
                for result in report.results:
                    if not result.passed:
                        result.policy.path = Path(shown_path(result.policy.path, base))
                        lines.append((result.render(self.lang), "red"))
                for policy, rule_id, line in report.unreached_rows:
                    lines.append((self.t("r_unreached", path=shown_path(policy.path, base), line=line or 1,
                                         rule=rule_id), "yellow"))
                return RulesReport(action, report.failed == 0, lines,
                                   self.t("r_test_summary", passed=report.passed, failed=report.failed))
            findings = lint_rules(disk)
            lines = []
            for finding in findings:
                finding.policy.path = Path(shown_path(finding.policy.path, base))
                lines.append((finding.render(self.lang), "yellow"))
            summary = self.t("r_lint_count", count=len(findings)) if findings else self.t("r_lint_clean")
            return RulesReport(action, True, lines, summary)
        finally:
            disk.close()

    def _draft_report(self, action: str) -> RulesReport:
        """Reading the open draft again, its impact on the stored ledger (against the activated
        set), and its activation."""
        from tiaojie.rules.impact import render_table
        from tiaojie.rules.service import open_rules

        draft = self._opened
        try:
            fresh = open_rules(draft.path)
        except RuleSetError as err:
            self._draft_rules = None
            return RulesReport(action, False, self._located(err), self.t("r_draft_failed", count=len(err.errors)))
        self._draft_rules = fresh
        if action == "reload":
            return RulesReport(action, True, [], self.t("r_draft_reread", files=len(list(fresh.book.all()))))
        if action == "diff":  # against the ledger's activated set, as stored
            from tiaojie.ledger.activated import activated_rules
            from tiaojie.rules.diff import diff_books

            activated = activated_rules(self._ledger())
            changes = diff_books((activated or self.backend.rules).book, fresh.book)
            summary = self.t("r_diff_title", count=len(changes)) if changes else self.t("r_diff_none")
            return RulesReport(action, True, [(c.render(self.lang), "") for c in changes], summary)
        try:
            if action in ("impact", "preview"):
                from tiaojie.ledger.impact import impact

                report = impact(self._ledger(), fresh)
                lines = [(line, "bold" if not line.startswith("    ") else "") for line in render_table(report, self.lang)]
                return RulesReport(action, True, lines, self.t("r_draft_impact_title", name=draft.name))
            from tiaojie.ledger.policy_changes import activate

            backend = self.backend
            ledger = self._ledger()
            done = activate(ledger, backend.user, draft.path)
            backend.active.adopt(ledger.rules)  # the screens' rule set follows the ledger's
            backend.loaded_at = dt.datetime.now()
            lines = [(line, "") for line in render_table(done.impact, self.lang)]
            return RulesReport(action, True, lines, self.t("r_draft_activated", name=draft.name, id=done.rule_set_id))
        except Exception as exc:  # noqa: BLE001 - refused (tests, lint, role) or failed: shown, rules unchanged
            from ..backend import describe_error

            return RulesReport(action, False, [(describe_error(exc, self.lang), "red")],
                               self.t("r_activate_failed") if action == "activate" else self.t("error_title"))

    def _ask_activation(self, message: RulesReport) -> None:
        def done(yes: bool | None) -> None:
            if yes:
                self.run_rules("activate")

        self.app.push_screen(ConfirmDialog(self._activation_question(message), self.lang, self.t("r_activate")), done)

    def _activation_question(self, message: RulesReport) -> str:
        """The question with as much of the impact as leaves the dialog's buttons on the screen
        (the whole impact is in the output panel behind it)."""
        width, height = self.app.size
        inner = max(20, min(int(width * 0.8), 100) - 2 - 4)  # .dialog-box: 80% wide up to 100, border, padding
        room = min(20, int(height * 0.9) - 2 - 2 - 4)  # its body's max-height; border, padding, buttons
        lines = [text for text, _ in message.lines]
        for shown in range(min(len(lines), IMPACT_LINES), -1, -1):
            impact = "\n".join(lines[:shown])
            if shown < len(lines):
                impact += ("\n" if shown else "") + self.t("r_impact_more", count=len(lines) - shown)
            question = self.t("r_draft_activate_confirm", name=self._opened.name, impact=impact)
            if len(Text(question).wrap(self.app.console, inner)) <= room:
                break
        return question

    def on_rules_report(self, message: RulesReport) -> None:
        if message.action == "preview" and message.ok:
            self._show_output(message)  # the whole impact behind the question
            self._ask_activation(message)
            return
        self._show_output(message)
        if message.action in ("reload", "activate", "preview") or self._opened is not None:
            self.refresh_table()
            if message.ok:
                self.tapp.rules_changed()
        if not message.ok:
            self.notify(message.summary, severity="error", timeout=8, markup=False)
        else:
            self.notify(message.summary, markup=False)

    def _show_output(self, message: RulesReport) -> None:
        out = Text()
        out.append(message.summary + "\n", style="bold green" if message.ok else "bold red")
        for text, style in message.lines:
            out.append(text + "\n", style=style)
        self.query_one("#rules-output", Static).update(out)
