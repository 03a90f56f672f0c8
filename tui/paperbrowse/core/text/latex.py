"""LaTeX in abstracts and titles to plain Unicode, with pylatexenc and a few rules of our own.

Authors type LaTeX into web forms as they would in a paper: ``quotes'',
``21\\%``, ``\\textit{x}``, ``\\href{url}{text}``, their own ``{\\method}`` macro,
and plain text that LaTeX would misread (``57 %`` is not a comment, ``2~4%`` is
a range). pylatexenc does the conversion; these rules decide what it sees.
"""

from __future__ import annotations

import bisect
import itertools
import re
from functools import lru_cache
from typing import Any

from paperbrowse.core.errors import silence_library_log
from paperbrowse.core.memory import collect_young
from paperbrowse.core.text.clean import URL, nfc, strip_control, trim_url

_LATEX_HINT = re.compile(r"[\\{}$~`]|--|''")
_HREF = re.compile(r"\\href\s*\{([^{}]*)\}\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_URL_MACRO = re.compile(r"\\url\s*\{([^{}]*)\}")
# \url before an address without braces (``\url http://a.io``; a Mendeley export's
# ``\urlhttp://a.io``, its braces lost): pylatexenc would take the address's first
# character as the argument. The address is a bare URL once the command is gone.
_URL_MACRO_WITHOUT_BRACES = re.compile(r"\\url\s*(?=(?:https?|ftp)://|www\.)")
# In order of appearance: \href{url}{text} (groups 1, 2), \url{u} (group 3), a bare URL.
_LINK = re.compile(f"{_HREF.pattern}|{_URL_MACRO.pattern}|{URL.pattern}")
# URLs, and text pylatexenc must not touch, wait in the text as private-use
# placeholders (no letters, so no macro can swallow them) until conversion is done.
_KEEP_OPEN, _KEEP_CLOSE = "\ue000", "\ue001"
_KEPT = re.compile("\ue000(\\d+)\ue001")
_BACKSLASHES_BEFORE_KEPT = re.compile(r"\\+(?=\ue000)")
# `%`, `&` and `#` are literal in typed abstracts ("57 %" is not a comment),
# unless already escaped: an even run of backslashes before them escapes nothing.
_SPECIAL = re.compile(r"(\\*)([%&#])")
_DOLLAR = re.compile(r"(?<!\\)\$")
# `single quotes' (pylatexenc leaves them as typed); a lone apostrophe is left alone.
_SINGLE_QUOTES = re.compile(r"(?<![`\\])`(?!`)([^`'\n]{1,200})'(?!')")
# "~50 samples" (about) and "2~4%", "+2.2~+3.1" (a range): a tilde before a number
# is text, not a non-breaking space ("Fig.~1", "on~9 tasks" stay spaces).
_LITERAL_TILDE = re.compile(r"(?:(?<=[\s(\d%])|(?<=^))~(?=[+\-−]?\d)")
# $...$ holding a run of words is prose between two prices ("$50) and the ... $").
_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$]*)(?<!\\)\$(?!\$)")
_PROSE = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}")
_DEGREE = re.compile(r"\^\s*(?:\{\s*\\circ\s*\}|\\circ\b)")
_MATH = re.compile(r"(?<!\\)(\$\$?)(?:\\.|[^$\\])*?(?<!\\)\1|\\\(.*?\\\)|\\\[.*?\\\]", re.S)
# A macro used as a word: `\method`, `{\method}`, `\method{}`, `\method\ `; one
# followed by a braced argument is left to pylatexenc, which keeps the argument.
_WORD_MACRO = re.compile(
    r"(?<!\\)(?P<open>\{\s*)?\\(?P<name>[A-Za-z]+)(?![A-Za-z])"
    r"(?(open)\s*\}|(?:\{\}|\\ |(?!\s*[{\[])))"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Authors' shorthand macros for everyday abbreviations.
_ABBREVIATIONS = {
    "eg": "e.g.",
    "ie": "i.e.",
    "etal": "et al.",
    "etc": "etc.",
    "vs": "vs.",
    "wrt": "w.r.t.",
    "cf": "cf.",
    "aka": "a.k.a.",
    "iid": "i.i.d.",
    "resp": "resp.",
}
# Names authors give the macro for their own method's name.
_METHOD_WORDS = _words(
    "method methodname model modelname ours ourmethod ourmodel name approach framework "
    "system algo algorithm tool benchmark short shortname proposed"
)
# Switches and spacing commands pylatexenc drops, which must not read as a name.
_TEX_WORDS = _words(
    "em bf it rm sf tt sc sl up md normalfont bfseries itshape ttfamily scshape slshape "
    "mdseries upshape rmfamily sffamily tiny scriptsize footnotesize small normalsize large "
    "Large LARGE huge Huge left right middle big Big bigg Bigg bigl bigr Bigl Bigr biggl "
    "biggr Biggl Biggr displaystyle textstyle scriptstyle scriptscriptstyle limits nolimits "
    "noindent indent par newline linebreak pagebreak newpage clearpage centering raggedright "
    "raggedleft hfill vfill hfil quad qquad smallskip medskip bigskip relax protect xspace "
    "nobreak allowbreak boldmath unboldmath ignorespaces null strut maketitle appendix "
    "bgroup egroup begingroup endgroup onecolumn twocolumn "
    # Authors' font switches in math, before the letter they style (``$\\boldsymbol x$``).
    "boldsymbol bm bold pmb cal mathbbm "
    "atop"  # plain TeX's fraction without a bar: ``9${\\mbox{st}\\atop}$`` is 9st
)
# Authors' shorthands in math for the usual sets and letters (``$x \\in \\R^n$``,
# ``$\\eps > 0$``). Any other macro of their own in math is shown by its name
# (``$\\vol(B)$``: vol(B)): pylatexenc drops a macro it does not know, and the formula
# lost its word (COLT 2018's ``$\\eps > 0$`` read ``> 0``).
_MATH_SHORTHANDS = {
    "eps": "ε",
    "R": "ℝ",
    "N": "ℕ",
    "Z": "ℤ",
    "ZZ": "ℤ",
    "Q": "ℚ",
    "C": "ℂ",
    "E": "𝔼",
    # LaTeX's own that pylatexenc does not know, not to be shown by name ("fcolon X → Y").
    "colon": ":",
    "enspace": " ",
    "thinspace": " ",
    "negthinspace": "",
    "mathop": "",
    "iff": "⟺",
    "implies": "⟹",
    "impliedby": "⟸",
    "gets": "←",
    "neg": "¬",
    "lnot": "¬",
    "bot": "⊥",
    "models": "⊨",
    "Re": "ℜ",
    "Im": "ℑ",
    "imath": "ı",
    "jmath": "ȷ",
}
# A script's group in math (``^{d\times d}``, ``^{\frac{1}{2}}``: a command's braced
# arguments in it too) and what is written bare once its braces go, as plain-text math
# writes it: a run of letters or digits (``x_{ij}`` "x_ij", ``10^{10}`` "10^10"), one
# command (``x_{\text{max}}``) or character, or a group in brackets (``x^{(k)}`` "x^(k)").
_SCRIPT_GROUP = re.compile(r"(?<!\\)([\^_])\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_BARE_SCRIPT = re.compile(
    r"\s*(?:[A-Za-z0-9]+|\\[A-Za-z]+(?:\s*\{[A-Za-z0-9]*\})?|[^\s\\]|\([^()]*\)|\[[^\[\]]*\])?\s*"
)
# An author's macro before a bracket in math: ``$\E[X]$``, an expectation (not an
# optional argument, which a macro of their own would have in their preamble).
_MACRO_BEFORE_BRACKET = re.compile(r"(?<!\\)\\(?P<name>[A-Za-z]+)(?=\s*\[)")
# A calligraphic letter by the usual shorthand: ``$\\cH$`` is ``$\\mathcal{H}$``.
_CALLIGRAPHIC = re.compile(r"c([A-Z])")
# Plain TeX's superscript and subscript commands: ``$n\\sp {1-o(1)}$``, ``$\\bold R\\sp N$``.
_PLAIN_TEX_SCRIPT = re.compile(r"\\s([pb])(?![A-Za-z])\s*")
# \tfrac and \dfrac are \frac at another size; pylatexenc knows only \frac (``12`` for ½).
_SIZED_FRACTION = re.compile(r"\\[td]frac(?![A-Za-z])")
_KEEP_ARGUMENT = (
    "texttt",
    "textsf",
    "textmd",
    "textup",
    "textnormal",
    "textsuperscript",
    "textsubscript",
    "mbox",
    "hbox",
    "fbox",
    "makebox",
    "underline",
    "uline",
    "textcolor",
    "colorbox",
    "fcolorbox",
    "highlight",
    "hl",
)
_CITATIONS = (
    "cite",
    "citep",
    "citet",
    "citealp",
    "citealt",
    "citeauthor",
    "citeyear",
    "citeyearpar",
    "citenum",
    "Cite",
    "Citep",
    "Citet",
    "Citealp",
    "Citealt",
    "Citeauthor",
    "parencite",
    "textcite",
    "autocite",
)


def _last_argument(node: Any, l2tobj: Any) -> str:
    """The text of a macro's last argument (``\\textcolor{red}{word}`` -> ``word``)."""
    arguments = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    return str(l2tobj.nodelist_to_text([arguments[-1]])) if arguments else ""


def _citation(node: Any, l2tobj: Any) -> str:
    """``\\cite{a,b}`` -> ``[a,b]``: the reader sees which work is cited."""
    keys = _last_argument(node, l2tobj).strip()
    return f"[{keys}]" if keys else ""


@lru_cache(maxsize=1)
def _latex_converter() -> Any:
    # pylatexenc is imported on first use: the profile header and list render
    # before any abstract needs converting.
    from pylatexenc.latex2text import (
        LatexNodes2Text,
        MacroTextSpec,
        get_default_latex_context_db,
    )

    silence_library_log("pylatexenc")  # it logs odd input as warnings
    context = get_default_latex_context_db()
    context.add_context_category(
        "paperbrowse",
        prepend=True,
        macros=[MacroTextSpec(name, simplify_repl=_last_argument) for name in _KEEP_ARGUMENT]
        + [MacroTextSpec(name, simplify_repl=_citation) for name in _CITATIONS],
    )
    return LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=False)


