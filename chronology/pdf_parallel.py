"""Rendering a large export in parts, one process per core, merged into one PDF.

WeasyPrint lays out and writes a document in one thread, so a 1,000-record
export kept one core busy for ~4 s while the other idled. A chronology is a
flat run of records after its cover, so it splits cleanly between records:
each part is a complete HTML document (same head and stylesheets), rendered
in a forked child process, and the parent joins the part PDFs page for page.

Everything goes through public API: WeasyPrint's ``HTML.render()`` and
``Document.write_pdf()``, and pikepdf (qpdf) for the join.

What stays as in a single render:
- Page numbers. A part cannot know its first page number or the total while
  it is laid out, so the parts leave the footer's "Page X of Y" out (a style
  rule in their head). Each child reports its page count as soon as its pages
  are laid out; the parent then lays out the footers ("Page 71 of 140") once,
  as lines of a short document in the footer's font, size and alignment, puts
  each line on a page of its own (``label_pages``), and the join stamps each
  of those pages over the matching page of the export, as page furniture (an
  ``/Artifact``, like the rest of the header and footer).
- The running header: each part starts with a record heading, so a part's
  first page names the record it starts with, as any page starting a record does.
- Tagging (PDF/UA): WeasyPrint tags the cover as a section and each page of
  the timeline as a part of the document; the merge appends the later parts'
  elements to the first part's document element and renumbers each page's
  entries in the structure parent tree.
- Bookmarks: the later parts' outline entries follow the first part's.
- Title, language, metadata and the document information: the first part's
  (every part has the same head).

What differs: a part starts on a new page, so the page before it may end
early (one short page per extra part), and each part embeds its own subset of
the fonts (~16 kB more for the 1,000-record sample, ~2%).

Any failure in a part, in the page numbers or in the join (or a machine that cannot fork) falls
back to the single render: ``render_in_parts`` returns None and the caller
renders as before.
"""

from __future__ import annotations

import contextlib
import gc
import io
import logging
import os
import re
import selectors
import signal
import struct
import traceback
from collections.abc import Callable
from typing import Any

logger = logging.getLogger(__name__)

MAIN_OPEN = '<main class="timeline">'
ITEM_START = '<h3 class="ih '
MAIN_CLOSE = "</main>"
CLOSE = "\n</main>\n</body>\n</html>\n"
HEAD_CLOSE = "</head>"
# In each part's head: the footer's page number is stamped after the join.
PART_STYLE = "<style>@page { @bottom-right { content: none; } }</style>\n"

_ITEM_START = re.compile(re.escape(ITEM_START))

# Message kinds, child to parent: pages laid out, a progress line, the
# finished PDF, an error.
_PAGES, _PROGRESS, _DONE, _ERROR = b"N", b"M", b"D", b"E"
_HEADER = struct.Struct("!cI")


def split_html(html: str, parts: int) -> list[str] | None:
    """The export HTML as ``parts`` documents split between records, each with
    about the same amount of markup (the cover counts with the first) and
    without the footer's page number (``PART_STYLE``), or None when it does
    not hold enough records to split."""
    if HEAD_CLOSE not in html:
        return None
    html = html.replace(HEAD_CLOSE, PART_STYLE + HEAD_CLOSE, 1)
    body = html.find("<body>")
    main = html.find(MAIN_OPEN)
    end = html.rfind(MAIN_CLOSE)
    if body < 0 or main < 0 or end < main or parts < 2:
        return None
    starts = [m.start() for m in _ITEM_START.finditer(html, main, end)]
    if len(starts) < parts * 2:
        return None
    head = html[: body + len("<body>")] + "\n" + MAIN_OPEN + "\n"
    cuts: list[int] = []
    for n in range(1, parts):
        target = end * n // parts
        # The first record that starts at or after the target, keeping at least
        # one record in each part.
        index = next((i for i, s in enumerate(starts) if s >= target), len(starts) - 1)
        floor = starts.index(cuts[-1]) + 1 if cuts else 1
        index = max(index, floor)
        if index >= len(starts) - (parts - n) + 1:
            return None
        cuts.append(starts[index])
    bounds = [0, *cuts, len(html)]
    pieces = []
    for n in range(parts):
        text = html[bounds[n] : bounds[n + 1]]
        if n > 0:
            text = head + text
        if n < parts - 1:
            text += CLOSE
        pieces.append(text)
    return pieces


