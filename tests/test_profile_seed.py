"""Every field of every paper in the bundled seed profile, and the header figures.

The expected abstracts are built from the raw seed lines with exactly the
conversions the issue names, so any other change to the text fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from helpers import PAPER_JSON_KEYS

from paperbrowse.core.formats.profile import ProfileResult, parse_profile_text
from paperbrowse.core.models import Paper, Profile

D = dt.date
SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_0ff2dc3448c84053.txt"
SEED_AS_OF = D(2025, 11, 24)  # the seed was saved then: "DCApr 9" is 2025-04-09
# (category, category name, date, year inferred, code, title, authors, et al., links)
EXPECTED = [
    (
        "CL",
        "Computation and Language",
        D(2025, 4, 10),
        False,
        True,
        "SFT or RL? An Early Investigation into Training R1-Like Reasoning Large "
        "Vision-Language Models",
        ["Hardy Chen", "Haoqin Tu", "Fali Wang"],
        True,
        ["https://huggingface.co/spaces/opencompass/Open_LMM_Reasoning_Leaderboard"],
    ),
    (
        "CL",
        "Computation and Language",
        D(2024, 10, 21),
        False,
        True,
        "Catastrophic Failure of LLM Unlearning via Quantization",
        ["Zhiwei Zhang", "Fali Wang", "Xiaomin Li"],
        True,
        ["https://github.com/zzwjames/FailureLLMUnlearning"],
    ),
    (
        "SI",
        "Social and Information Networks",
        D(2024, 7, 25),
        False,
        False,
        "HC-GST: Heterophily-aware Distribution Consistency based Graph Self-training",
        ["Fali Wang", "Tianxiang Zhao", "Junjie Xu"],
        True,
        [],
    ),
    (
        "LG",
        "Machine Learning",
        D(2025, 10, 29),
        False,
        False,
        "Generalizing Test-time Compute-optimal Scaling as an Optimizable Graph",
        ["Fali Wang", "Jihai Chen", "Shuhua Yang"],
        True,
        [],
    ),
    (
        "CL",
        "Computation and Language",
        D(2025, 10, 14),
        False,
        True,
        "A Survey on Collaborating Small and Large Language Models for Performance, "
        "Cost-effectiveness, Cloud-edge Privacy, and Trustworthiness",
        ["Fali Wang", "Jihai Chen", "Shuhua Yang"],
        True,
        ["https://github.com/FairyFali/SLMs-Survey"],
    ),
    (
        "AI",
        "Artificial Intelligence",
        D(2025, 11, 4),
        False,
        False,
        "Unlocking the Power of Multi-Agent LLM for Reasoning: From Lazy Agents to Deliberation",
        ["Zhiwei Zhang", "Xiaomin Li", "Yudi Lin"],
        True,
        [],
    ),
    (
        "CL",
        "Computation and Language",
        D(2024, 11, 4),
        False,
        False,
        "A Comprehensive Survey of Small Language Models in the Era of Large Language Models: "
        "Techniques, Enhancements, Applications, Collaboration with LLMs, and Trustworthiness",
        ["Fali Wang", "Zhiwei Zhang", "Xianren Zhang"],
        True,
        [],
    ),
    (
        "CL",
        "Computation and Language",
        D(2024, 2, 18),
        False,
        False,
        "InfuserKI: Enhancing Large Language Models with Knowledge Graphs via Infuser-Guided "
        "Knowledge Integration",
        ["Fali Wang", "Runxue Bao", "Suhang Wang"],
        True,
        [],
    ),
    (
        "AI",
        "Artificial Intelligence",
        D(2025, 7, 26),
        False,
        False,
        "AgentTTS: Large Language Model Agent for Test-time Compute-optimal Scaling Strategy "
        "in Complex Tasks",
        ["Fali Wang", "Hui Liu", "Zhenwei Dai"],
        True,
        [],
    ),
    (
        "CL",
        "Computation and Language",
        D(2025, 5, 29),
        False,
        False,
        "Diagnosing and Addressing Pitfalls in KG-RAG Datasets: Toward More Reliable Benchmarking",
        ["Liangliang Zhang", "Zhuorui Jiang", "Hongliang Chi"],
        True,
        [],
    ),
    (
        "CL",
        "Computation and Language",
        D(2024, 10, 15),
        False,
        False,
        "Enhance Graph Alignment for Large Language Models",
        ["Haitong Luo", "Xuying Meng", "Suhang Wang"],
        True,
        [],
    ),
    (
        "LG",
        "Machine Learning",
        D(2025, 7, 10),
        False,
        False,
        "Bradley-Terry and Multi-Objective Reward Modeling Are Complementary",
        ["Zhiwei Zhang", "Hui Liu", "Xiaomin Li"],
        True,
        [],
    ),
    (
        "DC",
        "Distributed, Parallel, and Cluster Computing",
        D(2025, 4, 9),
        True,
        False,
        "Can LoRA Fusion Support Cross-Domain Tasks in Cloud-Edge Collaboration?",
        ["Yatong Wang", "Fali Wang", "Naibin Gu"],
        True,
        [],
    ),
    (
        "CV",
        "Computer Vision and Pattern Recognition",
        D(2025, 6, 14),
        False,
        False,
        "Image Corruption-Inspired Membership Inference Attacks against Large Vision-Language Models",  # noqa: E501
        ["Zongyu Wu", "Minhua Lin", "Zhiwei Zhang"],
        True,
        [],
    ),
    (
        "LG",
        "Machine Learning",
        D(2024, 1, 18),
        False,
        False,
        "Distribution Consistency based Self-Training for Graph Neural Networks with Sparse Labels",
        ["Fali Wang", "Tianxiang Zhao", "Suhang Wang"],
        False,
        [],
    ),
]

# Exactly the LaTeX the issue names, per paper (by index), as (raw, clean) pairs.
CONVERSIONS: dict[int, list[tuple[str, str]]] = {
    0: [("``pseudo reasoning paths''", "“pseudo reasoning paths”")],
    1: [
        ("21\\%", "21%"),
        ("83\\%", "83%"),
        (
            "\\href{https://github.com/zzwjames/FailureLLMUnlearning}"
            "{https://github.com/zzwjames/FailureLLMUnlearning}",
            "https://github.com/zzwjames/FailureLLMUnlearning",
        ),
    ],
    2: [("\\textit{training bias}", "training bias")],
    7: [("{\\method}", "InfuserKI"), ("9\\%", "9%"), ("6\\%", "6%")],
    11: [("Bradley--Terry", "Bradley–Terry")],
}


def _raw_abstracts() -> list[str]:
    """The sixth line of each record: header, title, blank, authors, blank, abstract."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    starts = [
        i
        for i, line in enumerate(lines)
        if line.startswith(("CL", "SI", "LG", "AI", "DC", "CV"))
        and line[2:5]
        in {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
    ]
    assert len(starts) == 15
    return [lines[start + 5] for start in starts]


