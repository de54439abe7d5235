"""The list's table: from the readers' pages to one clean row per item.

    header.drop_headers   pages → ``model.ListTable`` (a profile claims the header; repeats go)
    stitch.stitch_rows    ListTable → ``model.RawItem`` per list row (page breaks, merged cells)
    clean.clean_items     RawItems → ``items`` rows (cell text joined as the profile says)
    notice.read_notice    the text around the table → notice.json facts (文号, date, title)

Place in the flow: after ``readers``, before ``cells``.  May import: ``errors``,
``settings``, ``model``, ``schema``, ``text``, ``safety``, ``profiles``, ``readers``.
"""
