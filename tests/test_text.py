"""Text from files becomes clean Unicode: no terminal control, no LaTeX, URLs found whole."""

from __future__ import annotations

import logging

import pytest

from paperbrowse.core.text.clean import (
    clean_line,
    clean_paragraphs,
    find_urls,
    squash_spaces,
    strip_control,
)
from paperbrowse.core.text.latex import latex_to_text


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("\x1b[31mred\x1b[0m", "red"),
        ("\x1b[38;5;196mcolour\x1b[m", "colour"),
        ("a\x1b]0;window title\x07b", "ab"),
        ("a\x1b]8;;https://evil.io\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("a\x1bPdevice control\x1b\\b", "ab"),
        ("a\x1b7b\x1b8c", "abc"),
        ("reset\x1bc screen, charset\x1b(B done", "reset screen, charset done"),
        ("a\x9b1;31mb", "ab"),
        ("a\x9d0;title\x9cb", "ab"),
        ("bell\x07 back\x08space del\x7f nul\x00", "bell backspace del nul"),
        ("c1\x85\x90\x9f chars", "c1 chars"),
        ("rtl \u202eoverride\u202c and \u2066isolate\u2069", "rtl override and isolate"),
        ("soft\xadhyphen and word\u2060joiner and \ufeffbom", "softhyphen and wordjoiner and bom"),
        ("tab\tseparated", "tab separated"),
        ("[bold]markup[/bold] [link=x]kept[/]", "[bold]markup[/bold] [link=x]kept[/]"),
        ("emoji 👩‍💻 and ZWNJ می‌خواهم", "emoji 👩‍💻 and ZWNJ می‌خواهم"),
    ],
)
def test_strip_control(raw: str, clean: str) -> None:
    assert strip_control(raw) == clean


def test_strip_control_keeps_newlines() -> None:
    assert strip_control("one\r\ntwo\rthree\nfour") == "one\ntwo\nthree\nfour"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  spaced \t out \n over lines  ", "spaced out over lines"),
        (
            "nbsp\xa0thin\u2009ideographic\u3000line\u2028para\u2029end",
            "nbsp thin ideographic line para end",
        ),
        ("Jose\u0301", "José"),
        ("\x1b[1mBold\x1b[0m Name", "Bold Name"),
        ("", ""),
    ],
)
def test_clean_line(raw: str, clean: str) -> None:
    assert clean_line(raw) == clean


def test_squash_and_paragraphs() -> None:
    assert squash_spaces(" a \n\n b ") == "a b"
    assert clean_paragraphs("one\n line\n\n\n two  \n") == "one line\n\ntwo"


@pytest.mark.parametrize(
    ("text", "urls"),
    [
        ("see https://a.io/x.", ["https://a.io/x"]),
        ("(https://a.io/x)", ["https://a.io/x"]),
        (
            "https://en.wikipedia.org/wiki/Tree_(graph)",
            ["https://en.wikipedia.org/wiki/Tree_(graph)"],
        ),
        ("x https://a.io/p?q=1&r=2#frag, y", ["https://a.io/p?q=1&r=2#frag"]),
        ("“https://a.io/quoted” «https://b.io»", ["https://a.io/quoted", "https://b.io"]),
        (
            "www.example.org/a; ftp://files.example.org/b!",
            ["https://www.example.org/a", "ftp://files.example.org/b"],
        ),
        ("https://a.io https://a.io.", ["https://a.io"]),
        ("no links here, not even https:// alone", []),
        # Markup-looking text is data: a URL in it ends at the bracket.
        ("[link=https://evil.example/x]y[/link]", ["https://evil.example/x"]),
        ("[link=http://x]y[/link]", []),  # too short to be a link, never "http://x]y[/link"
        ("see [https://a.io/x] and [1]", ["https://a.io/x"]),
    ],
)
def test_find_urls(text: str, urls: list[str]) -> None:
    assert find_urls(text) == urls


def test_href_with_url_as_text_shows_it_once() -> None:
    text, links = latex_to_text(r"Code: \href{https://github.com/a/b}{https://github.com/a/b}.")
    assert text == "Code: https://github.com/a/b."
    assert links == ["https://github.com/a/b"]