def load() -> None:
    """Import the merger's library (qpdf) once per process, with the renderer."""
    import pikepdf  # noqa: F401


def default_parts() -> int:
    """One part per core this process may run on, at most four."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def render_in_parts(
    html: str,
    parts: int,
    render: Callable[..., Any],
    progress: Callable[[str], None] | None = None,
    *,
    page_numbers: Callable[[int], bytes],
) -> tuple[bytes, int] | None:
    """Render ``html`` in ``parts`` forked processes and merge the results.

    ``render(html, progress=..., laid_out=...)`` is the single-process
    renderer (``chronology.pdf._render_single``); ``page_numbers(total)`` the
    PDF of the footer page numbers (``chronology.pdf.render_page_numbers``),
    rendered here while the parts write theirs. Returns ``(pdf, pages)``, or
    None when the document does not split or a part failed.
    """
    if not hasattr(os, "fork"):  # pragma: no cover - not POSIX
        return None
    pieces = split_html(html, parts)
    if pieces is None:
        return None
    children: list[_Child] = []
    try:
        _start(pieces, render, children)
        supervised = _supervise(children, progress, page_numbers)
    except OSError:
        logger.exception("Could not render the export in parts")
        return None
    finally:
        for child in children:
            child.close()
            child.reap()
    if supervised is None:
        return None
    results, numbers = supervised
    if progress:
        progress("Joining the parts")
    try:
        merged = merge(results, numbers)
    except Exception:
        logger.exception("Could not join the parts of the export")
        return None
    return merged, sum(child.pages for child in children)


class _Child:
    def __init__(self, index: int, pid: int, reader: int) -> None:
        self.index, self.pid, self.reader = index, pid, reader
        self.buffer = bytearray()
        self.pages = 0
        self.laid_out = 0
        self.pdf: bytes | None = None

    def close(self) -> None:
        if self.reader >= 0:
            with contextlib.suppress(OSError):
                os.close(self.reader)
        self.reader = -1

    def reap(self) -> None:
        if self.pid <= 0:
            return
        if self.pdf is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        self.pid = 0

    def messages(self) -> list[tuple[bytes, bytes]]:
        found = []
        while len(self.buffer) >= _HEADER.size:
            kind, length = _HEADER.unpack_from(self.buffer)
            if len(self.buffer) < _HEADER.size + length:
                break
            payload = bytes(self.buffer[_HEADER.size : _HEADER.size + length])
            del self.buffer[: _HEADER.size + length]
            found.append((kind, payload))
        return found


def _start(pieces: list[str], render: Callable[..., Any], children: list[_Child]) -> None:
    """Fork one child per piece, adding each to ``children`` as it starts."""
    for index, piece in enumerate(pieces):
        up_read, up_write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            for fd in (up_read, up_write):
                os.close(fd)
            raise
        if pid == 0:  # pragma: no cover - runs in the child (its exit code is checked)
            code = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.close(up_read)
                for other in children:
                    other.close()
                code = _child_main(piece, render, up_write)
            finally:
                os._exit(code)
        os.close(up_write)
        children.append(_Child(index, pid, up_read))


def _send(fd: int, kind: bytes, payload: bytes) -> None:
    data = _HEADER.pack(kind, len(payload)) + payload
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _child_main(  # pragma: no cover - runs in the child
    html: str, render: Callable[..., Any], up: int
) -> int:
    """Render one part; runs in the forked child, which must not touch the
    database or anything else shared with the parent, and leaves with
    ``os._exit`` so that no inherited connection or exit handler is closed or run."""
    # No cyclic garbage collection in a process that ends after one render:
    # the render pauses it anyway, and turning it back on at the end set off a
    # collection over the whole laid-out document (~0.1 s for a 70-page part)
    # just before the result is sent. Nothing is left to collect at os._exit.
    gc.disable()
    try:

        def laid_out(pages: int) -> None:
            _send(up, _PAGES, str(pages).encode())

        def progress(message: str) -> None:
            _send(up, _PROGRESS, message.encode())

        rendered = render(html, progress=progress, laid_out=laid_out)
        _send(up, _DONE, rendered.data)
        return 0
    except BaseException:
        with contextlib.suppress(OSError):
            _send(up, _ERROR, traceback.format_exc().encode())
        return 1


def _supervise(
    children: list[_Child],
    progress: Callable[[str], None] | None,
    page_numbers: Callable[[int], bytes],
) -> tuple[list[bytes], bytes] | None:
    """Follow the parts until each has sent its PDF; once all have laid out
    their pages, render the page numbers (while they write). Returns the part
    PDFs and the page numbers' PDF, or None if a part failed."""
    selector = selectors.DefaultSelector()
    for child in children:
        selector.register(child.reader, selectors.EVENT_READ, child)
    numbers: bytes | None = None
    try:
        while numbers is None or any(child.pdf is None for child in children):
            for key, _events in selector.select():
                child = key.data
                chunk = os.read(child.reader, 1 << 20)
                if not chunk:
                    selector.unregister(child.reader)
                    if child.pdf is None:
                        logger.warning("Export part %s ended without a PDF", child.index)
                        return None
                    continue
                child.buffer += chunk
                for kind, payload in child.messages():
                    if kind == _PAGES:
                        child.pages = int(payload)
                    elif kind == _PROGRESS:
                        page = re.search(r"\((\d+) so far\)", payload.decode())
                        if page:
                            child.laid_out = int(page.group(1))
                            if progress:
                                total = sum(c.laid_out for c in children)
                                progress(f"Laying out pages ({total} so far)")
                    elif kind == _DONE:
                        child.pdf = payload
                    else:
                        logger.warning("Export part %s failed:\n%s", child.index, payload.decode())
                        return None
            if numbers is None and all(child.pages for child in children):
                if progress:
                    progress("Writing the PDF")
                numbers = page_numbers(sum(child.pages for child in children))
    finally:
        selector.close()
    return [child.pdf for child in children if child.pdf is not None], numbers


