"""Make untrusted dataset text safe for Plotly's pseudo-HTML labels.

Plotly renders titles, hover labels, trace names and annotations through a small HTML
parser (``<a>``, ``<span style>``, ``<br>`` ...). Dataset text must reach it escaped so a
value can never become a link, a style or a line break, and ``$`` is neutralised so that a
MathJax-enabled page cannot read ``$...$`` as LaTeX.
"""

import html
import re

MAX_LABEL_CHARS = 300
# Bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069) can make a label read
# backwards ("gnp.exe" shown as "exe.png"); they are dropped from labels.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def plotly_safe(value: object, max_chars: int = MAX_LABEL_CHARS) -> str:
    """Return ``value`` as text that Plotly shows verbatim (HTML-escaped, bounded length).

    ``None`` and NaN become an empty string. Text longer than ``max_chars`` is cut and ends
    with an ellipsis, so a 10,000-character field cannot flood a hover card.
    """
    if value is None:
        return ""
    try:
        if value != value:  # NaN
            return ""
    except (TypeError, ValueError):
        pass
    text = BIDI_CONTROLS.sub("", str(value))
    if len(text) > max_chars:
        text = text[: max_chars - 1] + "…"
    # The dollar sign is written as an HTML entity: Plotly shows "$", MathJax sees no delimiter.
    # Plotly decodes numeric entities but not "&quot;", so the double quote is written as "&#34;".
    # "%" becomes "&#37;" so that text placed in a hovertemplate can never form a %{...} field.
    escaped = html.escape(text, quote=True).replace("&quot;", "&#34;")
    return escaped.replace("$", "&#36;").replace("%", "&#37;")
