#!/usr/bin/python3
"""Re-create the X (Athena) programs of the real-screen set: no accessibility
tree, so the boxes are measured by hand on the screenshot ("how": "manual").

    /usr/bin/python3 tests/data/elements/manual_capture.py

Each program runs alone on a private Xvfb (needs x11-apps, x11-utils, xdotool,
python3-pil).  The regions below were picked by looking at the screenshots;
within a region the box is the extent of the dark frame pixels, so a changed
font or size shows up as a visibly wrong box in annotate.py's output.
"""
import json
import os
import subprocess
import time

from PIL import ImageGrab

HERE = os.path.dirname(os.path.abspath(__file__))


def _free_display(start):
    """first X display number without a lock file (other Xvfbs may run here)."""
    n = start
    while os.path.exists('/tmp/.X%d-lock' % n) or os.path.exists('/tmp/.X11-unix/X%d' % n):
        n += 1
    return ':%d' % n


# the inner (--inner) process inherits the display chosen by the outer one
DISPLAY = os.environ.get('ELEMENTS_DISPLAY') or _free_display(93)


def frame_box(img, region, dark=60):
    """extent of the dark pixels inside region (x0, y0, x1, y1)."""
    px = img.load()
    xs, ys = [], []
    for y in range(region[1], region[3]):
        for x in range(region[0], region[2]):
            p = px[x, y]
            if sum(p[:3]) / 3 < dark:
                xs.append(x)
                ys.append(y)
    return [min(xs), min(ys), max(xs) + 1, max(ys) + 1]


def split_cols(img, region, dark=60):
    """boxes of the groups of columns containing dark pixels (side-by-side
    buttons on one row)."""
    px = img.load()
    cols = [any(sum(px[x, y][:3]) / 3 < dark for y in range(region[1], region[3]))
            for x in range(region[0], region[2])]
    out, start = [], None
    for i, v in enumerate(cols + [False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append(frame_box(img, (region[0] + start, region[1], region[0] + i, region[3]), dark))
            start = None
    return out


def xcalc(img):
    # the TI keypad: 5 columns x 11 rows of framed keys, measured on the
    # screenshot: key frames at x = 5..47, 49..91, ..., rows every 30 px from y = 63
    labels = ['1/x', 'x²', '√', 'CE/C', 'AC', 'INV', 'sin', 'cos', 'tan', 'DRG',
              'e', 'EE', 'log', 'ln', 'y^x', 'not', 'and', 'or', 'xor', 'trunc',
              'π', 'x!', '(', ')', 'base', 'shl', 'D', 'E', 'F', 'shr',
              'mod', 'A', 'B', 'C', '÷', 'STO', '7', '8', '9', '*',
              'RCL', '4', '5', '6', '-', 'SUM', '1', '2', '3', '+', 'EXC', '0', '.', '+/-', '=']
    objs = []
    for r in range(11):
        y0 = 63 + 30 * r
        for c in range(5):
            x0 = 5 + 44 * c
            objs.append({'cls': 'button', 'box': [x0, y0, x0 + 43, y0 + 28], 'checked': None,
                         'text': labels[r * 5 + c]})
    return objs


def xedit(img):
    # command buttons Quit/Save/Load share their 1 px frames (x = 0, 37, 74, 111),
    # the file-name field runs from the Load frame to the window edge, y = 0..19
    objs = [{'cls': 'button', 'box': box, 'checked': None, 'text': t}
            for box, t in zip(([0, 0, 38, 20], [37, 0, 75, 20], [74, 0, 112, 20]), ['Quit', 'Save', 'Load'])]
    objs.append({'cls': 'text_field', 'box': [111, 0, img.size[0], 20], 'checked': None,
                 'text': '/usr/share/common-licenses/BSD'})
    # the edit area (with its scroll bar) below the status line (frame at y = 108)
    objs.append({'cls': 'text_field', 'box': [0, 108, img.size[0], img.size[1]], 'checked': None,
                 'text': None})
    return objs


def xmessage(img):
    # window-local: buttons on the row y = 44..63
    return [{'cls': 'button', 'box': b, 'checked': None, 'text': t}
            for b, t in zip(split_cols(img, (3, 43, img.size[0], 64)), ['Retry', 'Ignore', 'Abort'])]


PROGRAMS = [
    ('x_xcalc', ['xcalc'], 'xcalc', xcalc, 'xcalc (x11-apps), TI keypad'),
    ('x_xedit', ['xedit', '/usr/share/common-licenses/BSD'], 'xedit', xedit, 'xedit (x11-apps)'),
    ('x_xmessage', ['xmessage', '-buttons', 'Retry:2,Ignore:1,Abort:0',
                    'Drive D: is not ready.\nInsert a disk and try again.'], 'xmessage', xmessage,
     'xmessage (x11-utils)'),
]


def main():
    xvfb = subprocess.Popen(['Xvfb', DISPLAY, '-screen', '0', '800x600x24', '-nolisten', 'tcp'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, DISPLAY=DISPLAY)
    try:
        time.sleep(1.5)
        for name, cmd, cls, fn, note in PROGRAMS:
            p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(2.0)
            geo = subprocess.run(['xdotool', 'search', '--class', cls, 'getwindowgeometry', '--shell'],
                                 env=env, capture_output=True, text=True).stdout
            g = dict(line.split('=') for line in geo.split() if '=' in line)
            x, y, w, h = int(g['X']), int(g['Y']), int(g['WIDTH']), int(g['HEIGHT'])
            img = ImageGrab.grab(xdisplay=DISPLAY).convert('RGB').crop((x, y, x + w, y + h))
            p.terminate()
            p.wait()
            objs = fn(img)
            png = os.path.join(HERE, name + '.png')
            img.save(png, optimize=True)
            data = {'width': w, 'height': h, 'source': 'real',
                    'meta': {'program': cmd[0], 'how': 'manual', 'note': note}, 'objects': objs}
            tmp = os.path.join(HERE, name + '.json.tmp')
            with open(tmp, 'w') as f:
                json.dump(data, f, indent=1, ensure_ascii=False)
            os.replace(tmp, os.path.join(HERE, name + '.json'))
            print(name, len(objs), (w, h))
    finally:
        xvfb.terminate()
        xvfb.wait()


if __name__ == '__main__':
    main()
