"""Cell parsers: one item's cell text → rows of the tasks, citations and departments tables.

    parse.parse_items               items rows → {table: rows}, by each column's role
    tasks.parse_tasks               "1.…①…" → one row per numbered sub-item
    citations.parse_citations       "《…》第X条" → one row per cited article
    departments.parse_departments   "甲、乙部门" → one row per department (甲部门, 乙部门)

The parsers are pure functions of one cell's text; they never raise on odd text.
Place in the flow: after ``table``.  May import: ``errors``, ``settings``,
``model``, ``schema``, ``text``, ``profiles``.
"""
