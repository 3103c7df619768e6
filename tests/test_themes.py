"""Tests for workflows.themes: grouping across languages, compounds, the fallback, speed."""

import importlib.util
import random
import time
from pathlib import Path
from types import ModuleType

import pytest

from workflows import themes
from workflows.themes import IdeaText, Theme, group_themes, label_in, themes_of

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_themes.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """bench/bench_themes.py: its labelled ideas and its scores."""
    spec = importlib.util.spec_from_file_location("bench_themes", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def by_key(grouped: list[Theme]) -> dict[str, Theme]:
    return {theme.key: theme for theme in grouped}


def test_one_theme_for_coffee_in_four_languages() -> None:
    ideas = [
        IdeaText(1, "De koffie op de tweede verdieping is niet te drinken.", "nl"),
        IdeaText(2, "Please get a proper coffee machine, this one is broken.", "en"),
        IdeaText(3, "Die Kaffeemaschine in der Teeküche ist ständig kaputt.", "de"),
        IdeaText(4, "Il faudrait une deuxième machine à café au rez-de-chaussée.", "fr"),
        IdeaText(5, "Er zijn veel te weinig parkeerplaatsen bij het kantoor.", "nl"),
    ]
    grouped = group_themes(ideas)
    assert [(theme.key, theme.ideas) for theme in grouped] == [
        ("coffee", (1, 2, 3, 4)),
        ("parking", (5,)),
    ]


@pytest.mark.parametrize(
    ("text", "language", "key"),
    [
        ("De koffieautomaat is weer stuk", "nl", "coffee"),  # listed
        ("Die Kaffeemaschine ist kaputt", "de", "coffee"),  # listed
        ("Meer parkeerplaatsen alsjeblieft", "nl", "parking"),  # plural of a listed word
        ("De werkdruk is te hoog", "nl", "workload"),
        ("Koffiekopjes worden nooit afgewassen", "nl", "coffee"),  # known start, known end
        ("Het parkeerbeleid moet anders", "nl", "parking"),  # a known start
        ("Der Parkplatzmangel kostet jeden Morgen Zeit", "de", "parking"),
        ("Het declaratiesysteem is traag", "nl", "software"),  # the head decides
        ("Das Besprechungszimmer ist immer belegt", "de", "meetings"),
        ("Een Excel-cursus voor de afdeling", "nl", "training"),  # hyphen: the head decides
    ],
)
def test_compounds_count_by_their_known_parts(text: str, language: str, key: str) -> None:
    assert themes_of(text, language)[0] == key


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Dat is vorige week besproken", "nl"),  # "bespr|ook" is no smoke ("rook")
        ("Ik ben het vergeten", "nl"),  # "verg|eten" is no food
        ("Hij is daar verantwoordelijk voor", "nl"),  # derived word, not a compound
        ("Mijn indruk is dat het goed gaat", "nl"),  # "in|druk" is no pressure
        ("Je suis en train de réfléchir", "fr"),  # no railway
        ("Ich bin sicher, dass es geht", "de"),
    ],
)
def test_common_words_are_no_theme(text: str, language: str) -> None:
    assert themes_of(text, language) == ()


def test_themes_of_ranks_best_first_and_first_mentioned_on_a_tie() -> None:
    assert themes_of("More meetings about meetings, and a coffee", "en") == (
        "meetings",
        "coffee",
    )
    assert themes_of("Coffee, and fewer meetings", "en") == ("coffee", "meetings")


def test_language_is_guessed_and_a_wrong_hint_is_overruled() -> None:
    assert themes_of("De parkeerplaats is altijd vol")[0] == "parking"
    assert themes_of("Parkplätze!")[0] == "parking"  # no stopword at all: every language
    # A Dutch profile, an English answer.
    hinted_nl = "We need more parking spaces, the car park is full by half past eight"
    assert themes_of(hinted_nl, "nl")[0] == "parking"


def test_a_long_word_with_a_typo_still_counts() -> None:
    assert themes_of("Graag meer tijd voor persoonlijke ontwikeling", "nl")[0] == "training"
    assert themes_of("De vergaderring duurt te lang", "nl")[0] == "meetings"


