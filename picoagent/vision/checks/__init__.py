"""Model detections checked on the pixels: checkboxes, radios, text fields,
dropdowns, buttons, switches, sliders, links and icons.

The element model finds most of these but scores many low (0.1-0.35), draws
their boxes a few pixels loose (or short on long fields, or one box over two
neighbouring buttons), leaves two or three boxes on one button, and calls most
radios checkboxes, many small icons checkboxes and most dropdowns text fields.
These are questions of geometry and colour, so after the model has said "a
checkbox about here", this module looks at the pixels there.

Shapes: around a detection, what differs from the colour the element sits on
by more than ``ink_diff`` in a channel is ink; a shape is the filled outer outline
of a piece of ink, so an empty ring and a filled, ticked square are both solid
shapes.  The colour the element sits on is the most common one in a 4-px ring
around the model's box; when no shape qualifies, the second most common one
there, then the searched window's rim colour (a box drawn wholly inside a
field) are tried.  Shapes that run out of the searched window belong to
something larger and are ignored.

* Checkbox / radio: an about-square solid shape of 8-48 px near the box becomes
  the box, and its outline the class: a circle is as far from its centre
  along the diagonals as along the axes, a square (even with rounded corners)
  further.  The shape must fill its box or its inscribed disk; a solid shape
  that does neither is an icon.  One found: score raised; no solid shape:
  score halved.  A disk holding more than one centred, symmetric dot (an
  avatar's initials, a wizard's step number), or with ink right beside it (a
  letter "O" in a word), is no radio: score halved.
* Text field / dropdown: a solid rectangle 14-90 px high, at least twice as
  wide, overlapping the box (IoU >= 0.3) becomes the box; a down arrow at its
  right end makes it a dropdown, none a text field; score raised.  A text field
  candidate 44 px high or more with no such rectangle is snapped to the
  smallest solid rectangle holding it (a text area), score unchanged.  Neither a
  box nor an arrow: the model's box stays; a text field's score too where a line
  runs along its bottom (underlined fields), else it is halved.
* Button: the drawn button (a solid rectangle) becomes the box; a box over two
  or more drawn buttons side by side is split into them; one whose words sit
  at its left is a field (or with an arrow a dropdown); score raised.  None:
  box and score stay (flat buttons exist).
* Link: widened along its line to the whole link, then drawn in to its words
  (their ink with a little leading); words of a link's colour (green to purple,
  saturated) or underlined raise the score;
  else it stays.
* Switch: a "button" drawn as a stadium (1.4-2.8 times as long as high) whose
  middle row steps colour only at the edges of a round knob at one end is a
  toggle, on when the knob is at the right (the model calls GTK's switches
  buttons).
* Slider: the model boxes long sliders in pieces or only around the handle;
  the groove is followed along the slider's axis to its ends and the box
  becomes the whole slider, knob included (the pieces then merge).  No
  groove: score halved.
* Icon: the box becomes the bounding box of the pictogram's ink that reaches
  into the middle of the model's box; score unchanged.
* Nothing inside: a button, tab, menu item, link, icon, slider or toggle box
  whose inner part is one flat colour is dropped (boxes over empty panels or
  along a panel's edge line).

Indicators are checked from the detector's floor for them (0.05), icons from
0.1, the others from ``box_floor``, at most ``max_checked`` of a kind per frame, best first; a
candidate overlapping one that already passed is a duplicate and is dropped
unchecked.  Then same-kind boxes snapped onto each other are merged.  Pure
functions of an image and boxes (costs: docs/performance.md).

One module a family (shapes: what the checks measure; indicators, fields,
buttons (and switches), links, sliders, icons; refine: the registry of checks by
kind, :data:`~.refine.CHECKS`, and the pass over a frame).  Every threshold is a
field of :class:`~.config.CheckConfig` (``CONFIG``), with its reason; box maths
is :mod:`picoagent.vision.geometry`'s.
"""
from __future__ import annotations

from .buttons import BUTTON_KINDS, button_boxes, check_button, find_switch, switch_state
from .config import CONFIG, CheckConfig
from .fields import (FIELD_KINDS, check_field, field_underline, find_area, find_arrow, find_field,
                     progress_fill, text_at_left)
from .icons import ICON_KINDS, check_icon, icon_extent
from .indicators import (INDICATOR_KINDS, check_indicator, corner_ratio, find_outline, in_word,
                         indicator_beside, indicator_state, outline_kind, radio_inside,
                         refine_indicators, shape_fit)
from .links import LINK_KINDS, check_link, in_blocks, link_extent, link_marks, link_words
from .refine import CHECKS, CONTENT_KINDS, NESTED_KINDS, VERIFIED_KINDS, is_blank, refine
from .shapes import (WindowShapes, backgrounds_for, channel_diff, local_backgrounds, search_window,
                     shapes_per_background)
from .sliders import SLIDER_KINDS, check_slider, slider_extent

__all__ = [
    'BUTTON_KINDS', 'CHECKS', 'CONFIG', 'CONTENT_KINDS', 'CheckConfig', 'FIELD_KINDS',
    'ICON_KINDS', 'INDICATOR_KINDS', 'LINK_KINDS', 'NESTED_KINDS', 'SLIDER_KINDS',
    'VERIFIED_KINDS', 'WindowShapes', 'backgrounds_for', 'button_boxes', 'channel_diff',
    'check_button', 'check_field', 'check_icon', 'check_indicator', 'check_link',
    'check_slider', 'corner_ratio', 'field_underline', 'find_area', 'find_arrow',
    'find_field', 'find_outline', 'find_switch', 'icon_extent', 'in_blocks', 'in_word',
    'indicator_beside', 'indicator_state', 'is_blank', 'link_extent', 'link_marks',
    'link_words', 'local_backgrounds', 'outline_kind', 'progress_fill', 'radio_inside',
    'refine', 'refine_indicators', 'search_window', 'shape_fit', 'shapes_per_background',
    'slider_extent', 'switch_state', 'text_at_left'
]