def test_href_with_escaped_characters_in_its_text() -> None:
    text, links = latex_to_text(r"\href{https://a.io/x_y}{https://a.io/x\_y}")
    assert text == "https://a.io/x_y" and links == ["https://a.io/x_y"]


def test_url_after_a_line_break_macro_is_kept() -> None:
    text, links = latex_to_text("see:\\\\https://a.io/x and more")
    assert "https://a.io/x and more" in text
    assert links == ["https://a.io/x"]


@pytest.mark.parametrize(
    "raw",
    [
        r"\url http://mplab.ucsd.edu",
        r"\urlhttp://mplab.ucsd.edu",  # a real Mendeley export's author, its braces lost
    ],
)
def test_a_url_command_without_braces_shows_its_address(raw: str) -> None:
    """pylatexenc read ``\\url``'s argument from the address's placeholder: ``<%s>
    http://...`` and ``<>0`` were shown, the address lost."""
    assert latex_to_text(raw) == ("http://mplab.ucsd.edu", ["http://mplab.ucsd.edu"])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"for $\eps > 0$ and a $(1-\eps)$ fraction", "for ε > 0 and a (1-ε) fraction"),
        (r"$h: D \to \R$ and $\E_\gamma[X]$", "h: D → ℝ and 𝔼_γ[X]"),
        (r"a box with $\vol(B) = \vol(K)$", "a box with vol(B) = vol(K)"),
        (r"results for $\ZPP^\NP$", "results for ZPP^NP"),
        (r"a class of functions $\cH$.", "a class of functions ℋ."),
        (r"within $n\sp {1-o(1)}$ in {$\bold R\sp N$}", "within n^(1-o(1)) in R^N"),
        (r"a factor of $\tfrac 12$", "a factor of 1/2"),
        (r"the 9${\mbox{\scriptsize st}\atop}$ COLT", "the 9st COLT"),
    ],
)
def test_an_authors_own_macro_in_math_keeps_its_word(raw: str, clean: str) -> None:
    """pylatexenc drops a macro it does not know: ``$\\eps > 0$`` read ``> 0``."""
    assert latex_to_text(raw)[0] == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        # A script of more than one symbol lost its group: "U∈ℝ^d× d" reads as (ℝ^d)× d.
        (r"$U$ in $\mathbb R^{d\times d}$", "U in ℝ^(d× d)"),
        (r"$e^{-x}$ and $\sum_{i=1}^{n} x_{ij}$", "e^(-x) and ∑_(i=1)^n x_ij"),
        (r"$x^{2}$, $A^{T}$, $10^{10}$ and $f^{\prime}$", "x^2, A^T, 10^10 and f^'"),
        # A group already in brackets keeps its own; one holding a command's argument too.
        (r"$x^{(k)}$, $x^{[k]}$ and $x^{\frac{1}{2}}$", "x^(k), x^[k] and x^(1/2)"),
        (r"$x_{\text{max}}$ and ${}^{14}$C", "x_max and ^14C"),
        (r"costs 10^{3} outside math", "costs 10^3 outside math"),
        # An author's expectation macro before its bracket lost its 𝔼: "[X]".
        (r"$\E[X]$ and $\E [f(x)]$, $\Exp[X]$", "𝔼[X] and 𝔼 [f(x)], Exp[X]"),
    ],
)
def test_math_keeps_what_a_reader_needs_to_read_it_right(raw: str, clean: str) -> None:
    from paperbrowse.core.formats.bibvalues import tex_to_text

    assert latex_to_text(raw)[0] == clean
    assert tex_to_text(raw)[0] == clean  # a .bib's value: its faster path first


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"$\mathbb{E}[X]$ and $\mathbb E_x$", "𝔼[X] and 𝔼_x"),
        (r"$\mathbb{R}^n$, $\mathbb N$, $\mathbb{Z}$, $\mathbb{a}$", "ℝ^n, ℕ, ℤ, 𝕒"),
    ],
)
def test_blackboard_bold_letters_read_as_theirs_in_a_bib_value_too(raw: str, clean: str) -> None:
    # The .bib reader's faster path dropped \mathbb, leaving a plain "E[X]".
    from paperbrowse.core.formats.bibvalues import tex_to_text

    assert tex_to_text(raw)[0] == clean


