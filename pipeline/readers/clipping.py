"""What a PDF page shows: its text layer with the clipping paths applied.

    apply_clipping(page) → the characters the page does not show (pdfplumber-style dicts)

pdfminer reads every character of a content stream and ignores clipping
(``W`` / ``W*`` are no-ops there), so a spreadsheet cell whose text is taller
than its row (LibreOffice and Excel clip it at the cell border in print)
spills its hidden lines into the rows below: read by position, they join the
text of the next row's cell.  Here the page is laid out as pdfplumber lays it
out, but with the clipping region tracked (as the bounding box of each
clipping path, intersected with the one before, saved and restored with the
graphics state): a character whose middle lies outside it is left out of
``page.chars`` and returned instead, with ``clip`` (x0, top, x1, bottom: the
box that hid it, in pdfplumber's coordinates) so that the reader can name
the cell it was cut from.

The layout is set as the page's own (pdfplumber caches it in ``_layout``), so
``page.chars``, ``page.lines``… come from it as usual.
"""

from __future__ import annotations

from functools import cache

#: Points by which a character's middle may lie outside its clipping box and
#: still count as shown (rounding of the producer's coordinates).
CLIP_SLACK = 0.5


def apply_clipping(page) -> list[dict]:
    """Lay out the pdfplumber ``page`` with clipping applied (see the module docstring);
    return the characters it hides, as ``page.chars`` would give them plus ``clip``."""
    from pdfplumber.utils.exceptions import PdfminerException

    interpreter_class, device_class = _classes()
    device = device_class(page.pdf.rsrcmgr, pageno=page.page_number,
                          laparams=page.pdf.laparams)
    interpreter = interpreter_class(page.pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except Exception as e:  # (as pdfplumber's own layout does: the sandbox unwraps it)
        raise PdfminerException(e) from e
    page._layout = device.get_result()
    hidden = []
    for obj, clip in device.hidden:
        char = page.process_object(obj)
        x0, y0, x1, y1 = clip
        mb_x0, mb_top = page.mediabox[:2]
        char["clip"] = (x0 + mb_x0, page.height - y1 + mb_top, x1 + mb_x0,
                        page.height - y0 + mb_top)
        hidden.append(char)
    return hidden


@cache
def _classes():
    """The interpreter and device classes (built on first use: pdfminer imports are slow)."""
    from pdfminer.layout import LTChar
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfminer.utils import apply_matrix_pt
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class Device(PDFPageAggregatorWithMarkedContent):
        """pdfplumber's device, leaving out characters outside the clipping box."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.clip: tuple[float, float, float, float] | None = None
            self.hidden: list = []  # (LTChar, clip box) left out

        def render_char(self, *args, **kwargs) -> float:
            adv = super().render_char(*args, **kwargs)
            clip = self.clip
            if clip is not None and self.cur_item._objs:
                obj = self.cur_item._objs[-1]
                if isinstance(obj, LTChar):
                    cx, cy = (obj.x0 + obj.x1) / 2, (obj.y0 + obj.y1) / 2
                    if not (clip[0] - CLIP_SLACK <= cx <= clip[2] + CLIP_SLACK
                            and clip[1] - CLIP_SLACK <= cy <= clip[3] + CLIP_SLACK):
                        self.cur_item._objs.pop()
                        self.hidden.append((obj, clip))
            return adv

    class Interpreter(PDFPageInterpreter):
        """Tracks the clipping box (device space) through q/Q, W/W* and form XObjects."""

        def init_state(self, ctm) -> None:
            super().init_state(ctm)
            # (a form XObject's interpreter starts inside the clip of its caller)
            self.clip = self.device.clip
            self.clips: list = []

        def do_q(self) -> None:
            super().do_q()
            self.clips.append(self.clip)

        def do_Q(self) -> None:
            super().do_Q()
            if self.clips:
                self.clip = self.device.clip = self.clips.pop()

        def _clip_to_path(self) -> None:
            points = [apply_matrix_pt(self.ctm, (seg[i], seg[i + 1]))
                      for seg in self.curpath for i in range(1, len(seg) - 1, 2)]
            if not points:
                return
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            box = (min(xs), min(ys), max(xs), max(ys))
            if self.clip is not None:
                a = self.clip
                box = (max(a[0], box[0]), max(a[1], box[1]), min(a[2], box[2]),
                       min(a[3], box[3]))
            self.clip = self.device.clip = box

        def do_W(self) -> None:
            self._clip_to_path()

        def do_W_a(self) -> None:
            self._clip_to_path()

        def do_Do(self, xobjid_arg) -> None:
            super().do_Do(xobjid_arg)
            self.device.clip = self.clip

    return Interpreter, Device
