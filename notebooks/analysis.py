# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 基层群众性自治组织协助政府工作事项清单 — every version at a glance
#
# This notebook reads the combined dataset of all extracted versions of the list
# (`make extract` then `make dataset` write it to `extracted/dataset/`) and answers four
# questions, one section each:
#
# 1. How many items (and tasks, citations, departments) does each version have?
# 2. Which departments lean on village committees most?
# 3. Which laws are cited most?
# 4. What changed between versions?
#
# Open it in Jupyter from `notebooks/`, or run it headless with
# `.venv/bin/jupyter execute notebooks/analysis.ipynb`. Another dataset folder can be given
# in the environment variable `ANALYSIS_DATASET` or in the cell below.

# %% tags=["parameters"]
import os

DATASET = os.environ.get("ANALYSIS_DATASET", "../extracted/dataset")
TOP = 12  # bars per chart

# %%
import sys
from pathlib import Path

import matplotlib
import pandas as pd

if "ipykernel" not in sys.modules:  # run as a script: draw off screen
    matplotlib.use("Agg")
import matplotlib.pyplot as plt

dataset = Path(DATASET)
root = dataset.resolve().parent
# `pipeline` lives in the project root: above notebooks/ (the working folder) or above extracted/
for folder in (Path.cwd().resolve().parent, root.parent):
    if (folder / "pipeline" / "review" / "charts.py").is_file() and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# %%
from pipeline.review.charts import use_cjk_font
from pipeline.review.diff import diff_versions

# Chinese labels need a CJK font: an installed one, else the one requirements.txt installs.
use_cjk_font()
pd.set_option("display.max_colwidth", 60)


def load(table: str) -> pd.DataFrame:
    """All versions of one table; `version` as text (the reader gives a category)."""
    df = pd.read_parquet(dataset / table)
    return df.astype({"version": "string"}).sort_values("version", kind="stable",
                                                        ignore_index=True)


versions = load("versions").sort_values("version", ignore_index=True)
items, tasks, citations, departments = (load(t) for t in
                                        ("items", "tasks", "citations", "departments"))
latest = versions["version"].iloc[-1]
# charts name a version by its document number where it has one
label = dict(zip(versions["version"], versions["doc_no"].fillna(versions["version"]), strict=True))
versions[["version", "doc_no", "date", "item_count", "source_file"]]

# %% [markdown]
# ## 1. Items per version
#
# One row per version: items in the list, and the numbered sub-tasks, citations and
# department rows they break down into.

# %%
per_version = pd.DataFrame({
    "items": items.groupby("version").size(),
    "tasks": tasks.groupby("version").size(),
    "citations": citations.groupby("version").size(),
    "departments": departments.groupby("version").size(),
}).join(versions.set_index("version")[["doc_no", "date"]]).fillna(0)

counts = per_version[["items", "tasks", "citations", "departments"]].rename(index=label)
ax = counts.plot.bar(rot=0, figsize=(7, 3.5), title="rows per version")
for bars in ax.containers:
    ax.bar_label(bars, fontsize=8)
ax.set_xlabel("")
ax.margins(y=0.15)
ax.figure.tight_layout()
per_version

# %% [markdown]
# ## 2. Which departments lean on village committees most?
#
# Each sub-task of an item counts once for every department responsible for that item
# (an item run by three departments gives each of them its tasks). The chart shows the
# latest version; the table compares versions.

# %%
task_departments = tasks.merge(departments, on=["version", "seq"])
tasks_per_department = (task_departments
                        .groupby(["department", "version"]).size()
                        .unstack("version", fill_value=0))
tasks_per_department["items"] = (departments[departments["version"] == latest]
                                 .groupby("department")["seq"].nunique())
tasks_per_department = tasks_per_department.fillna({"items": 0}).astype("Int64").sort_values(
    [latest, "items"], ascending=False)
top_department = tasks_per_department.index[0]

top = tasks_per_department[latest].head(TOP)[::-1]
fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1))
ax.barh(top.index, top.to_numpy(), color="#55a868")
ax.set_xlabel(f"tasks ({label[latest]})")
ax.set_title("协助工作细化事项 per 主管单位")
fig.tight_layout()
tasks_per_department.head(TOP)

# %% [markdown]
# ## 3. Which laws are cited most?
#
# `articles`: how often the law is cited (one per article; a law cited without article
# counts 1); `items`: how many items cite it.

# %%
laws = citations[citations["version"] == latest]
top_laws = (laws.groupby("law")
            .agg(articles=("citation_no", "size"), items=("seq", "nunique"))
            .sort_values(["articles", "items"], ascending=False))

shown = top_laws.head(TOP)[::-1]
fig, ax = plt.subplots(figsize=(8, 0.35 * len(shown) + 1))
bars = ax.barh([f"《{law[:22]}{'…' if len(law) > 22 else ''}》" for law in shown.index],
               shown["articles"].to_numpy(), color="#c44e52")
ax.bar_label(bars, labels=[f"{n} item{'s' if n > 1 else ''}" for n in shown["items"]],
             fontsize=8, padding=2)
ax.margins(x=0.15)
ax.set_xlabel(f"articles cited ({label[latest]})")
ax.set_title("依据 — most cited laws")
fig.tight_layout()
top_laws.head(TOP)

# %% [markdown]
# ## 4. What changed between versions?
#
# Each version is compared with the one before it by `pipeline.review.diff` (items matched by
# name and content, not by 序号, so a renumbered item is not a change). Where the version
# folders are not beside the dataset, item names are compared instead.

# %%
def compare(old: str, new: str) -> tuple[dict, pd.DataFrame]:
    """Counts of added/removed/changed/renumbered items, and the change rows."""
    if (root / old).is_dir() and (root / new).is_dir():
        diff = diff_versions(root / old, root / new)
        return diff.counts(), diff.changes
    names = {v: set(items.loc[items["version"] == v, "name"]) for v in (old, new)}
    rows = ([{"change": "removed", "name": n} for n in sorted(names[old] - names[new])]
            + [{"change": "added", "name": n} for n in sorted(names[new] - names[old])])
    return ({"added": len(names[new] - names[old]), "removed": len(names[old] - names[new])},
            pd.DataFrame(rows, columns=["change", "name"]))


pairs = list(zip(versions["version"].iloc[:-1], versions["version"].iloc[1:], strict=True))
compared = {pair: compare(*pair) for pair in pairs}
changes_summary = pd.DataFrame([counts for counts, _ in compared.values()],
                               index=pd.Index([f"{label[a]} → {label[b]}" for a, b in pairs],
                                                        name="versions"))

if len(changes_summary):
    ax = changes_summary.T.plot.bar(rot=0, figsize=(6, 3), title="items changed between versions")
    for bars in ax.containers:
        ax.bar_label(bars, fontsize=8)
    ax.margins(y=0.15)
    ax.legend(fontsize=8)
    ax.figure.tight_layout()
changes_summary

# %% [markdown]
# The changes of the latest pair, one row per changed field (`pipeline diff OLD NEW`
# writes the same table with a readable report).

# %%
latest_changes = compared[pairs[-1]][1] if pairs else pd.DataFrame()
latest_changes