def merge(parts: list[bytes], page_numbers: bytes) -> bytes:
    """Join part PDFs (as written by WeasyPrint with PDF/UA tagging) into one:
    pages, structure tree, parent tree and bookmarks of the later parts are
    appended to the first part's, and each page of ``page_numbers`` is stamped
    over the matching page."""
    import pikepdf

    with pikepdf.open(io.BytesIO(parts[0])) as out:
        tree = out.Root.StructTreeRoot
        document = tree.K[0]
        nums = tree.ParentTree.Nums
        next_key = max(int(nums[i]) for i in range(0, len(nums), 2)) + 1
        for data in parts[1:]:
            with pikepdf.open(io.BytesIO(data)) as part:
                next_key = _append(out, part, document, nums, next_key)
        tree.ParentTree.Nums = nums
        if "/ParentTreeNextKey" in tree:
            tree.ParentTreeNextKey = next_key
        with pikepdf.open(io.BytesIO(page_numbers)) as numbers:
            _stamp(out, numbers)
        buffer = io.BytesIO()
        out.save(
            buffer,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,  # the XMP stays as WeasyPrint wrote it
        )
        return buffer.getvalue()


def _append(out: Any, part: Any, document: Any, nums: Any, next_key: int) -> int:
    import pikepdf

    part_tree = part.Root.StructTreeRoot
    part_nums = part_tree.ParentTree.Nums
    kids = list(part_tree.K[0].K)
    # Cut the copied elements loose from the part's own tree and outline root,
    # so that copying them does not bring those along.
    for kid in kids:
        if isinstance(kid, pikepdf.Dictionary):
            del kid["/P"]
    outline = _outline_items(part)
    for item in outline:
        del item["/Parent"]
    keys = [int(part_nums[i]) for i in range(0, len(part_nums), 2)]
    values = [part_nums[i + 1] for i in range(0, len(part_nums), 2)]
    first_new = len(out.pages)
    out.pages.extend(part.pages)
    # One copy of everything else, after the pages: references to the part's
    # pages resolve to the pages just added.
    bundle = part.make_indirect(pikepdf.Array([*kids, *values, *outline]))
    copied = list(out.copy_foreign(bundle))
    copied_kids = copied[: len(kids)]
    copied_values = copied[len(kids) : len(kids) + len(values)]
    copied_outline = copied[len(kids) + len(values) :]

    # Parent-tree keys: each page's (and annotation's) key moves past ours.
    offset = next_key
    for page in out.pages[first_new:]:
        holder = page.obj
        if "/StructParents" in holder:
            holder.StructParents = int(holder.StructParents) + offset
        for annotation in holder.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    for kid in copied_kids:
        if isinstance(kid, pikepdf.Dictionary):
            kid.P = document
        document.K.append(kid)
    for key, value in zip(keys, copied_values, strict=True):
        nums.append(key + offset)
        nums.append(value)
    if copied_outline:
        _append_outline(out, copied_outline, int(part.Root.Outlines.get("/Count", 0)))
    return offset + (max(keys) + 1 if keys else 0)