def _expected_abstract(index: int, raw: str) -> str:
    text = raw
    for before, after in CONVERSIONS.get(index, []):
        assert before in text, (index, before)
        text = text.replace(before, after)
    return text


@pytest.fixture(scope="module")
def seed() -> ProfileResult:
    return parse_profile_text(SEED.read_text(encoding="utf-8"), str(SEED), SEED_AS_OF)


def test_header_figures(seed: ProfileResult) -> None:
    profile: Profile = seed.profile
    assert profile.name == "Fali Wang"
    assert profile.primary_category == "CL"
    assert profile.primary_category_name == "Computation and Language"
    assert profile.h_index == 25
    assert profile.paper_count == 15
    assert profile.citations == 546
    assert profile.novelty == 45
    assert profile.ai_score == 56
    assert seed.problems == []


def test_fifteen_papers_in_file_order(seed: ProfileResult) -> None:
    assert [p.title for p in seed.profile.papers] == [row[5] for row in EXPECTED]


@pytest.mark.parametrize("index", range(15))
def test_every_field_of_every_paper(seed: ProfileResult, index: int) -> None:
    paper: Paper = seed.profile.papers[index]
    category, name, date, inferred, code, title, authors, et_al, links = EXPECTED[index]
    assert paper.category == category
    assert paper.category_name == name
    assert paper.date == date
    assert paper.date_text() == date.isoformat()
    assert paper.year_inferred is inferred
    assert paper.has_code is code
    assert paper.title == title
    assert list(paper.authors) == authors
    assert paper.et_al is et_al
    assert list(paper.links) == links
    assert paper.abstract == _expected_abstract(index, _raw_abstracts()[index])
    assert paper.source is not None and paper.source.file == str(SEED)