def test_every_idea_in_exactly_one_theme_with_departments_and_counts() -> None:
    ideas = [
        IdeaText(7, "Betere koffie graag", "nl", "Finance"),
        IdeaText(3, "Free fruit in the kitchen", "en", "Sales"),
        IdeaText(5, "Koffie!", "nl", "Finance"),
        IdeaText(9, "Thee en koffie voor de nachtdienst", "nl", None),
        IdeaText(4, "Lorem ipsum dolor sit amet", None, "HR"),
        IdeaText(8, "Zzzz qqqq", None, None),
    ]
    grouped = group_themes(ideas)
    ids = [idea_id for theme in grouped for idea_id in theme.ideas]
    assert sorted(ids) == [3, 4, 5, 7, 8, 9]
    coffee = by_key(grouped)["coffee"]
    assert coffee.ideas == (3, 5, 7, 9)
    assert coffee.count == 4
    assert coffee.departments == ("Finance", "Sales")
    assert all(theme.count == len(theme.ideas) for theme in grouped)


def test_an_idea_about_nothing_known_stays_alone_in_the_fallback() -> None:
    grouped = group_themes(
        [
            IdeaText(1, "Lorem ipsum dolor sit amet", "en", "HR"),
            IdeaText(2, "Quisque vestibulum tempor", "en"),
        ]
    )
    assert [(theme.key, theme.ideas, theme.departments) for theme in grouped] == [
        ("other:1", (1,), ("HR",)),
        ("other:2", (2,), ()),
    ]
    assert grouped[1].label == ("other", "overig", "vestibulum")


def test_labels_read_in_english_and_dutch_with_the_word_most_used() -> None:
    grouped = group_themes(
        [
            IdeaText(1, "De koffieautomaat is stuk", "nl"),
            IdeaText(2, "Nog een koffieautomaat erbij", "nl"),
            IdeaText(3, "Better coffee please", "en"),
        ]
    )
    assert grouped[0].label == ("coffee", "koffie", "koffieautomaat")
    assert label_in("coffee", "de") == "Kaffee"
    assert label_in("other:3", "nl") == "overig"


def test_order_is_largest_first_then_by_key_and_does_not_depend_on_input_order(
    bench: ModuleType,
) -> None:
    ideas = [item.idea for item in bench.load(bench.DATA)]
    grouped = group_themes(ideas)
    assert [(-t.count, t.key) for t in grouped] == sorted((-t.count, t.key) for t in grouped)
    shuffled = ideas[:]
    random.Random(7).shuffle(shuffled)
    assert group_themes(shuffled) == grouped
    assert all(list(theme.ideas) == sorted(theme.ideas) for theme in grouped)


def test_adjusted_rand_index_and_purity(bench: ModuleType) -> None:
    assert bench.adjusted_rand_index("aabb", "xxyy") == 1.0
    assert bench.adjusted_rand_index("aabb", "xyxy") == pytest.approx(-0.5)
    assert bench.purity("aabb", "xxxx") == 0.5
    assert bench.purity("aabc", "xxyy") == 0.75


def test_labelled_ideas_score_above_the_floor(bench: ModuleType) -> None:
    """Guards regressions; measured ARI/purity 0.798/0.913 overall, 0.589/0.833 holdout."""
    labelled = bench.load(bench.DATA)
    assert len(labelled) >= 320
    grouped = group_themes(item.idea for item in labelled)
    predicted = {idea_id: theme.key for theme in grouped for idea_id in theme.ideas}
    rows = bench.score_rows(labelled, predicted)[1:]
    scores = {row[0]: (float(row[2]), float(row[3])) for row in rows}
    assert scores["all"] >= (0.77, 0.89)
    assert scores["holdout"][0] >= 0.55
    assert scores["holdout"][1] >= 0.80


def test_ten_thousand_ideas_group_in_well_under_two_seconds(bench: ModuleType) -> None:
    texts = [item.idea for item in bench.load(bench.DATA)]
    rng = random.Random(1)
    ideas = [
        IdeaText(n, f"{texts[n % len(texts)].text} (ref {rng.randrange(10**6)})", None, "HR")
        for n in range(10_000)
    ]
    themes._word.cache_clear()  # cold: every word stemmed and looked up anew
    themes._stem.cache_clear()
    start = time.perf_counter()
    grouped = group_themes(ideas)
    elapsed = time.perf_counter() - start
    assert sum(theme.count for theme in grouped) == 10_000
    assert elapsed < 2.0, f"{elapsed:.2f} s"
