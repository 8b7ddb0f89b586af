"""``--db``, ``--user``, ``--rules`` and ``--lang`` before or after the command name.

`tiaojie --db demo.sqlite case list` and `tiaojie case list --db demo.sqlite` mean the same. The
root command takes the four options (with their environment variables); `GlobalOptionsGroup`,
the root's Click group, gives every command the four as well (a command that declares one keeps
its own meaning and environment variable for it) and lets a value typed before the command name
stand in for one not typed after it.
A value typed in both places is refused naming both, never silently chosen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from typer.core import TyperGroup, TyperOption

from ..i18n import Lang, tr
from .context import Settings, _env_lang, settings

# The options every command gets when it does not declare them itself: they change only the
# settings (`Settings`), never the command's own parameters.
_ADDED: dict[str, dict[str, Any]] = {
    "db": {"help": "数据库地址或 SQLite 文件 / database URL or SQLite file"},
    "user": {"help": "操作人 / acting user"},
    "rules": {"help": "规则目录 / rules directory (default ./rules, else the bundled set)"},
    "lang": {"help": "zh | en"},
}


def chosen_lang(text: str | None) -> Lang:
    """`--lang` as typed (`en`, `en_US`, `zh`…) → the catalog's language; none → TIAOJIE_LANG."""
    if not text:
        return _env_lang()
    return "en" if text.lower().startswith("en") else "zh"


class GlobalOptionsGroup(TyperGroup):
    """The root group: every command below it, however deep, accepts the global options too."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in self.commands.values():
            _give_global_options(command)


def _give_global_options(command: Any) -> None:
    if hasattr(command, "commands"):  # a group of commands
        for sub in command.commands.values():
            _give_global_options(sub)
        return
    declared = {p.name: p for p in command.params}
    for name in ("db", "user", "rules", "lang"):
        param = declared.get(name)
        if param is not None:
            if not getattr(param.callback, "_global_option", False):
                param.callback = _merged_with_root(param.callback)
        else:
            command.params.append(TyperOption(param_decls=[f"--{name}"], default=None, expose_value=False,
                                              callback=_into_settings, **_ADDED[name]))


def _typed(ctx: Any, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def _typed_before(ctx: typer.Context, name: str) -> Any:
    """The value typed before the command name (on the root command), else None."""
    root = ctx.find_root()
    return root.params.get(name) if root is not ctx and _typed(root, name) else None


def _refuse_twice(ctx: typer.Context, name: str, before: Any, after: Any) -> None:
    ctx.fail(tr("cli_option_twice", settings(ctx).lang, option=f"--{name}", before=before, after=after))


def _merged_with_root(own_callback: Any) -> Any:
    """A command's own --db/--user/…: typed after the name it wins over the environment, typed
    before the name it stands in for one not typed after, typed in both places it is refused."""
    def merge(ctx: typer.Context, param: Any, value: Any) -> Any:
        before = _typed_before(ctx, param.name)
        if before is not None:
            if _typed(ctx, param.name):
                _refuse_twice(ctx, param.name, before, value)
            value = before
        return own_callback(ctx, param, value) if own_callback is not None else value

    merge._global_option = True  # type: ignore[attr-defined]
    return merge


def _into_settings(ctx: typer.Context, param: Any, value: Any) -> None:
    """A `--rules`/`--lang` typed after the command name, into the settings commands read."""
    if value is None:
        return
    before = _typed_before(ctx, param.name)
    if before is not None:
        _refuse_twice(ctx, param.name, before, value)
    cfg: Settings = settings(ctx)
    if param.name == "lang":
        cfg.lang = chosen_lang(value)
    elif param.name == "rules":
        cfg.rules_dir, cfg.rules_explicit = Path(value), True
    else:  # --db, --user of a command that uses neither: kept, like the root's
        setattr(cfg, param.name, value)
