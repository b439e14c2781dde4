"""House rules checked as code: where Streamlit may appear, no raw HTML, no data in Markdown."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "rekodiq").rglob("*.py"))]
STREAMLIT_ALLOWED = {ROOT / "app.py", *sorted((ROOT / "rekodiq" / "ui").glob("*.py")), *sorted((ROOT / "pages").glob("*.py"))}
RAW_HTML = re.compile(r"unsafe_allow_html\s*=\s*True|components\.v1\.html|st\.html\(|st\.iframe\(")
# st.table renders each cell as Markdown (links, LaTeX), so it counts as a Markdown call too.
MARKDOWN_CALLS = {
    "markdown",
    "write",
    "caption",
    "info",
    "warning",
    "error",
    "success",
    "header",
    "subheader",
    "title",
    "toast",
    "table",
}


def test_streamlit_is_imported_only_by_pages_app_and_ui():
    offenders = [
        p.relative_to(ROOT)
        for p in APP_FILES
        if p not in STREAMLIT_ALLOWED and re.search(r"^\s*(import|from) streamlit", p.read_text(), re.M)
    ]
    assert offenders == []


def test_no_raw_html_anywhere_in_the_app():
    offenders = [p.relative_to(ROOT) for p in APP_FILES if RAW_HTML.search(p.read_text())]
    assert offenders == []


def test_cache_resource_only_for_the_read_only_view_cache():
    """Shared objects only where tests/test_shared_views.py proves nothing changes them."""
    offenders = [p.relative_to(ROOT) for p in APP_FILES if "cache_resource" in p.read_text()]
    assert offenders == [Path("rekodiq/ui/cache.py")]
    assert (ROOT / "rekodiq/ui/cache.py").read_text().count("@st.cache_resource") == 1


def _markdown_calls_with_dynamic_text(path: Path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MARKDOWN_CALLS:
            owner = node.func.value
            if isinstance(owner, ast.Name) and owner.id in ("st", "col", "tab") or isinstance(owner, ast.Attribute):
                for arg in node.args[:1]:
                    if not isinstance(arg, ast.Constant):
                        yield f"{path.relative_to(ROOT)}:{node.lineno} st.{node.func.attr}(<{type(arg).__name__}>)"


def test_markdown_elements_only_get_literal_text():
    """st.markdown/write/caption/... render Markdown, so they may only receive literal strings."""
    offenders = [hit for p in STREAMLIT_ALLOWED for hit in _markdown_calls_with_dynamic_text(p)]
    assert offenders == []
