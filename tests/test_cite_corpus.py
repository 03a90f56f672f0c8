"""Five real papers of ../shared/corpus in APA, IEEE, Chicago and Nature, against references
written from the style guides (APA 7 §10.1 and §10.5, IEEE Reference Guide, the Chicago
Manual of Style 18th edition, author-date, which the bundled Chicago style follows: §13.23
and §14.115, Nature's reference format).

The five: a journal article with volume, issue, pages and a DOI (Sigfridsson & Ryde);
a conference paper whose title quotes, with publisher and place (Ribeiro et al.); a paper
with 32 authors (CLUE); one with an accented name (Schütze); and SPECTER, the paper
styles/SOURCES.md was checked on. Chicago also gets a paper in edited proceedings
(Štrumbelj & Kononenko). Each is rendered alone, so numbered styles number it 1.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from paperbrowse.core.cite.references import references
from paperbrowse.core.cite.styles import BUNDLED, load_style
from paperbrowse.core.library import Library, load
from paperbrowse.core.models import Paper

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"  # as conftest's corpus
ACL_IDS = ("2020.coling-main.419", "2020.acl-main.106", "2020.acl-main.207")
SIGFRIDSSON_DOI = "10.1002/(SICI)1096-987X(199803)19:4<377::AID-JCC1>3.0.CO;2-P"
CL = "Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics"
KDD = (
    "Proceedings of the 22nd ACM SIGKDD International Conference on Knowledge Discovery "
    "and Data Mining"
)
TITLES = {
    "sigfridsson": "Comparison of methods for deriving atomic charges from the electrostatic "
    "potential and moments",
    "clue": "CLUE: A Chinese Language Understanding Evaluation Benchmark",
    "hofmann": "A Graph Auto-encoder Model of Derivational Morphology",
    "specter": "SPECTER: Document-level Representation Learning using Citation-informed "
    "Transformers",
}
CLUE_19 = (
    "Xu, L., Hu, H., Zhang, X., Li, L., Cao, C., Li, Y., Xu, Y., Sun, K., Yu, D., "
    "Yu, C., Tian, Y., Dong, Q., Liu, W., Shi, B., Cui, Y., Li, J., Zeng, J., Wang, R., "
    "Xie, W."
)

EXPECTED = {
    "apa": {
        # APA 7: sentence case, 19 authors then "…" and the last, year only for proceedings.
        "sigfridsson": f"Sigfridsson, E., & Ryde, U. (1998). {TITLES['sigfridsson']}. Journal "
        f"of Computational Chemistry, 19(4), 377–395. https://doi.org/{SIGFRIDSSON_DOI}",
        "ribeiro2016why": "Ribeiro, M. T., Singh, S., & Guestrin, C. (2016). “Why should I "
        f"trust you?”: Explaining the predictions of any classifier. {KDD}, 1135–1144. "
        "https://doi.org/10.1145/2939672.2939778",
        "clue": f"{CLUE_19}, … Lan, Z. (2020). CLUE: A Chinese language understanding "
        "evaluation benchmark. Proceedings of the 28th International Conference on "
        "Computational Linguistics. https://doi.org/10.18653/v1/2020.coling-main.419",
        "hofmann": "Hofmann, V., Schütze, H., & Pierrehumbert, J. (2020). A graph auto-encoder "
        f"model of derivational morphology. {CL}. https://doi.org/10.18653/v1/2020.acl-main.106",
        "specter": "Cohan, A., Feldman, S., Beltagy, I., Downey, D., & Weld, D. (2020). SPECTER: "
        "Document-level representation learning using citation-informed transformers. "
        f"{CL}. https://doi.org/10.18653/v1/2020.acl-main.207",
    },
    "ieee": {
        # IEEE: initials first, "et al." past six authors, quotes with the comma inside.
        "sigfridsson": f"[1] E. Sigfridsson and U. Ryde, “{TITLES['sigfridsson']},” Journal of "
        f"Computational Chemistry, vol. 19, no. 4, pp. 377–395, 1998, doi: {SIGFRIDSSON_DOI}.",
        "ribeiro2016why": "[1] M. T. Ribeiro, S. Singh, and C. Guestrin, “‘Why Should I Trust "
        f"You?’: Explaining the Predictions of Any Classifier,” in {KDD}, Aug. 2016, "
        "pp. 1135–1144. doi: 10.1145/2939672.2939778.",
        "clue": f"[1] L. Xu et al., “{TITLES['clue']},” in Proceedings of the 28th International "
        "Conference on Computational Linguistics, Dec. 2020. doi: "
        "10.18653/v1/2020.coling-main.419.",
        "hofmann": "[1] V. Hofmann, H. Schütze, and J. Pierrehumbert, "
        f"“{TITLES['hofmann']},” in {CL}, Jul. 2020. doi: 10.18653/v1/2020.acl-main.106.",
        "specter": "[1] A. Cohan, S. Feldman, I. Beltagy, D. Downey, and D. Weld, "
        f"“{TITLES['specter']},” in {CL}, Jul. 2020. doi: 10.18653/v1/2020.acl-main.207.",
    },
    "chicago": {
        # Chicago author-date (CMOS 18): full given names, headline case, "19 (4): 377–95";
        # more than six authors: the first three and "et al." (§13.23).
        "sigfridsson": "Sigfridsson, Emma, and Ulf Ryde. 1998. “Comparison of Methods for "
        "Deriving Atomic Charges from the Electrostatic Potential and Moments.” Journal of "
        f"Computational Chemistry 19 (4): 377–95. https://doi.org/{SIGFRIDSSON_DOI}.",
        # §14.115: a paper in published proceedings is cited like a chapter in a book, "In"
        # and no month; a chapter's page range is not required (§14.8) and the place of
        # publication is left out (§14.30), the publisher kept.
        "ribeiro2016why": "Ribeiro, Marco Tulio, Sameer Singh, and Carlos Guestrin. 2016. "
        "“‘Why Should I Trust You?’: Explaining the Predictions of Any Classifier.” In "
        f"{KDD}. Association for Computing Machinery. https://doi.org/10.1145/2939672.2939778.",
        # With the proceedings' editors, "edited by" and their names in reading order.
        "strumbelj": "Štrumbelj, Erik, and Igor Kononenko. 2011. “A General Method for "
        "Visualizing and Explaining Black-Box Regression Models.” In Adaptive and Natural "
        "Computing Algorithms, edited by Andrej Dobnikar, Uroš Lotrič, and Branko Šter. "
        "Springer. https://doi.org/10.1007/978-3-642-20267-4_3.",
        "clue": "Xu, Liang, Hai Hu, Xuanwei Zhang, et al. 2020. “CLUE: A Chinese Language "
        "Understanding Evaluation Benchmark.” In Proceedings of the 28th International "
        "Conference on Computational Linguistics. "
        "https://doi.org/10.18653/v1/2020.coling-main.419.",
        "hofmann": "Hofmann, Valentin, Hinrich Schütze, and Janet Pierrehumbert. 2020. “A Graph "
        f"Auto-encoder Model of Derivational Morphology.” In {CL}. "
        "https://doi.org/10.18653/v1/2020.acl-main.106.",
        "specter": "Cohan, Arman, Sergey Feldman, Iz Beltagy, Doug Downey, and Daniel Weld. "
        "2020. “SPECTER: Document-level Representation Learning Using Citation-informed "
        f"Transformers.” In {CL}. https://doi.org/10.18653/v1/2020.acl-main.207.",
    },
    "nature": {
        # Nature: up to five authors, "&" before the last, volume, pages, (year).
        "sigfridsson": f"1. Sigfridsson, E. & Ryde, U. {TITLES['sigfridsson']}. Journal of "
        "Computational Chemistry 19, 377–395 (1998).",
        # Proceedings in the form of a book: pages, then (publisher, place, year).
        "ribeiro2016why": "1. Ribeiro, M. T., Singh, S. & Guestrin, C. “Why Should I Trust "
        f"You?”: Explaining the Predictions of Any Classifier. in {KDD} 1135–1144 "
        "(Association for Computing Machinery, New York, NY, USA, 2016). "
        "doi:10.1145/2939672.2939778.",
        "clue": f"1. Xu, L. et al. {TITLES['clue']}. in Proceedings of the 28th International "
        "Conference on Computational Linguistics (2020). doi:10.18653/v1/2020.coling-main.419.",
        "hofmann": f"1. Hofmann, V., Schütze, H. & Pierrehumbert, J. {TITLES['hofmann']}. in "
        f"{CL} (2020). doi:10.18653/v1/2020.acl-main.106.",
        "specter": "1. Cohan, A., Feldman, S., Beltagy, I., Downey, D. & Weld, D. "
        f"{TITLES['specter']}. in {CL} (2020). doi:10.18653/v1/2020.acl-main.207.",
    },
}


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Paper]:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    corpus = CORPUS
    folder = tmp_path_factory.mktemp("five")
    acl = folder / "acl.jsonl"
    with (corpus / "acl-anthology-2016-2021.jsonl").open(encoding="utf-8") as lines:
        acl.write_text(
            "".join(line for line in lines if json.loads(line)["id"] in ACL_IDS), encoding="utf-8"
        )
    library: Library = load(
        acl,
        corpus / "bib" / "biblatex-examples.bib",
        corpus / "bib" / "interpretable-ml-book_references.bib",
    )
    by_key = {paper.citekey: paper for paper in library.papers}
    return {
        "sigfridsson": by_key["sigfridsson"],
        "ribeiro2016why": by_key["ribeiro2016why"],
        "clue": by_key[ACL_IDS[0]],
        "hofmann": by_key[ACL_IDS[1]],
        "specter": by_key[ACL_IDS[2]],
        "strumbelj": by_key["strumbelj2011general"],
    }


CASES = [(style, name) for style, expected in EXPECTED.items() for name in expected]


@pytest.mark.parametrize(("style", "name"), CASES)
def test_reference_is_what_the_style_guide_prescribes(
    five: dict[str, Paper], style: str, name: str
) -> None:
    assert references([five[name]], load_style(style)) == [EXPECTED[style][name]]


# --- many at once, as one by one ---------------------------------------------------

_NUMBER = re.compile(r"^(\[\d+\]|\d+\.) ")


@pytest.fixture(scope="module")
def real_sample(tmp_path_factory: pytest.TempPathFactory) -> list[Paper]:
    """Forty real ACL papers spread over the file (conference, workshop and journal)."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside this checkout")
    with (CORPUS / "acl-anthology-2016-2021.jsonl").open(encoding="utf-8") as lines:
        wanted = [line for number, line in enumerate(lines) if number % 557 == 0]
    folder = tmp_path_factory.mktemp("sample")
    (folder / "sample.jsonl").write_text("".join(wanted), encoding="utf-8")
    return list(load(folder / "sample.jsonl").papers)


@pytest.mark.parametrize("form", ["text", "html"])
def test_many_papers_at_once_render_as_each_alone_in_every_style(
    real_sample: list[Paper], form: str
) -> None:
    """The processor's caches (core/cite/speedups.py) answer the same for every paper and
    every style: a big selection gives what each paper gives alone, numbered in order."""
    for name in BUNDLED:
        style = load_style(name)
        together = references(real_sample, style, form)
        alone = [references([paper], style, form)[0] for paper in real_sample]
        numbered = [entry for entry in together if _NUMBER.match(entry)]
        for position, entry in enumerate(numbered, start=1):
            assert entry.startswith((f"[{position}] ", f"{position}. "))
        strip = [_NUMBER.sub("", entry) for entry in together]
        # As a set: styles that sort their list (APA, MLA, ...) order it their own way,
        # which tests/test_cite_names.py checks.
        assert sorted(strip) == sorted(_NUMBER.sub("", entry) for entry in alone), name
