"""Cell parsers: one item's cell text → rows of the tasks, citations and departments tables.

    parse.parse_items               items rows → {table: rows}, by each column's role and
                                    the parser the profile names for it
    tasks.parse_tasks               "1.…①…" → one row per numbered sub-item
    citations.parse_citations       "《…》第X条" → one row per cited article
    power_citations.parse_power_citations
                                    "【法律】《…》（…）第X条：…" (权责清单) → one row per
                                    cited article, with its type, note and text
    departments.parse_departments   "甲、乙部门" → one row per department (甲部门, 乙部门)
    brackets.pair_brackets          where each 《 or （ of a cell is closed (the citation parsers')

The parsers are pure functions of one cell's text; they never raise on odd text.
Place in the flow: after ``table``.  May import: ``errors``, ``settings``,
``model``, ``schema``, ``text``, ``profiles``.
"""