def test_source_lines_point_at_record_headers(seed: ProfileResult) -> None:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for paper in seed.profile.papers:
        assert paper.source is not None and paper.source.line is not None
        header = lines[paper.source.line - 1]
        assert header.startswith(paper.category or "")
        assert lines[paper.source.line] == paper.title


def test_abstracts_hold_no_latex_left(seed: ProfileResult) -> None:
    for paper in seed.profile.papers:
        assert paper.abstract is not None
        for leftover in ("\\", "{", "}", "``", "''", "--"):
            assert leftover not in paper.abstract, (paper.title, leftover)


def test_percent_is_not_a_latex_comment(seed: ProfileResult) -> None:
    kg_rag = seed.profile.papers[9]
    assert kg_rag.abstract is not None
    assert "the average factual correctness rate is only 57 %. To address these issues" in (
        kg_rag.abstract
    )
    assert kg_rag.abstract.endswith("advancing KGQA evaluation.")


def test_links_lose_trailing_punctuation_but_stay_in_the_text(seed: ProfileResult) -> None:
    first, survey = seed.profile.papers[0], seed.profile.papers[4]
    assert first.abstract is not None and survey.abstract is not None
    assert "(https://huggingface.co/spaces/opencompass/Open_LMM_Reasoning_Leaderboard)" in (
        first.abstract
    )
    assert survey.abstract.endswith("https://github.com/FairyFali/SLMs-Survey.")
    # The \href with the URL as its text shows the URL once.
    unlearning = seed.profile.papers[1]
    assert unlearning.abstract is not None
    assert unlearning.abstract.count("zzwjames/FailureLLMUnlearning") == 1


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (D(2025, 11, 24), D(2025, 4, 9)),
        (D(2025, 4, 9), D(2025, 4, 9)),
        (D(2025, 4, 8), D(2024, 4, 9)),
        (D(2025, 3, 1), D(2024, 4, 9)),
        (D(2030, 1, 1), D(2029, 4, 9)),
    ],
)
def test_date_without_year_takes_the_reference_year_or_the_one_before(
    as_of: dt.date, expected: dt.date
) -> None:
    result = parse_profile_text(SEED.read_text(encoding="utf-8"), "seed.txt", as_of)
    lora = result.profile.papers[12]
    assert lora.title.startswith("Can LoRA Fusion")
    assert lora.date == expected and lora.year_inferred
    # Dates with a year never move.
    assert result.profile.papers[0].date == D(2025, 4, 10)
    assert not result.profile.papers[0].year_inferred


def test_ids_are_stable_and_distinct() -> None:
    text = SEED.read_text(encoding="utf-8")
    first = parse_profile_text(text, "a.txt", D(2025, 11, 24)).profile.papers
    again = parse_profile_text(text, "b/other-name.txt", D(2025, 11, 24)).profile.papers
    next_year = parse_profile_text(text, "a.txt", D(2026, 5, 1)).profile.papers
    ids = [p.id for p in first]
    assert len(set(ids)) == 15
    assert [p.id for p in again] == ids
    # The inferred year moves with the reference date; the id must not.
    assert [p.id for p in next_year] == ids


def test_json_of_every_paper_has_the_issue_keys(seed: ProfileResult) -> None:
    keys = PAPER_JSON_KEYS
    data = seed.profile.to_json_dict()
    assert data["papers"][12]["date"] == "2025-04-09"
    for paper in data["papers"]:
        assert keys <= set(paper)
        assert isinstance(paper["authors"], list) and isinstance(paper["links"], list)


def test_seed_in_the_package_is_the_shared_seed() -> None:
    shared = SEED.parents[2] / "shared" / "seeds" / SEED.name
    if not shared.is_file():
        pytest.skip("../shared/seeds is not beside this checkout")
    assert Path(SEED).read_bytes() == shared.read_bytes()
