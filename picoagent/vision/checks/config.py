"""Every threshold of the element detector and of its pixel checks, in one place.

One frozen dataclass; :data:`CONFIG` is the one the runtime uses.  Each field
says in one line why it has its value.  The measurements behind a value are in
the commits that set it: most fields were constants of the same name in upper
case in ``picoagent/vision/verify.py`` or ``detector.py`` (``git log -S
LINK_MIN_SPREAD -- picoagent/vision/verify.py``); the others were literals there.
Pixel sizes are frame pixels; colour differences are per channel, 0-255.
Each check module reads it as ``C``; a test swaps a module's ``C`` for
``dataclasses.replace(CONFIG, ...)`` to try another value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType


def _frozen(**kw) -> MappingProxyType:
    return MappingProxyType(dict(kw))


@dataclass(frozen=True)
class CheckConfig:
    # ---- detector (picoagent.vision.detector) ------------------------------------
    #: frames with more pixels are downscaled first: the model's cost is linear in pixels
    max_pixels: int = 1920 * 1088
    #: most candidate locations the NMS considers: bounds its cost on a pathological frame
    pre_nms_top: int = 1000
    #: checked kinds are taken from this score up: the checks rescore them on the pixels
    verify_floor: float = 0.1
    #: checkboxes / radios from this one: their check is strict and the model scores some under 0.1
    indicator_floor: float = 0.05
    #: a place's runner-up kind is offered where it scores this share of the best: the model is torn
    runner_up_share: float = 0.5
    #: ... at this share of its score: undiscounted it cost generated F1
    runner_up_discount: float = 0.5

    # ---- shapes (checks.shapes) --------------------------------------------------
    #: a pixel is ink when a channel differs from the background by more than this
    ink_diff: int = 8
    #: a found check's score moves this part of the way to 1
    verified_gain: float = 0.5
    #: an unfound one's is scaled by this
    unverified_scale: float = 0.5
    #: a shape filling less of its bounding box is a glyph or a tick, not a solid shape
    solid_min_fill: float = 0.7
    #: words' ink differs from their background by this much at least (anti-aliasing does not)
    words_ink_diff: int = 40
    #: ... and by this share of the strongest difference in the box (a faint border does not)
    words_ink_rel: float = 0.4

    # ---- indicators (checks.indicators) ------------------------------------------
    #: an indicator's outline side, at least: smaller shapes are glyphs
    min_side: int = 8
    #: ... and at most: larger ones are panels or avatars
    max_side: int = 48
    #: an indicator's outline is searched this share of the box's larger side around it
    outline_pad: float = 0.4
    #: ... and at least this many px: the model's small boxes are a few px off
    outline_pad_min: int = 4
    #: its side is this share of the box's smaller side at least, of its larger at most
    outline_size: tuple[float, float] = (0.5, 1.3)
    #: its width over its height: about square (indicators are square or round)
    outline_aspect: tuple[float, float] = (0.75, 1.33)
    #: its centre lies within this share of the box's larger side of the box's centre
    outline_offset: float = 0.35
    #: corner_ratio below this: round (radio); else square (checkbox)
    round_ratio: float = 1.13
    #: a square must fill its box this much (real indicators 0.95-1.0, icons 0.78-0.94)
    min_square_fit: float = 0.945
    #: a disk must match its inscribed disk this much (real 0.94-1.0, icons 0.76-0.87)
    min_disk_fit: float = 0.90
    #: a radio's mark is looked for within this many radii of its centre
    radio_inner: float = 0.65
    #: ... against the commonest colour from this many radii out (beyond: a thick ring's edge)
    radio_band: float = 0.4
    #: a radio's dot is centred to within this share of its size
    radio_dot_offset: float = 0.2
    #: ... fills this much of its bounding box
    radio_dot_fill: float = 0.6
    #: ... and matches itself mirrored by this IoU (dots 0.85-1.0; "3" 0.68, "A" 0.48)
    radio_dot_mirrored: float = 0.75
    #: ... and holds this share of the marks' area inside (else: letters, a digit)
    radio_dot_share: float = 0.9
    #: a pixel is part of a radio's mark when a channel differs from the inside by more
    radio_mark_diff: int = 40
    #: ink this close beside a round shape (share of its size) makes it a letter "O"
    word_gap: float = 0.12
    #: where the model's checked probability is this close to 0.5, the pixels decide the state
    state_unsure: float = 0.25
    #: the state is read inside the box less this share of its size on each side (its border)
    state_margin: float = 0.25
    #: an indicator beside a label is looked for up to this many label heights away
    beside_reach: float = 4.0
    #: ... as squares of these label heights, larger first (a small guess reads a filled face as background)
    beside_sizes: tuple[float, float] = (1.2, 0.8)
    #: ... from this many label heights off the label's end (a label keeps a gap from its box)
    beside_gap: float = 0.6
    #: on: a tick or dot inside (inner standard deviation in a channel above this)
    on_std: float = 18.0
    #: ... or a filled face (its mean this far from the colour around it)
    on_fill: float = 60.0

    # ---- fields (checks.fields) --------------------------------------------------
    #: a field's drawn box is at least this high
    field_min_h: int = 14
    #: ... and at most this high
    field_max_h: int = 90
    #: ... and this many heights wide
    field_min_aspect: float = 2.0
    #: a solid shape fills at least this much of its bounding box
    field_min_fill: float = 0.9
    #: a field's shape overlaps the model's box by this IoU at least
    field_min_iou: float = 0.3
    #: a drawn box's face is looked at less this share of its height on each side (its border)
    face_margin: float = 0.12
    #: a progress bar's fill: columns this far off the inside's colour are inked
    progress_diff: int = 24
    #: ... over this share of the inside's height
    progress_full: float = 0.8
    #: ... from within this many px of its left edge
    progress_start: int = 3
    #: ... gaps of up to this many px bridged (a bar in blocks)
    progress_gap: int = 4
    #: ... at least this share of the height long
    progress_run: float = 0.5
    #: ... and at most progress_marked of its pixels differ from its colour by more than this
    progress_mark: int = 60
    #: ... (words on a highlight do)
    progress_marked: float = 0.05
    #: a dropdown's arrow differs from the face by at least this
    arrow_min_diff: int = 30
    #: ... or by this part of the strongest difference in the searched end
    arrow_rel_diff: float = 0.45
    #: ... and lies this close (share of the height) to the middle line
    arrow_centre: float = 0.15
    #: the arrow sits in the box's right end: this share of its width, at most this many heights
    arrow_end: tuple[float, float] = (0.45, 2.5)
    #: an arrow is this many of the box's heights wide (at least 5 px): a glyph is narrower
    arrow_w: tuple[float, float] = (0.15, 0.8)
    #: ... at most this many heights high
    arrow_max_h: float = 0.6
    #: ... this many times as wide as high ("v" and "y" are as high as wide)
    arrow_aspect: float = 1.3
    #: ... and its top rows this many times as wide as its bottom ones (it points down)
    arrow_narrowing: float = 1.8
    #: a text area is looked for around candidates this high at least
    area_min_h: int = 44
    #: ... up to this share of the candidate's size beyond it (half as far lost real AP)
    area_reach: float = 1.0
    #: a text area holds this share of the candidate's box
    area_holds: float = 0.8
    #: an underlined field's line is inked over this share of the box's width
    underline_field_span: float = 0.8
    #: ... and does not go on down (rows this far below it) at both ends as a box's top does
    underline_side: tuple[int, int] = (2, 7)
    #: ... a box's sides show as ink in this share of those rows
    underline_box_sides: float = 0.8
    #: a field's text starts in this first share of its box and ends before the second
    text_left: tuple[float, float] = (0.25, 0.6)

    # ---- buttons and switches (checks.buttons) -----------------------------------
    #: a button's drawn box is at least this high
    button_min_h: int = 12
    #: ... and this wide per height
    button_min_aspect: float = 0.6
    #: a drawn box counts as inside a detection when this much of it lies inside
    button_inside: float = 0.8
    #: a drawn box is this many of the detection's heights high
    button_h: tuple[float, float] = (0.5, 1.6)
    #: ... or overlaps the detection by this IoU; one alone this close is snapped to
    button_snap_iou: float = 0.5
    #: drawn boxes side by side cover this share of a detection to split it into them
    button_split_cover: float = 0.5
    #: boxes are side by side when their centres lie within this share of the smallest's size
    side_by_side: float = 0.5
    #: a switch is a stadium this high
    switch_h: tuple[int, int] = (12, 48)
    #: ... and this long for its height
    switch_aspect: tuple[float, float] = (1.4, 2.8)
    #: ... matching a drawn stadium of its size by this IoU at least
    switch_min_fit: float = 0.9
    #: ... with its corners at most this full
    switch_max_corner: float = 0.3
    #: ... a corner being a square of this share of its height
    switch_corner: float = 0.2
    #: ... and overlapping the detection by this IoU at least
    switch_min_iou: float = 0.3
    #: a knob's edge is a colour step bigger than this in a channel
    switch_step: int = 20
    #: a knob touching the end shows one edge this many heights from that end
    switch_knob: tuple[float, float] = (0.6, 1.25)
    #: an inset knob shows two edges this many heights apart
    switch_inset_knob: tuple[float, float] = (0.5, 1.1)
    #: ... the outer one at most this many heights from the end
    switch_inset: float = 0.3

    # ---- links (checks.links) ----------------------------------------------------
    #: a link's hue (OpenCV 0-180): green through purple, not the red-yellow of warnings
    link_hue: tuple[int, int] = (35, 170)
    #: ... at this HSV saturation at least
    link_min_sat: int = 90
    #: an underline crosses this share of the words' span
    underline_span: float = 0.75
    #: a link's colour has its channels this far apart (slate-blue headings are 48-53)
    link_min_spread: int = 50
    #: a word's colour is read on ink at least this share of the strongest difference
    ink_core: float = 0.7
    #: a box with fewer ink pixels holds too little to tell its words' colour or extent
    link_min_ink: int = 12
    #: a link is at most this high (a taller box is a paragraph or a panel)
    link_max_h: int = 64
    #: a link is followed by colour from this HSV value up (darker: black words)
    link_min_value: int = 60
    #: a pixel within this of the line from the background to the link's colour is the link's
    link_path_off: int = 40
    #: ... and past this share of the way from the background (not anti-aliased background)
    link_path_start: float = 0.3
    #: ink further than this off that line is something else: the link stops there
    link_other_off: int = 60
    #: a link's words are followed across gaps of this share of its height (a word space ~0.3)
    link_gap: float = 0.7
    #: ... as far as this many heights either side of the box
    link_reach: int = 24
    #: a link is followed by colour from this HSV saturation up; grey words only by underline
    link_min_chroma: int = 60
    #: a link's box is its ink with this share of the ink's height above and below
    link_leading: float = 0.12
    #: a row of blocks (a chunked progress bar): at least this many pieces of ink
    blocks_min: int = 4
    #: ... this share of them solid rectangles of one size
    blocks_share: float = 0.8
    #: ... each filling this much of its box
    blocks_fill: float = 0.9

    # ---- sliders (checks.sliders) ------------------------------------------------
    #: columns without ink bridged along a groove (tick gaps, anti-aliasing)
    slider_gap: int = 2
    #: a groove is at least this many times as long as it is thick
    slider_min_aspect: float = 3.0
    #: ... and its fullest row has ink along this share of its length (a word's do not)
    slider_min_run: float = 0.7
    #: a knob reaches this many groove thicknesses across (progress bars: ~1)
    slider_knob: float = 1.25

    # ---- icons (checks.icons) ----------------------------------------------------
    #: an icon's ink differs from what it sits on by more than this (its rim left out)
    icon_ink_diff: int = 24
    #: ink is searched this share of the box's size around it
    icon_reach: float = 0.35

    # ---- refine (checks.refine) --------------------------------------------------
    #: candidates of one kind checked per frame, best first (xcalc leaves 101 buttons)
    max_checked: int = 64
    #: boxed kinds are checked from this score up (lower costs time for little AP)
    box_floor: float = 0.2
    #: ... except these kinds (icons' check is cheap; docs' green code links score ~0.19)
    kind_floor: MappingProxyType = field(default_factory=lambda: _frozen(icon=0.1, link=0.15))
    #: a blank test looks at the box less this share of its size on each side
    blank_margin: float = 0.15
    #: blank: every channel's standard deviation over the inner part is under this
    blank_std: float = 4.0
    #: pixels sampled for it (a regular grid)
    blank_samples: int = 4096
    #: boxes are tested for blankness from this score up (below, it costs more than it gives)
    blank_floor: float = 0.3
    #: of two nested boxes of an unsnapped kind sharing this much of the smaller, one is kept
    nested_share: float = 0.8
    #: a candidate overlapping one a check found by this IoU is its duplicate: dropped
    found_iou: float = 0.5
    #: ... except these kinds (links side by side overlap more)
    found_iou_kind: MappingProxyType = field(default_factory=lambda: _frozen(link=0.6))
    #: same-kind boxes overlapping by more than this after the checks are one element
    same_iou: float = 0.6


#: the thresholds the runtime uses
CONFIG = CheckConfig()
