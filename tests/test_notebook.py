"""The analysts' notebook runs top to bottom on a two-version dataset and computes the right tables.

The dataset is built from the gold of the 2021 notice and of the invented 2023 version
(``tests/goldversions.py``), so the expected answers are computed here from the same gold.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from pipeline.output.dataset import build_dataset
from tests.goldtables import GOLD_2021, GOLD_2023, SHARED, gold_frames, load_gold
from tests.goldversions import ROOT, gold_notice, write_gold_version

NOTEBOOKS = ROOT / "notebooks"
NOTEBOOK = NOTEBOOKS / "analysis.py"
KERNEL = "pipeline-analysis-test"
V2021 = gold_notice("2021")["version"]
V2023 = gold_notice("2023")["version"]

# Appended to the notebook in memory (never saved): prints what the notebook computed.
PROBE = """
import json
print(json.dumps({
    "versions": versions["version"].tolist(),
    "items_per_version": {v: int(n) for v, n in per_version["items"].items()},
    "top_department": top_department,
    "top_department_tasks": int(tasks_per_department.loc[top_department, latest]),
    "top_law": top_laws.index[0],
    "top_law_articles": int(top_laws["articles"].iloc[0]),
    "changes": {k: int(v) for k, v in changes_summary.iloc[0].items()},
    "latest_change_rows": len(latest_changes),
}, ensure_ascii=False))
"""


def _run_notebook(dataset: Path, kernels: Path, monkeypatch) -> tuple[dict, nbformat.NotebookNode]:
    monkeypatch.setenv("ANALYSIS_DATASET", str(dataset))
    nb = jupytext.read(NOTEBOOK)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    NotebookClient(nb, kernel_name=KERNEL, timeout=60,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    probe = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    return json.loads(probe), nb


@pytest.fixture(scope="module")
def kernels(tmp_path_factory):
    """A kernel spec for this interpreter, found first whatever else is installed."""
    path = tmp_path_factory.mktemp("jupyter")
    spec = path / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pipeline tests", "language": "python"}))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(path))
        mp.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        yield path


@pytest.fixture(scope="module")
def executed(kernels, tmp_path_factory):
    root = tmp_path_factory.mktemp("extracted")
    write_gold_version(root, "2021")
    write_gold_version(root, "2023")
    with pytest.MonkeyPatch.context() as mp:
        return _run_notebook(build_dataset(root), kernels, mp)


def _gold(path):
    return gold_frames(load_gold(path))


def test_notebook_sees_both_versions_and_their_items(executed):
    probe, _ = executed
    assert probe["versions"] == [V2021, V2023]
    assert probe["items_per_version"] == {V2021: 27, V2023: 27}


def test_notebook_finds_the_department_with_most_tasks(executed):
    probe, _ = executed
    g = _gold(GOLD_2023)
    per_department = g["tasks"].merge(g["departments"], on="seq").groupby("department").size()
    assert probe["top_department"] == per_department.idxmax()
    assert probe["top_department_tasks"] == per_department.max()
    assert (per_department == per_department.max()).sum() == 1  # the answer is not a tie


def test_notebook_finds_the_most_cited_law(executed):
    probe, _ = executed
    per_law = _gold(GOLD_2023)["citations"]["law"].value_counts()
    assert (probe["top_law"], probe["top_law_articles"]) == (per_law.index[0], per_law.iloc[0])
    assert per_law.iloc[1] < per_law.iloc[0]


def test_notebook_reports_the_changes_of_the_expected_diff(executed):
    probe, _ = executed
    expected = json.loads((SHARED / "expected-diff-2021-to-2023.json").read_text())
    changed = [c for c in expected["changes"] if c["change"] == "changed"]
    moved_only = [o for o, n in expected["pairs"].items()
                  if int(o) != n and int(o) not in {c["old_seq"] for c in changed}]
    assert probe["changes"] == {"added": len(expected["added"]),
                                "removed": len(expected["removed"]),
                                "changed": len(changed), "renumbered": len(moved_only)}
    field_rows = sum(len(c["fields"]) for c in changed)
    assert probe["latest_change_rows"] == (len(expected["added"]) + len(expected["removed"])
                                           + field_rows + len(moved_only))


def test_notebook_draws_every_figure_with_a_cjk_font_and_no_warnings(executed):
    _, nb = executed
    outputs = [o for c in nb.cells[:-1] if c.cell_type == "code" for o in c.outputs]
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 4
    streams = [o.get("text", "") for o in outputs if o.output_type == "stream"]
    assert streams == [], streams  # no glyph or other warnings printed


def test_without_version_folders_the_notebook_compares_item_names(kernels, tmp_path,
                                                                  monkeypatch):
    root = tmp_path / "extracted"
    write_gold_version(root, "2021")
    write_gold_version(root, "2023")
    moved = shutil.move(build_dataset(root), tmp_path / "dataset")
    shutil.rmtree(root)
    probe, _ = _run_notebook(Path(moved), kernels, monkeypatch)
    old, new = ({r["name"] for r in load_gold(g)["items"]} for g in (GOLD_2021, GOLD_2023))
    assert probe["changes"] == {"added": len(new - old), "removed": len(old - new)}
    assert probe["latest_change_rows"] == len(new - old) + len(old - new) > 0


def test_committed_ipynb_is_the_py_notebook():
    py = jupytext.read(NOTEBOOK)
    ipynb = nbformat.read(NOTEBOOKS / "analysis.ipynb", as_version=4)
    assert [(c.cell_type, c.source) for c in ipynb.cells] == \
        [(c.cell_type, c.source) for c in py.cells], \
        "regenerate: .venv/bin/jupytext --to ipynb notebooks/analysis.py"
