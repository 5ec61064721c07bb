"""Which text names which element (pure box logic)."""
from picoagent.vision.fuse import field_label, inner_lines, label_region, name_lines, side_label


def test_button_is_named_by_the_text_inside_it():
    lines = [(110, 108, 20, 12), (300, 108, 40, 12)]
    assert inner_lines((100, 100, 50, 28), lines) == [0]
    assert name_lines("button", (100, 100, 50, 28), lines) == [0]


def test_checkbox_label_is_right_of_it_on_its_row():
    box = (20, 50, 13, 13)
    lines = [(40, 49, 90, 14),      # "Remember me" right of the box
             (40, 80, 90, 14),      # the next row's label
             (400, 49, 90, 14)]     # far right on the same row
    assert side_label(box, lines) == 0
    assert side_label((20, 81, 13, 13), lines) == 1


def test_checkbox_label_left_of_it_when_nothing_is_right():
    box = (200, 50, 13, 13)
    lines = [(100, 49, 90, 14)]
    assert side_label(box, lines) == 0
    assert side_label(box, [(100, 120, 90, 14)]) is None      # other row


def test_label_line_that_took_the_indicator_in():
    # Tk: OCR's line "I agree to the rules" starts at the checkbox itself
    box = (28, 183, 11, 11)
    assert side_label(box, [(21, 177, 190, 23)]) == 0
    # but a line that merely covers the box is no label (the box is mid-line)
    assert side_label(box, [(-100, 177, 400, 23)]) is None


def test_right_label_wins_over_a_nearer_left_one():
    box = (200, 50, 13, 13)
    lines = [(150, 49, 45, 14), (220, 49, 60, 14)]
    assert side_label(box, lines) == 1


def test_field_label_left_then_above():
    field = (120, 40, 200, 24)
    left = (20, 45, 80, 14)
    above = (120, 18, 60, 14)
    assert field_label(field, [left, above]) == 0
    assert field_label(field, [above]) == 0
    assert field_label(field, [above, left]) == 1
    assert field_label(field, [(20, 200, 80, 14)]) is None       # nowhere near
    # a field's own text is inner text; its label comes next
    assert name_lines("text_field", field, [(125, 45, 60, 14), left]) == [0, 1]


def test_field_label_on_yads_form():
    """Line boxes as PP-OCR gave them on yad's form (tests/data/corpus/yad_form.png):
    "First name"'s box runs 3 px into its field (OCR pads), and must still win over
    the heading above the field; "Email", the label of the row above, sits above
    and left of the "Role" dropdown, over none of it, and must not win over "Role"."""
    heading, first = (384, 159, 185, 23), (384, 187, 85, 27)
    assert field_label((466, 184, 362, 34), [first, heading]) == 0
    assert field_label((466, 184, 362, 34), [heading, first]) == 1
    role, email, staff = (383, 302, 46, 30), (384, 264, 53, 29), (468, 302, 50, 30)
    assert field_label((466, 301, 362, 35), [staff, role, email]) == 1
    assert name_lines("dropdown", (466, 301, 362, 35), [staff, role, email]) == [0, 1]
    # a heading over the field with no label beside it still names it
    assert field_label((466, 184, 362, 34), [heading]) == 0


def test_label_region_covers_where_a_label_can_be():
    x, y, w, h = label_region("checkbox", (500, 300, 13, 13), 1280, 720)
    assert x <= 100 and x + w >= 900 and y <= 300 and y + h >= 313
    assert label_region("button", (10, 10, 50, 20), 1280, 720) == (10, 10, 50, 20)
    assert label_region("button", (1270, 710, 50, 20), 1280, 720) == (1270, 710, 10, 10)


def test_merged_button_box_is_narrowed_to_the_matched_label():
    from picoagent.vision.frame import Element
    from picoagent.vision.locate import _narrow_to_label
    merged = Element(kind="button", box=(190, 80, 180, 28))         # "Cancel" + "OK"
    cancel, ok = (215, 86, 44, 16), (315, 86, 20, 16)
    el = _narrow_to_label(merged, ok, [cancel, ok])
    x, y, w, h = el.box
    assert x <= 315 and x + w >= 335 and x > 262           # holds OK, not Cancel
    assert 319 <= x + w / 2 <= 331
    # a box with only its own label is left as it is
    single = Element(kind="button", box=(300, 80, 50, 28))
    assert _narrow_to_label(single, ok, [ok]).box == single.box
    # a label outside the box changes nothing
    assert _narrow_to_label(single, cancel, [cancel, ok]).box == single.box
    # one line "Cancel OK" matched on its word "OK": narrowed to the word's span
    line = (215, 86, 120, 16)
    el = _narrow_to_label(merged, ok, [line])
    assert el.box[0] > 262


def test_a_word_box_inside_a_longer_line_that_reads_it_is_a_repeat():
    from picoagent.vision.ocr import TextLine
    from picoagent.vision.vision import repeats

    line = TextLine("Update ready. Install now?", (535, 336, 211, 25), 0.95)
    word = TextLine("Install", (651, 341, 53, 14), 1.0)          # its own box, inside
    other = TextLine("Installer", (560, 341, 60, 14), 1.0)       # not a word of the line
    below = TextLine("Install", (651, 370, 53, 14), 1.0)         # outside the line's box
    part = TextLine("stall", (660, 341, 30, 14), 1.0)            # a part of a word only
    assert repeats([line, word, other, below, part]) == {word.box}
    assert repeats([word]) == set()


def _spread(text: str, x0: float, pitch: float) -> tuple[float, ...]:
    return tuple(x0 + pitch * i for i in range(len(text)))


def test_a_word_of_a_running_line_is_repeated_in_it_a_key_of_a_row_is_not():
    from picoagent.vision.fuse import repeated_in
    from picoagent.vision.ocr import TextLine

    # the word box inside a message line, words a space away on both sides
    msg = "Update ready. Install now?"
    line = TextLine(msg, (535, 336, 211, 25), 0.95, _spread(msg, 541, 8.0))
    word = TextLine("Install", (651, 341, 53, 14), 1.0)
    assert repeated_in(word, [line, word])
    # a calculator's row read as one line: the neighbour keys are two heights away,
    # and the key's own last character, estimated past its box, is no neighbour
    row = "CE/C AC"
    xs = (271.0, 276.0, 287.0, 293.0, 307.0, 321.0, 333.0)
    keys = TextLine(row, (123, 151, 223, 33), 0.9, xs)
    key = TextLine("AC", (313, 160, 19, 14), 1.0)
    assert not repeated_in(key, [keys, key])
    # without character positions nothing can be told: the word stands
    assert not repeated_in(word, [TextLine(msg, line.box, 0.95), word])
    assert not repeated_in(word, [word])
