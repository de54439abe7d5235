"""Review: what changed between two versions of a list, and charts of a list.

    diff.diff_versions     two version folders → changes, detail changes, matches
    report.write_report    a Diff → changes.parquet/.csv, report.md, report.html
    charts.use_cjk_font    one CJK font for matplotlib (charts with Chinese labels)

Place in the flow: after ``quality``.  May import the layers below it, never
``site``, ``extract``, ``batch``.
"""
