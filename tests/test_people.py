"""Several profiles opened together: the generator's files, the researchers, ``profile:``.

``tests/data/lab50`` holds 50 researchers made by ``profile_gen`` from the ACL corpus
(``python tests/profile_gen.py --count 50 --out tests/data/lab50 --max-papers 12``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from profile_gen import AS_OF, make_profiles, read_rows

from paperbrowse.core.formats.profile import parse_profile_text
from paperbrowse.core.library import Library, load
from paperbrowse.core.people import matching_names, people_of, sorted_people
from paperbrowse.core.text.latex import is_plain

LAB = Path(__file__).parent / "data" / "lab50"


def lab(*extra: Path) -> Library:
    return load(LAB, *extra, as_of=AS_OF)


def test_generated_profiles_parse_back_to_what_they_were_made_from(corpus: Path) -> None:
    made = make_profiles(read_rows(corpus / "acl-anthology-all-2021.jsonl"), 25, seed=7)
    assert len(made) == 25
    for profile in made:
        result = parse_profile_text(profile.text(), profile.file_name, AS_OF)
        assert result.problems == [], profile.name
        parsed = result.profile
        assert parsed.name == profile.name and parsed.primary_category == profile.category
        header = (parsed.h_index, parsed.citations, parsed.paper_count)
        assert header == (profile.h_index, profile.citations, len(profile.papers))
        assert (parsed.novelty, parsed.ai_score) == (profile.novelty, profile.ai_score)
        assert len(parsed.papers) == len(profile.papers)
        for want, got in zip(profile.papers, parsed.papers, strict=True):
            assert got.category == want.category and got.has_code is want.has_code
            assert got.date == want.date and got.year_inferred is not want.year_shown
            assert got.authors == want.authors and got.et_al is want.et_al
            if is_plain(want.title):
                assert got.title == want.title
            if want.abstract is None:
                assert got.abstract is None
            elif is_plain(want.abstract):
                assert got.abstract == want.abstract
            else:  # LaTeX as the authors typed it: read as text, never lost
                assert got.abstract
    # The current year's dates are written without it, as the site does.
    assert any(not p.year_shown for profile in made for p in profile.papers)


def test_a_folder_of_profiles_is_one_researcher_each_with_no_problems() -> None:
    library = lab()
    assert len(library.profiles) == 50 and library.problems == []
    people = library.people
    assert len(people) == 50 and people.problems == ()
    # Papers in several profiles are one paper each: fewer papers than records.
    records = sum(len(profile.papers) for profile in library.profiles)
    assert len(library.papers) < records
    assert sum(len(r.owned) for r in people.researchers) == records


def test_a_paper_in_two_profiles_is_one_paper_with_both_owners() -> None:
    library = lab()
    people = library.people
    first = people.researchers[0]
    partner, shared = people.coauthors(first)[0]
    both = first.in_library & partner.in_library
    assert shared == len(both) > 0
    owned_by_both = first.owned & partner.owned
    assert owned_by_both
    ids = [paper.id for paper in library.papers]
    assert len(ids) == len(set(ids))
    # profile: finds the shared paper under either owner's name.
    for name in (first.name, partner.name):
        found = {hit.id for hit in library.find(f'profile:"{name}"')}
        assert owned_by_both <= found


def test_profile_filter_forgives_case_accents_prefixes_and_typos() -> None:
    library = lab()
    researcher = next(r for r in library.people.researchers if len(r.name.split()[-1]) >= 5)
    first, last = researcher.name.split()[0], researcher.name.split()[-1]
    typo = last[0] + last[2] + last[1] + last[3:]  # two letters swapped: one typo
    expected = {p.id for p in library.find(f'profile:"{researcher.name}"')}
    assert expected == set(researcher.owned)
    for query in (
        f'profile:"{researcher.name.upper()}"',
        f'profile:"{first} {typo}"',
        f"profile:{last[:4]}",
    ):
        found = {p.id for p in library.find(query)}
        assert expected <= found, query
    assert len(library.find('profile:"Nobody Atall"')) == 0


def test_matching_names_folds_accents() -> None:
    names = ["Anselmo Peñas", "Ann Bee"]
    assert matching_names("penas", names, str) == ["Anselmo Peñas"]
    assert matching_names("ann", names, str) == ["Ann Bee"]
    assert matching_names("", names, str) == []


def test_every_column_sorts_with_missing_figures_last(tmp_path: Path) -> None:
    shutil.copytree(LAB, tmp_path / "lab")
    (tmp_path / "lab" / "zz.txt").write_text(
        "Zed Nofigures\n\nCL\nh-index-3\n\n1 Papers\n\nCLApr 1, 2020\nA title\n\nZed Nofigures\n"
    )
    library = load(tmp_path / "lab", as_of=AS_OF)
    people = list(library.people.researchers)
    by_h = sorted_people(people, "h-index")
    assert by_h[-1].name == "Zed Nofigures"
    figures = [r.h_index for r in by_h[:-1]]
    assert figures == sorted(figures, reverse=True)  # type: ignore[type-var]
    assert sorted_people(people, "h-index", reverse=True)[-1].name == "Zed Nofigures"
    names = [r.name.casefold() for r in sorted_people(people, "name")]
    assert names == sorted(names)
    for key in ("category", "citations", "papers", "novelty", "ai-score", "library"):
        assert len(sorted_people(people, key)) == len(people)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bad_profiles_each_give_one_line_and_the_rest_loads(tmp_path: Path) -> None:
    one = sorted(LAB.glob("*.txt"))[0]
    owner = one.read_text(encoding="utf-8").split("\n", 1)[0]
    header_only = _write(
        tmp_path,
        "empty.txt",
        "Ann Empty\n\nCL\nh-index4\n3papers\n12citations\nNovelty40%\nAI Score50\n\n3 Papers\n",
    )
    again = _write(tmp_path, "again.txt", one.read_text(encoding="utf-8"))
    absurd = _write(
        tmp_path,
        "absurd.txt",
        "Al Absurd\n\nCL\nh-index-3\n1papers\n5citations\nNovelty999%\nAI Score50\n\n"
        "1 Papers\n\nCLMay 2, 2020\nA real title\n\nAl Absurd, Bo Other\n",
    )
    missing = _write(
        tmp_path,
        "missing.txt",
        "Mo Missing\n\nCL\nh-index2\n\n1 Papers\n\nCLMay 3, 2020\nAnother title\n\nMo Missing\n",
    )
    library = load(LAB, header_only, again, absurd, missing, as_of=AS_OF)
    lines = [str(p) for p in library.problems]
    assert len(library.people) == 50 + 3  # the second file of one person adds no one
    by_file = {
        path: [line for line in lines if line.startswith(str(path))]
        for path in (header_only, again, absurd, missing)
    }
    assert by_file[header_only] == [f"{header_only}:10: no paper records found after the header"]
    assert by_file[again] == [
        f"{again}: a second profile of {owner!r} (the first is {one}); its papers are added "
        "to theirs, its header figures are not used"
    ]
    assert by_file[absurd] == [
        f"{absurd}:4: header figure 'h-index-3' is negative; left out",
        f"{absurd}:7: header figure 'Novelty999%' is over 100%; left out",
        f"{absurd}: the header of 'Al Absurd' has no h-index, novelty figures; "
        "shown as — and sorted last",
    ]
    assert by_file[missing] == [
        f"{missing}: the header of 'Mo Missing' has no citations, papers, novelty, AI score "
        "figures; shown as — and sorted last"
    ]
    empty = next(r for r in library.people.researchers if r.name == "Ann Empty")
    assert empty.profile_papers == 0 and empty.h_index == 4
    # Nothing else went wrong: the lab's papers all loaded.
    assert len(lines) == 1 + 1 + 3 + 1


def test_people_of_no_profiles_is_empty() -> None:
    people = people_of([], [])
    assert len(people) == 0 and people.problems == ()
