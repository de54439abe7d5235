"""Output: version folders written whole, and every version gathered into one dataset.

    write.write_tables        frames → NAME.parquet + NAME.csv in a temporary folder, swapped in
    manifest.read_manifest    raw/notices.json: what a notice is expected to hold
    dataset.build_dataset     extracted/*/ → extracted/dataset/<table>/version=<v>/ (Parquet)

Place in the flow: after ``cells``.  May import: ``errors``, ``settings``,
``model``, ``schema``, ``text``, ``profiles``.
"""
