"""Quality: checks of an extracted version, and what a person should look at.

    validate.validate_extraction   a version folder → validation.json / validation.html (the
                                   profile's expectation suite, run with great-expectations)
    ocrcells.list_ocr_cells        OCR'd cells, their confidence and crops to check by eye

Place in the flow: after ``output`` (it reads written folders).  May import:
the layers below it (``output`` included), never ``review``, ``site``, ``extract``, ``batch``.
"""
