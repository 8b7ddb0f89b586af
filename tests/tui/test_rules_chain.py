"""规则: the review chain (kind `chain`) on the rules screen — each step of the shipped chain named
with who acts at it (roles, the unit's level) and its days, in words, in Chinese and in English."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from tui.app import make_app

from .conftest import TODAY, settle

# The shipped chain (rules/review-chain-2026.toml), step by step: its title, the words naming who
# acts and where, and its days.
STEPS = {
    "zh": [
        ("[claim] 申报", ("申报单位", "调解员", "财务"), "限 10 天"),
        ("[first-review] 初审", ("上级乡（镇）", "财务", "管理员"), "限 15 天"),
        ("[county-review] 复核", ("县（市）", "财务", "管理员"), "限 15 天"),
        ("[notice] 公示", ("县（市）", "财务", "管理员"), "公示期 7 天"),
        ("[pay] 拨付", ("县（市）", "财务", "管理员"), "不限天数"),
    ],
    "en": [
        ("[claim] claim", ("the claiming unit", "mediator", "clerk"), "within 10 days"),
        ("[first-review] first review", ("the township above it", "clerk", "admin"), "within 15 days"),
        ("[county-review] county review", ("the county", "clerk", "admin"), "within 15 days"),
        ("[notice] public notice", ("the county", "clerk", "admin"), "on notice for 7 days"),
        ("[pay] payment", ("the county", "clerk", "admin"), "no time limit"),
    ],
}
HEADINGS = {"zh": ("环节（按先后）", "核查"), "en": ("steps, in order", "checks")}
CHECKS = {"zh": ("10%", "至少 3 件", "30 天内"), "en": ("10%", "at least 3", "within 30 days")}


async def test_the_review_chain_shows_each_step_with_who_acts_and_its_days(rules_dir):
    for lang, steps in STEPS.items():
        app = make_app(rules=rules_dir, today=TODAY, start="rules", lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            ids = [p.id for p in app.backend.rules.book.all()]
            app.screen.query_one("#policies", DataTable).move_cursor(row=ids.index("review-chain"))
            await settle(app, pilot)
            shown = str(app.screen.query_one("#rules-detail", Static).render())
            assert all(heading in shown for heading in HEADINGS[lang]), (lang, shown)
            at = [shown.find(title) for title, _, _ in steps]
            assert -1 not in at and at == sorted(at), (lang, shown)  # every step, in order
            for (title, actors, days), start, end in zip(steps, at, at[1:] + [len(shown)]):
                step = shown[start:end]
                for word in (*actors, days):
                    assert word in step, (lang, title, word, step)
            assert all(word in shown[at[-1]:] for word in CHECKS[lang]), (lang, shown)
            if lang == "zh":  # words, not the file's codes
                assert not any(code in shown for code in ("township", "mediator", "clerk", "admin"))
