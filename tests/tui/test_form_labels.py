"""The case form's labels in either language, on an 80-column terminal."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Checkbox, Label

from tui.app import make_app

from .conftest import TODAY, settle


async def test_the_case_forms_labels_stay_on_one_line_in_english_and_chinese(rules_dir):
    """A label of a few words ("Persons involved", 同一纠纷前案卷号) is one line beside its field,
    the fields lined up after the labels' column; the form still fits 80 columns, a box's words whole."""
    for lang in ("en", "zh"):
        app = make_app(rules=rules_dir, today=TODAY, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            labels = [label for label in app.screen.query(".field-label").results(Label)]
            said = {str(label.render()): label for label in labels}
            short = [text for text in said if len(text) <= 16]
            assert {"Persons involved", "Follow-up result"} <= set(short) or lang == "zh"
            assert "同一纠纷前案卷号" in short or lang == "en"
            wrapped = [text for text in short if said[text].size.height != 1]
            assert not wrapped, (lang, wrapped)
            assert len({label.region.right for label in labels}) == 1  # one column, the fields lined up
            for field_id in ("#f-received_on", "#f-persons_involved"):
                field = app.screen.query_one(field_id)
                assert field.region.x >= labels[0].region.right and field.region.right <= 80, (lang, field_id)
            for box in app.screen.query(".field-check").results(Checkbox):
                assert cell_len(str(box.label)) + 4 <= box.size.width, (lang, str(box.label), box.size)  # ▐X▌ and a space