def _stamp(out: Any, stamps: Any) -> None:
    """Draw page n of ``stamps`` over page n of ``out`` (same page size), as an
    artifact: page furniture, outside the structure tree."""
    import pikepdf

    if len(stamps.pages) != len(out.pages):
        raise ValueError(f"{len(stamps.pages)} page numbers for {len(out.pages)} pages")
    for page, stamp in zip(out.pages, stamps.pages, strict=True):
        form = out.copy_foreign(stamp.as_form_xobject())
        name = page.add_resource(form, pikepdf.Name.XObject, prefix="Pn")
        # The page's own content may leave the graphics state changed (WeasyPrint
        # flips the y axis first): the stamp is drawn from the page's default state.
        page.contents_add(b"q\n", prepend=True)
        page.contents_add(b"Q\n/Artifact BMC q " + bytes(name.unparse()) + b" Do Q EMC\n")


# What a label's text needs from the content before it: the page's transforms
# and the text colour (graphics state only, nothing that draws).
_STATE_OPERATORS = frozenset(
    ["q", "Q", "cm", "gs", "rg", "RG", "g", "G", "k", "K", "cs", "CS", "sc", "scn", "SC", "SCN"]
)
_SHOW_OPERATORS = frozenset(["TJ", "Tj", "'", '"'])


def label_pages(labels: bytes, total: int) -> bytes:
    """``total`` pages, each showing one line of ``labels`` at the height of its
    first line: ``labels`` is the page numbers laid out once as lines of a short
    document (``chronology/pdf/page_numbers.html``), whose first line is where
    the export's footer prints its page number.

    WeasyPrint places each line of text with a text matrix (``Tm``) and shows
    it (``TJ``), several lines to a text object. A label page is the first
    page's graphics state, then a text object holding one line, moved to the
    first line's height, with the font and colour resources of the first page.
    Text extraction reads each page as its label."""
    import pikepdf

    with pikepdf.open(io.BytesIO(labels)) as source:
        prefix: list[Any] | None = None
        lines: list[list[Any]] = []
        for page in source.pages:
            state, found = _text_lines(pikepdf.parse_content_stream(page))
            if prefix is None:
                prefix = state
            lines.extend(found)
        if prefix is None or len(lines) != total:
            raise ValueError(f"{len(lines)} page number lines for {total} pages")
        opened = [str(i.operator) for i in prefix]
        closing = [pikepdf.ContentStreamInstruction([], pikepdf.Operator("Q"))] * (
            opened.count("q") - opened.count("Q")
        )
        first = source.pages[0]
        baseline = _text_matrix(lines[0]).operands[5]
        out = pikepdf.new()
        resources = out.copy_foreign(_indirect(source, first.obj.Resources))
        mediabox = out.copy_foreign(_indirect(source, first.obj.MediaBox))
        for line in lines:
            matrix = _text_matrix(line)
            operands = list(matrix.operands)
            operands[5] = baseline
            placed = [
                pikepdf.ContentStreamInstruction(operands, pikepdf.Operator("Tm"))
                if instruction is matrix
                else instruction
                for instruction in line
            ]
            content = pikepdf.unparse_content_stream([*prefix, *placed, *closing])
            label = pikepdf.Dictionary(
                Type=pikepdf.Name.Page,
                MediaBox=mediabox,
                Resources=resources,
                Contents=out.make_stream(content),
            )
            out.pages.append(pikepdf.Page(label))
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()