@lru_cache(maxsize=1)
def _walker_context() -> Any:
    # Built once: pylatexenc otherwise rebuilds its macro table on every call.
    from pylatexenc.latexwalker import get_default_latex_context_db

    return get_default_latex_context_db()


def _pylatexenc(text: str) -> str:
    try:
        converted: str = _latex_converter().latex_to_text(text, latex_context=_walker_context())
    except Exception:  # pylatexenc raises assorted errors on malformed input
        converted = _latex_fallback(text)
    finally:
        _free_walker_cycles()
    return converted


def _free_walker_cycles() -> None:
    """Free the reference cycle each pylatexenc call leaves behind, now.

    pylatexenc's walker returns its end-of-input exception from a nested
    function (``do_read``: ``return e``), so the exception's traceback and the
    caller that keeps it form a cycle. That cycle holds every calling frame
    alive, up to the one holding the whole file's text. Loading pauses the
    collector (``memory.gc_paused``), so each conversion pinned its frames and
    pylatexenc's nodes until the load ended: GBs for a profile of 100k papers
    (issue 11). Collecting the youngest generation looks only at objects made
    since the previous call, so it costs microseconds.
    """
    collect_young()


# TeX's operator names (plain TeX's, and the arg max and arg min authors declare), and
# amsmath's \operatorname{name}. pylatexenc gives the bare name and TeX's spacing is
# lost: ``q\ln n`` read "qln n", ``\frac{1}{\epsilon^6}\log \frac{1}{\epsilon}`` "1/ϵ^6log1/ϵ".
_OPERATOR_NAMES = (
    "arccos arcsin arctan argmax argmin arg cosh cos coth cot csc deg det dim exp gcd hom inf "
    "ker lg liminf limsup lim ln log max min Pr sec sinh sin sup tanh tan"
)
# (Starting with its backslash, no look-behind: a literal start is found 10x faster, and
# this runs on every value of a .bib holding a backslash, 0.01 s over the ACL Anthology's.)
_OPERATOR = re.compile(
    rf"\\(?:(?P<name>{'|'.join(_OPERATOR_NAMES.split())})(?![A-Za-z])"
    r"|operatorname\*?\s*\{(?P<named>[A-Za-z]+)\})\s*"
)
# What TeX puts a thin space after an operator before: a letter, digit, group or symbol;
# none before a bracket (``\log(n)``), a script (``\max_i``) or ``\left(``.
_SPACED_AFTER = re.compile(r"[^\W_]|\{|\\(?!left|right|[bB]ig|middle)[A-Za-z]")


