"""Notebooks as the harness sees them: code cells are blocks, stored outputs are what
the page shows, written back through nbformat by ``--update-outputs``.

The conventions (CONTRIBUTING.md, "Notebooks"), using the cell tags nbclient and nbval know:

* every code cell runs, in order, as a Jupyter kernel would run it: its last expression's
  value is shown (IPython's pretty printer), a figure left open is shown (stored as SVG);
* ``raises-exception``: the cell must raise; ``warns``: the cell must warn (ours);
* ``skip-execution``: the cell is not run, and its first line must tell the reader why:
  ``# Not run here: <reason>``, the rule (rules.NOT_RUN) a Markdown fence's title follows;
* a comment line of its own that is the tolerance sentence, word for word,
  ``# Trained numbers: may differ by up to ±0.01 on your machine``, declares the tolerance
  of the cell's output (see normalise.py); at most one per cell;
* every other comment follows the rule for code a reader sees (comments.py);
* stored outputs hold no machine path, timestamp or kernel id: one stream, the value,
  the figures, the error, and execution counts numbered 1, 2, 3 over the run cells.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat

from . import comments
from .normalise import MAX_TOLERANCE, TOLERANCE_SENTENCE, mentions_tolerance, tolerance_in
from .rules import NOT_RUN, PageError

RAISES, WARNS, SKIP = "raises-exception", "warns", "skip-execution"
KNOWN_TAGS = {RAISES, WARNS, SKIP}
SVG = "image/svg+xml"


def read(path: Path):
    try:
        notebook = nbformat.read(str(path), as_version=4)
        nbformat.validate(notebook)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the page's fault
        raise PageError(f"{path}: not a valid notebook: {exc}") from None
    return notebook


def _tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def shown_text(cell) -> str:
    """What the notebook shows under a cell, as one text: streams, value, error."""
    parts = []
    stream = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    if stream:
        parts.append(stream.rstrip("\n"))
    for o in cell.outputs:
        if o.output_type == "execute_result" and "text/plain" in o.data:
            parts.append(o.data["text/plain"])
    for o in cell.outputs:
        if o.output_type == "error":
            parts.append(f"{o.ename}: {o.evalue}" if o.evalue else o.ename)
    return "\n".join(parts)


# What a notebook may carry besides its cells' sources and outputs: Jupyter acts on other
# metadata (``jupyter.source_hidden``, ``collapsed``, ``scrolled``) and shows attachments,
# so a downloaded notebook could open with a cell folded away or a picture nobody drew.
NOTEBOOK_METADATA = {"description", "kernelspec", "language_info"}
CELL_METADATA = {"tags", "lines_to_next_cell", "execution", "alt"}  # jupytext's spacing; run times; figures' alt text


def _check_metadata(notebook, path: Path) -> None:
    extra = set(notebook.metadata) - NOTEBOOK_METADATA
    if extra:
        raise PageError(f"{path}: notebook metadata the tests do not allow: {sorted(extra)} "
                        f"(allowed: {sorted(NOTEBOOK_METADATA)})")
    for number, cell in enumerate(notebook.cells, start=1):
        extra = set(cell.get("metadata", {})) - CELL_METADATA
        if extra:
            raise PageError(f"{path}:cell {number}: cell metadata the tests do not allow: {sorted(extra)} "
                            f"(allowed: {sorted(CELL_METADATA)}); Jupyter could fold or hide the cell")
        if cell.get("attachments"):
            raise PageError(f"{path}:cell {number}: an attachment is a picture nobody drew")
        if "alt" in cell.get("metadata", {}):
            _check_alt(cell, f"{path}:cell {number}")


def _check_alt(cell, where: str) -> None:
    """A cell's ``alt`` metadata (nbconvert's convention, jupyter/nbconvert#1112) describes
    the figures it draws: a non-empty string for one, a list of them, one per figure in
    order, for several. hooks/markup.py gives each figure its text, and stops the build
    for a figure without one."""
    alt = cell.metadata["alt"]
    given = [alt] if isinstance(alt, str) else alt if isinstance(alt, list) else None
    if given is None or not all(isinstance(a, str) and a.strip() for a in given):
        raise PageError(f"{where}: metadata \"alt\" must be a non-empty string or a list of them, not {alt!r}")
    figures = sum(1 for output in cell.get("outputs", [])
                  if any(kind.startswith("image/") for kind in output.get("data", {})))
    if figures and len(given) != figures:
        raise PageError(f"{where}: metadata \"alt\" describes {len(given)} figure(s), the cell draws {figures}")


def blocks(notebook, path: Path, make_block) -> list:
    found = []
    _check_metadata(notebook, path)
    for number, cell in enumerate(notebook.cells, start=1):
        where = f"{path}:cell {number}"
        if cell.cell_type == "raw":
            raise PageError(f"{where}: a raw cell is shown as it is and checked by nothing")
        if cell.cell_type == "markdown":
            _check_markdown_cell(cell.source, where)
        if cell.cell_type != "code":
            continue
        tags = _tags(cell)
        unknown = {t for t in tags - KNOWN_TAGS if not t.startswith(("hide", "remove"))}
        if unknown & {"raises", "skip", "notest", "nbval-skip", "nbval-ignore-output", "nbval-raises-exception"}:
            raise PageError(f"{where}: use the tags {sorted(KNOWN_TAGS)}, not {sorted(unknown)}")
        if tags & {t for t in tags if t.startswith(("hide", "remove"))}:
            raise PageError(f"{where}: a cell hidden from the reader (tag {sorted(tags)}) could run code unseen")
        options = set()
        if RAISES in tags:
            options.add("raises")
        if WARNS in tags:
            options.add("warns")
        allowed = set()  # lines holding the sentences a cell writes as comments
        if SKIP in tags:
            options.add("notest")
            first = cell.source.split("\n", 1)[0]
            if not (first.startswith("# ") and NOT_RUN.match(first[2:])):
                raise PageError(
                    f"{where}: a cell tagged {SKIP} must tell the reader why it is not run, "
                    "in its first line: # Not run here: <reason> (a reason of a few words)"
                )
            allowed.add(1)
            if cell.outputs:
                raise PageError(f"{where}: a cell that is not run cannot show outputs: nothing would check them")
        figures = [o.data[SVG].encode("utf-8") for o in cell.outputs if o.output_type == "display_data" and SVG in o.data]
        others = [
            o for o in cell.outputs
            if (o.output_type == "display_data" and set(o.data) - {SVG, "text/plain"})
            or (o.output_type == "execute_result" and set(o.data) != {"text/plain"})
        ]
        if others:
            raise PageError(f"{where}: the cell shows an output the tests cannot check: {sorted(others[0].data)}")
        text = shown_text(cell)
        tolerance = None
        for comment in comments.find(cell.source):
            n, said = comment.line, comment.text.strip()
            declared = tolerance_in(said[2:]) if said.startswith("# ") and not comment.after_code else None
            if declared is None:
                if mentions_tolerance(said):
                    raise PageError(
                        f"{where}, line {n}: a tolerance is declared by a comment line that is the sentence, "
                        f"word for word: # {TOLERANCE_SENTENCE.format('0.005')}"
                    )
                continue
            if tolerance is not None:
                raise PageError(f"{where}, line {n}: a cell declares its tolerance once")
            if SKIP in tags:
                raise PageError(f"{where}, line {n}: a cell that is not run has no output to declare a tolerance for")
            tolerance = declared
            allowed.add(n)
        if tolerance is not None and tolerance > MAX_TOLERANCE:
            raise PageError(f"{where}: a tolerance of ±{tolerance:g} is more than ±{MAX_TOLERANCE:g}")
        comments.check_code(cell.source, lambda n: f"{where}, line {n}", runs=SKIP not in tags, allowed=allowed)
        found.append(
            make_block(
                # A name of its own per cell, so that tracebacks and shape comments point at
                # the cell (and no machine path lands in a stored output).
                label=f"cell_{number}", line=number, code=cell.source, filename=f"{path}#cell{number}", first_line=1,
                options=options, shown=text or None,
                tolerance=tolerance,
                figures=figures, display_last=True, source=cell,
            )
        )
    return found


_FENCE = re.compile(r"^[ \t]*(?P<marker>`{3,}|~{3,})[ \t]*(?P<lang>[^\s`{]*)")


def _check_markdown_cell(source: str, where: str) -> None:
    """A code block in a markdown cell runs nowhere: it may only be one of the languages
    pages allow besides Python (commands, configuration), under the same rules."""
    from .pages import OTHER_LANGS, other_block_problem

    lines = source.split("\n")
    n = 0
    while n < len(lines):
        m = _FENCE.match(lines[n])
        if not m:
            n += 1
            continue
        end = next((k for k in range(n + 1, len(lines)) if lines[k].strip() == m.group("marker")), len(lines))
        lang = m.group("lang").lower()
        if lang not in OTHER_LANGS:
            raise PageError(f"{where}, line {n + 1}: {f'a {lang}' if lang else 'an unlabelled'} block in a markdown cell is run by "
                            f"nothing; code goes in a code cell (markdown cells may show {sorted(OTHER_LANGS)})")
        problem = other_block_problem(lang, "\n".join(lines[n + 1 : end]))
        if problem:
            raise PageError(f"{where}, line {n + 1}: {problem}")
        n = end + 1


def shown_outputs(notebook) -> list[str]:
    return [shown_text(c) for c in notebook.cells if c.cell_type == "code" and c.outputs]


def set_outputs(cell, result: dict) -> None:
    figures = [o for o in cell.outputs if o.output_type == "display_data"]
    outputs = []
    if result["stream"]:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=result["stream"] + "\n"))
    if result["value"] is not None:
        outputs.append(nbformat.v4.new_output("execute_result", data={"text/plain": result["value"]}))
    outputs.extend(figures)
    if result["exception"]:
        name, _, value = result["error"].partition(": ")
        outputs.append(
            # The error as Python's last line shows it: a full traceback would carry paths.
            nbformat.v4.new_output("error", ename=name, evalue=value, traceback=result["error"].split("\n"))
        )
    cell.outputs = outputs


def set_figures(cell, figures: list[bytes]) -> None:
    rest = [o for o in cell.outputs if o.output_type != "display_data"]
    shown = [
        nbformat.v4.new_output("display_data", data={SVG: svg.decode("utf-8"), "text/plain": "<Figure>"})
        for svg in figures
    ]
    # Figures sit after the text, before an error, as Jupyter shows them.
    errors = [o for o in rest if o.output_type == "error"]
    cell.outputs = [o for o in rest if o.output_type != "error"] + shown + errors


def write(notebook, path: Path) -> None:
    """Write with fixed execution counts and no run-dependent metadata."""
    count = 0
    for cell in notebook.cells:
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type != "code":
            continue
        if SKIP in _tags(cell):
            cell.execution_count = None
            continue
        count += 1
        cell.execution_count = count
        for o in cell.outputs:
            if o.output_type == "execute_result":
                o.execution_count = count
    notebook.metadata.pop("widgets", None)
    text = nbformat.writes(notebook) + "\n"
    json.loads(text)  # written as nbformat validates it
    path.write_text(text, encoding="utf-8")
