"""Text helpers every stage may use: substituted glyphs, spaces, Chinese numerals, task markers.

    glyphs.unify_ideographs   Kangxi radicals and compatibility ideographs → the ideograph
    spaces.squeeze_spaces     white space a cell's wrapping left inside a name
    numerals.parse_numeral    第十五 → 15 (None for a numeral that is not valid)
    markers.TASK_MARKER       the shapes of "1." "（1）" "①", stated once

Place in the flow: below everything (pure functions of strings).  May import:
the standard library and ``regex`` only, nothing of ``pipeline`` but ``text``.
"""