def spaced_operators(text: str) -> str:
    """Operator names as words, spaced as TeX spaces them: ``q\\ln n`` -> ``q ln n``,
    ``\\log \\frac{1}{\\epsilon}`` -> ``log \\frac{1}{\\epsilon}``, ``\\log(n)`` -> ``log(n)``."""
    return _OPERATOR.sub(_spaced_operator, text)


def _spaced_operator(match: re.Match[str]) -> str:
    text, start = match.string, match.start()
    if start and text[start - 1] == "\\":
        return match.group(0)  # ``\\log``: a line break, then the word
    word = match.group("name") or match.group("named")
    if start and (text[start - 1].isalnum() or text[start - 1] in ")]}"):
        word = " " + word  # after a letter, a digit or a closing bracket or group
    if _SPACED_AFTER.match(text, match.end()):
        word += " "
    return word


_BRAKET = re.compile(r"\\braket\s*\{([^{}]*)\}")
_WHITESPACE_RUNS = re.compile(r"(\s+)")
_OPEN_BRACE = re.compile(r"(?<!\\)\{")
_CLOSE_BRACE = re.compile(r"(?<!\\)\}")
_ENVIRONMENT = re.compile(r"\\(begin|end)\s*\{")


def _convert_pieces(text: str) -> str:
    """Run pylatexenc only over the words that hold LaTeX, the rest as typed.

    pylatexenc reads about 15 µs a character: a whole 1,500-character abstract
    for one ``--`` costs 20 ms, a thousand-paper profile seconds. A piece
    runs from a LaTeX-bearing word until its braces, ``$`` signs and
    environments are closed again, so ``\textit{two words}`` stays whole.
    """
    pieces = _WHITESPACE_RUNS.split(text)
    out: list[str] = []
    done = 0  # pieces before this one are in ``out``
    for first in _pieces_with_latex(pieces, text):
        if first < done:
            continue  # inside the run just converted
        out.append("".join(pieces[done:first]))
        done = _convert_run(pieces, first, out)
    out.append("".join(pieces[done:]))
    return "".join(out)