# COLT 2018's abstracts (pmlr-v75_colt18.bib), and where TeX spaces an operator name: not
# before an opening bracket, a script or after one; once beside a letter, digit or group.
OPERATOR_NAMES = [
    (r"$O(\frac{1}{\epsilon^6}\log \frac{1}{\epsilon})$", "O(1/ϵ^6 log 1/ϵ)"),
    (r"$O(\frac{\varepsilon^2}{q\ln n})$", "O(ε^2/q ln n)"),
    (r"$O(q\ln n\cdot[\ln q + \ln \ln n])$", "O(q ln n·[ln q + ln ln n])"),
    (r"$\Omega \left(d\log \log \frac{|X|}{d}\right)$", "Ω(d log log |X|/d)"),
    (r"$S = \Omega(\sqrt{T\log n})$", "S = Ω(√(T log n))"),
    (r"$F_n = \log{Z_n}$", "F_n = log Z_n"),
    (r"$\tilde{O}\left(n^{\log_{2-2p}(1/\alpha)}\right)$", "Õ(n^(log_(2-2p)(1/α)))"),
    (r"$\Theta(\log(T))$ and $\log^3(T)$", "Θ(log(T)) and log^3(T)"),
    (r"$\max_i x_i$, $x\exp(-x)$, $2\Pr[A]$", "max_i x_i, x exp(-x), 2 Pr[A]"),
    (r"$\sin x\cos y$ and $\log n$ bits", "sin x cos y and log n bits"),
    (r"$\operatorname{poly}(n)\operatorname{polylog} n$", "poly(n) polylog n"),
    (r"$\infty$, $\mint$ and $\lnot p$", "∞, mint and ¬ p"),  # no operator names
]


@pytest.mark.parametrize(("raw", "clean"), OPERATOR_NAMES)
def test_operator_names_in_math_are_spaced_as_tex_spaces_them(raw: str, clean: str) -> None:
    # ``q\ln n`` read "qln n", ``\frac{1}{\epsilon^6}\log \frac{1}{\epsilon}`` "1/ϵ^6log1/ϵ".
    from paperbrowse.core.formats.bibvalues import tex_to_text

    assert latex_to_text(raw)[0] == clean
    assert tex_to_text(raw)[0] == clean  # a .bib's value: its faster path first


def test_private_use_characters_cannot_forge_placeholders() -> None:
    text, _ = latex_to_text("odd \ue0000\ue001 chars \\textit{x} https://a.io")
    assert text == "odd 0 chars x https://a.io"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (r"\ldots and \dots", "… and …"),
        (r"\LaTeX\ and \TeX", "LaTeX and TeX"),
        (r"\textsuperscript{th} and \textsubscript{2}", "th and 2"),
        (r"$\braket{\psi|\phi}$", "⟨ψ|ϕ⟩"),
        (r"\begin{itemize}\item one \item two\end{itemize}", "\n  * one \n  * two"),
        (r"\footnote{a note}", "[a note]"),
        (r"\ref{fig:1} and \label{x}", "<ref> and "),
        (r"a \\% b", "a \n% b"),
    ],
)
def test_latex_odds(raw: str, clean: str) -> None:
    assert latex_to_text(raw)[0] == clean


def test_pylatexenc_warnings_never_reach_the_user(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    latex_to_text(r"$\frac{a}$ \braket \unknown{x} \begin{foo}")
    latex_to_text(r"\xleftarrow \textcolor{red}")
    assert not [r for r in caplog.records if r.name.startswith("pylatexenc")]


def test_short_name_only_replaces_macros_not_text() -> None:
    text, _ = latex_to_text(r"We present \method: \method{} beats the method.", "Foo")
    assert text == "We present Foo: Foo beats the method."


def test_latex_s_own_macros_pylatexenc_does_not_know_are_not_shown_by_name() -> None:
    """The review: shown by name as an author's own macro, ``$f\\colon X \\to Y$`` read
    "fcolon X → Y" (it had read "f X → Y")."""
    from paperbrowse.core.formats.bibvalues import tex_to_text

    assert tex_to_text(r"a map $f\colon X \to Y$")[0] == "a map f: X → Y"
    assert tex_to_text(r"$A \iff B$, $\Re(z)$")[0] == "A ⟺ B, ℜ(z)"
