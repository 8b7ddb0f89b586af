"""The case form's labels in either language, on an 80-column terminal."""

from __future__ import annotations

from rich.cells import cell_len
from textual.widgets import Checkbox, Label, SelectionList

from tui.app import make_app

from .conftest import TODAY, settle

LONG = ("Earlier case of the same dispute", "Suicides prevented (persons)",
        "Criminal cases prevented (persons)", "Mass incidents stopped (persons)")


async def test_the_case_forms_labels_stay_on_one_line_in_english_and_chinese(rules_dir):
    """A label of a few words ("Persons involved", 同一纠纷前案卷号) is one line beside its field,
    the fields lined up after the labels' column; a longer title ("Suicides prevented (persons)") is
    one line above its field, the field in that same column; the form still fits 80 columns, a box's
    words and each item of the case file's checklist whole."""
    for lang in ("en", "zh"):
        app = make_app(rules=rules_dir, today=TODAY, lang=lang)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            screen = app.screen
            labels = [label for label in screen.query(".field-label").results(Label)]
            said = {str(label.render()): label for label in labels}
            short = [text for text in said if len(text) <= 16]
            assert {"Persons involved", "Follow-up result"} <= set(short) or lang == "zh"
            assert "同一纠纷前案卷号" in short or lang == "en"
            wrapped = [text for text in short if said[text].size.height != 1]
            assert not wrapped, (lang, wrapped)
            column = {label.region.right for label in labels}
            assert len(column) == 1  # one column, the fields lined up
            for field_id in ("#f-received_on", "#f-persons_involved"):
                field = screen.query_one(field_id)
                assert field.region.x >= labels[0].region.right and field.region.right <= 80, (lang, field_id)
            above = {str(label.render()): label for label in screen.query(".field-label-above").results(Label)}
            assert set(LONG) <= set(above) or lang == "zh"
            for text in LONG if lang == "en" else ():
                label = above[text]
                row = label.parent.children[1]  # the field's row, under its title
                field = row.children[0]
                assert label.size.height == 1 and cell_len(text) <= label.size.width, (text, label.size)
                assert field.region.y == label.region.bottom and field.region.x == labels[0].region.right, text
            for box in screen.query(".field-check").results(Checkbox):
                assert str(box.label) in box.render_line(0).text, (lang, str(box.label), box.size)
            checklist = screen.query_one("#f-case_file", SelectionList)
            assert checklist.size.height >= checklist.option_count
            for index in range(checklist.option_count):
                item = str(checklist.get_option_at_index(index).prompt)
                assert item in checklist.render_line(index).text, (lang, item)