def _pieces_with_latex(pieces: list[str], text: str) -> list[int]:
    """The numbers of the pieces ``_LATEX_HINT`` finds something in, in order.

    One search over the whole text rather than one per word: a hint holds no
    white space, so each match lies inside one piece.
    """
    ends = list(itertools.accumulate(map(len, pieces)))
    return sorted({bisect.bisect_right(ends, m.start()) for m in _LATEX_HINT.finditer(text)})


def _convert_run(pieces: list[str], first: int, out: list[str]) -> int:
    """Convert the run of pieces from ``first`` until braces, ``$`` signs and environments
    balance (or the text ends); append it to ``out``; the number of the next piece."""
    depth = dollars = environments = 0
    index = first
    while index < len(pieces):
        piece = pieces[index]
        index += 1
        if not piece or piece.isspace():
            continue
        depth += len(_OPEN_BRACE.findall(piece)) - len(_CLOSE_BRACE.findall(piece))
        dollars += len(_DOLLAR.findall(piece))
        for kind in _ENVIRONMENT.findall(piece):
            environments += 1 if kind == "begin" else -1
        if depth <= 0 and dollars % 2 == 0 and environments <= 0:
            break
    out.append(_converted_run("".join(pieces[first:index])))
    return index


# Runs up to this long are remembered: most are a word with an accent or a quote
# ("{\\`a}", "model{\\textquoteright}s", "--"), and 60% of the ACL Anthology's
# repeat one seen before. pylatexenc gives the same text for the same run.
_REMEMBERED_RUN = 80


