"""Generate the list in other formats (Word, Excel, web page) from a gold file, for tests.

One module per format family (docx, sheet, web), each with its own variations;
the expected extraction of every generated file is the gold it came from.
"""
