"""The fuzzing campaign of issue 14: mutated notices of every format through the command line.

    make fuzz                        (python -m tests.fuzz: 5,000 inputs, seed 1, ≤ 28 min)
    python -m tests.fuzz --seed 7 --count 500 --formats pdf,docx --minutes 5
    python -m tests.fuzz --replay build/fuzz/findings/<kind>-<hash>/<i>-read/recipe.json

Modules: ``seeds`` (small valid notices of every format, made by the format
generators), ``mutate`` (seeded byte-level and structure-aware mutations; an input
is a ``Recipe``), ``run`` (the CLI run per input, what counts as a finding),
``campaign`` (the loop, confirmation, minimization, summary).  Output under
build/fuzz/: ``summary.json``, ``inputs.jsonl`` (one line per run) and
``findings/<kind>-<hash>/`` (input, recipe, command, stderr, minimized input).

Why a plain seeded mutator, and not atheris or hypothesis.  What is fuzzed is
the command line: the parent sniffs and checks the file, converts it with
LibreOffice, forks a sandboxed child (memory, CPU, wall clock, no writes) that
parses it, then writes, validates and swaps the folder.  The findings that
matter live at those boundaries (an exception escaping a reader, a child killed
without a clean line, a partial folder, output that passes when it should not),
so every input has to go through a separate CLI process.  atheris's coverage
guidance instruments the process it runs in: it sees neither the forked reader,
nor LibreOffice, nor the parent's write and validation; run in-process instead,
it would bypass the sandbox and report as crashes what the CLI turns into clean
errors, and its speed (thousands of executions a second) is lost on 0.1–3 s per
input anyway.  hypothesis draws and shrinks examples one at a time in one
process, which would leave a core idle on this 2-core machine, and its
generation and shrinking are tied to its database and version, while a
campaign here must be reproducible from ``(seed, index)`` alone and a found
input rebuilt from a short recipe in a regression test.  So: ``random.Random``
seeded per input, structure-aware mutators written for these formats (PDF
objects and streams, zip members and their XML, OLE streams and BIFF records,
RTF, HTML), many CLI runs in parallel, and cheap minimization (steps of the
recipe left out, zip members and bytes put back as in the seed).
"""