def _converted_run(run: str) -> str:
    return _remembered_run(run) if len(run) <= _REMEMBERED_RUN else _pylatexenc(run)


@lru_cache(maxsize=8192)
def _remembered_run(run: str) -> str:
    return _pylatexenc(run)


@lru_cache(maxsize=1)
def _known_macros() -> frozenset[str]:
    from pylatexenc.latex2text import get_default_latex_context_db as text_db
    from pylatexenc.latexwalker import get_default_latex_context_db as walker_db

    names: set[str] = set(_TEX_WORDS)
    for db in (text_db(), walker_db()):
        for category in db.categories():
            names.update(spec.macroname for spec in db.iter_macro_specs([category]))
    return frozenset(names)


def _latex_fallback(text: str) -> str:
    """When pylatexenc cannot parse: drop macro names, backslashes and braces, keep the words."""
    text = re.sub(r"\\[A-Za-z]+\*?", "", text)
    text = text.replace("\\", "")
    return text.replace("{", "").replace("}", "")


def is_plain(text: str) -> bool:
    """Whether ``latex_to_text`` can only compose accents: no LaTeX, link or control code.

    What the full conversion acts on, beyond control codes (isprintable) and
    composition (nfc): the characters and pairs of _LATEX_HINT, the placeholder
    characters, and the starts of a link (_LINK needs a backslash, "://" or
    "www."). One ``in`` per marker, written out (a generator costs as much as
    the scans): a plain abstract is checked in about 8 µs, where the full
    path's regular expressions take 20-30 µs.
    """
    return (
        text.isprintable()
        and "\\" not in text
        and "{" not in text
        and "}" not in text
        and "$" not in text
        and "~" not in text
        and "`" not in text
        and "--" not in text
        and "''" not in text
        and "://" not in text
        and "www." not in text
        and _KEEP_OPEN not in text
        and _KEEP_CLOSE not in text
    )


def latex_to_text(text: str, short_name: str | None = None) -> tuple[str, list[str]]:
    """Plain Unicode from text with LaTeX in it, and the URLs found on the way.

    ``\\href{url}{text}`` becomes its text (the URL once, when the text is the
    URL), ``\\url{u}`` becomes u, and an unknown macro used as a name
    (``{\\method}``) becomes ``short_name`` (or the macro's bare name). URLs are
    protected from LaTeX rules (``~``, ``_``, ``%``) while the rest is
    converted. Never raises: text pylatexenc cannot parse loses only its markup.
    """
    if is_plain(text):
        # Every step of convert_latex is then the identity but nfc: strip_control
        # (printable), the placeholder removal (none), _LINK (nothing matches),
        # the LaTeX rules (_LATEX_HINT cannot match) and the placeholder restore.
        return nfc(text), []
    return convert_latex(text, short_name)