def _indirect(pdf: Any, obj: Any) -> Any:
    return obj if obj.is_indirect else pdf.make_indirect(obj)


def _text_lines(instructions: list[Any]) -> tuple[list[Any], list[list[Any]]]:
    """The graphics state set before the first text object, and each line of
    text as a text object of its own: ``BT``, the text state in force (font,
    spacing, colour), the line's ``Tm`` and what it shows, ``ET``."""
    import pikepdf

    begin = pikepdf.ContentStreamInstruction([], pikepdf.Operator("BT"))
    end = pikepdf.ContentStreamInstruction([], pikepdf.Operator("ET"))
    state: list[Any] = []
    lines: list[list[Any]] = []
    in_text = False
    text_state: dict[str, Any] = {}
    line: list[Any] | None = None
    for instruction in instructions:
        operator = str(instruction.operator)
        if operator == "BT":
            in_text, text_state, line = True, {}, None
        elif not in_text:
            if not lines and operator in _STATE_OPERATORS:
                state.append(instruction)
        elif operator == "ET":
            in_text, line = False, None
        elif operator == "Tm":
            line = [begin, *text_state.values(), instruction, end]
            lines.append(line)
        elif operator in _SHOW_OPERATORS:
            if line is None:
                raise ValueError("a page number line is not placed by a text matrix")
            line.insert(-1, instruction)
        elif operator in ("Td", "TD", "T*"):
            line = None  # moved relative to a line: not a line of its own
        else:
            text_state.pop(operator, None)
            text_state[operator] = instruction
            if line is not None:
                line.insert(-1, instruction)
    return state, lines


def _text_matrix(line: list[Any]) -> Any:
    return next(i for i in line if str(i.operator) == "Tm")


def _outline_items(pdf: Any) -> list[Any]:
    """The top-level bookmarks of ``pdf``, in order."""
    root = pdf.Root
    if "/Outlines" not in root or "/First" not in root.Outlines:
        return []
    items = [root.Outlines.First]
    while "/Next" in items[-1]:
        items.append(items[-1].Next)
    return items


# A later part starts between records, so its top-level bookmarks are records
# (bookmark-level 3): in one render they sit under "Timeline", itself under the
# document's title. They are appended that many levels down the first part's
# last branch.
RECORD_OUTLINE_DEPTH = 2


def _append_outline(out: Any, items: list[Any], count: int) -> None:
    import pikepdf

    if "/Outlines" not in out.Root:
        out.Root.Outlines = out.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Outlines))
    parent = out.Root.Outlines
    ancestors = []
    for _ in range(RECORD_OUTLINE_DEPTH):
        if "/Last" not in parent:
            break
        ancestors.append(parent)
        parent = parent.Last
    for item in items:
        item.Parent = parent
    if "/Last" in parent:
        parent.Last.Next = items[0]
        items[0].Prev = parent.Last
    else:
        parent.First = items[0]
    parent.Last = items[-1]
    # /Count: an open item counts its visible descendants (positive), a closed
    # one its hidden ones (negative); the outline root counts what is visible.
    own = int(parent.get("/Count", 0))
    if parent is not out.Root.Outlines and own < 0:
        parent.Count = own - count
        return
    parent.Count = own + count
    for ancestor in reversed(ancestors):
        total = int(ancestor.get("/Count", 0))
        if ancestor is not out.Root.Outlines and total < 0:
            break  # closed: what was added is hidden from here up
        ancestor.Count = total + count