def convert_latex(text: str, short_name: str | None = None) -> tuple[str, list[str]]:
    """``latex_to_text`` without its plain-text shortcut: every rule, every time."""
    text = strip_control(text).replace(_KEEP_OPEN, "").replace(_KEEP_CLOSE, "")
    urls: list[str] = []
    kept: list[str] = []

    def keep(value: str) -> str:
        kept.append(value)
        return f"{_KEEP_OPEN}{len(kept) - 1}{_KEEP_CLOSE}"

    def link(match: re.Match[str]) -> str:
        href_url, label, macro_url = match.group(1, 2, 3)
        if href_url is not None:
            url, label = href_url.strip(), label.strip()
            urls.append(url)
            return keep(url) if not label or label.replace("\\", "") == url else label
        url = (macro_url if macro_url is not None else match.group(0)).strip()
        urls.append(url)
        return keep(url)

    # Each rule runs only where the text holds a string its pattern cannot match
    # without (a pass over an abstract costs 10-90 µs; the check well under 1).
    if _holds(text, "\\href", "\\url", "://", "www."):
        if "\\url" in text:
            text = _URL_MACRO_WITHOUT_BRACES.sub("", text)
        text = _LINK.sub(link, text)

    if _LATEX_HINT.search(text):
        if "~" in text:
            text = _LITERAL_TILDE.sub(lambda m: keep("~"), text)
        if _KEEP_OPEN in text:
            # A backslash before a placeholder would read as a macro; `\\` was a line break.
            text = _BACKSLASHES_BEFORE_KEPT.sub(lambda m: " " if len(m.group(0)) > 1 else "", text)
        text = _convert_latex(text, short_name)
    if _KEEP_OPEN in text:
        text = _KEPT.sub(lambda m: kept[int(m.group(1))], text)
    text = strip_control(text).replace(_KEEP_OPEN, "").replace(_KEEP_CLOSE, "")
    return nfc(text), _clean_links(urls)


def _clean_links(urls: list[str]) -> list[str]:
    """Web links only (no ``javascript:``), trimmed, each once, in order."""
    links: list[str] = []
    for url in urls:
        url = trim_url(url)
        if url.startswith("www."):
            url = "https://" + url
        if URL.fullmatch(url) and url not in links:
            links.append(url)
    return links


def _holds(text: str, *needles: str) -> bool:
    """Whether any of the strings is in the text (a plain ``in`` each: no regex pass)."""
    return any(needle in text for needle in needles)


def _convert_latex(text: str, short_name: str | None) -> str:
    if _holds(text, "%", "&", "#"):
        text = _SPECIAL.sub(_escape_special, text)
    if "`" in text:
        text = curly_single_quotes(text)
    if "$" in text:
        text = _INLINE_MATH.sub(_prose_dollars, text)
        if len(_DOLLAR.findall(text)) % 2:
            text = _DOLLAR.sub(r"\\$", text)  # an unpaired $ is money, not math
    if "^" in text:
        text = _DEGREE.sub("°", text)  # 360$^{\circ}$: pylatexenc gives "^∘"
    if "\\" in text:
        text = spaced_operators(text)
        if "frac" in text:
            text = _SIZED_FRACTION.sub(r"\\frac", text)
        if "\\sp" in text or "\\sb" in text:
            text = _PLAIN_TEX_SCRIPT.sub(lambda m: "^" if m.group(1) == "p" else "_", text)
        text = _name_macros(text, short_name)
    text = scripts_grouped(text)
    if "\\braket" in text:
        # pylatexenc's \braket wants two arguments and prints "%s" without them.
        text = _BRAKET.sub(r"⟨\1⟩", text)
    return _convert_pieces(text)


def scripts_grouped(text: str) -> str:
    """``_grouped_scripts`` of each piece of math in ``text``."""
    if "{" in text and _holds(text, "^", "_") and _holds(text, "$", "\\(", "\\["):
        return _MATH.sub(lambda math: _grouped_scripts(math.group(0)), text)
    return text


def _grouped_scripts(math: str) -> str:
    r"""A script of more than one symbol in brackets, as pylatexenc drops its braces:
    ``ℝ^{d\times d}`` is ``ℝ^(d× d)``, not ``ℝ^d× d`` (read as (ℝ^d)× d); a group in a
    group first (``n^{\log_{2-2p} n}`` is ``n^(log_(2-2p) n)``)."""

    def bracketed(match: re.Match[str]) -> str:
        script, body = match.groups()
        return script + (body if _BARE_SCRIPT.fullmatch(body) else f"({body})")

    for _ in range(math.count("{")):  # each pass takes at least one group's braces
        grouped = _SCRIPT_GROUP.sub(bracketed, math)
        if grouped == math:
            break
        math = grouped
    return math


def curly_single_quotes(text: str) -> str:
    """LaTeX's single quotes as typographic ones: `` `fair' `` -> ‘fair’ (an apostrophe on
    its own, and ``` ``double'' ``` quotes, are left as they are)."""
    return _SINGLE_QUOTES.sub("\u2018\\1\u2019", text)


def _prose_dollars(match: re.Match[str]) -> str:
    """``$...$`` around words is two dollar signs, not math."""
    return f"\\${match.group(1)}\\$" if _PROSE.search(match.group(1)) else match.group(0)


def _escape_special(match: re.Match[str]) -> str:
    backslashes, char = match.group(1), match.group(2)
    return backslashes + ("\\" if len(backslashes) % 2 == 0 else "") + char


def _name_macros(text: str, short_name: str | None) -> str:
    """Authors' own macros outside math become words: an abbreviation, the short name, a name;
    in math, a symbol (``_MATH_SHORTHANDS``) or their name.

    The short name stands for the abstract's only unknown macro, or for the
    ones named like a method (``\\method``, ``\\ours``).
    """
    math: list[tuple[int, int]] = []  # _MATH's kinds of math start "$", "\\(" or "\\["
    if _holds(text, "$", "\\(", "\\["):
        math = [match.span() for match in _MATH.finditer(text)]
    known = _known_macros()
    if math and "[" in text:
        text = _MATH.sub(lambda found: _bracketed_macros(found.group(0), known), text)
        math = [match.span() for match in _MATH.finditer(text)]

    def in_math(position: int) -> bool:
        return any(start <= position < end for start, end in math)

    unknown: list[str] = []
    unknown_in_math = False
    for match in _WORD_MACRO.finditer(text):
        name = match.group("name")
        if name in known:
            continue
        if in_math(match.start()):
            unknown_in_math = True
        elif name not in unknown:
            unknown.append(name)
    if not unknown and not unknown_in_math:
        return text
    words = {name: _ABBREVIATIONS.get(name, name) for name in unknown}
    candidates = [name for name in unknown if name not in _ABBREVIATIONS]
    if short_name:
        for name in candidates:
            if len(candidates) == 1 or name.lower() in _METHOD_WORDS:
                words[name] = short_name
            elif _squeeze(name) == _squeeze(short_name):
                words[name] = short_name

    def word_for(match: re.Match[str]) -> str:
        name = match.group("name")
        if in_math(match.start()):
            if name in known:
                return match.group(0)
            return _math_word(name) + (" " if match.group(0)[-1] == " " else "")
        if name not in words:
            return match.group(0)
        word = words[name]
        following = text[match.end() : match.end() + 1]
        if word.endswith(".") and following == ".":
            word = word[:-1]  # "\etal." is "et al." once
        if match.group(0).endswith("\\ "):
            word += " "
        return word

    return _WORD_MACRO.sub(word_for, text)


def _bracketed_macros(math: str, known: frozenset[str]) -> str:
    r"""An author's macro before a bracket as its symbol or name (``\E[X]`` is 𝔼[X]): left
    alone, pylatexenc read the bracket as its optional argument and dropped it all."""

    def word(match: re.Match[str]) -> str:
        name = match.group("name")
        return match.group(0) if name in known else _math_word(name)

    return _MACRO_BEFORE_BRACKET.sub(word, math)


def _math_word(name: str) -> str:
    """What an author's own macro in math stands for: a symbol, else its name."""
    if name in _MATH_SHORTHANDS:
        return _MATH_SHORTHANDS[name]
    calligraphic = _CALLIGRAPHIC.fullmatch(name)
    return f"\\mathcal{{{calligraphic.group(1)}}}" if calligraphic else name


def _squeeze(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).casefold()
