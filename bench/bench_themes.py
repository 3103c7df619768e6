"""Score workflows.themes.group_themes on labelled ideas: adjusted Rand index and purity.

    python bench/bench_themes.py [--data FILE.jsonl] [--show-errors N]

Groups all ideas of the file at once (Dutch next to English, as in use), then scores that
grouping on all of them and on each subset: the dev split (which the lexicon was tuned
on), the holdout split (written after the lexicon was frozen), each language, and each
language of the holdout. Besides ARI and purity: "exact", the share of ideas whose theme is
their gold theme, and "recognised", the share that a lexicon theme took (not the
fallback). Purity flatters the fallback, where each unrecognised idea is a theme of one;
"exact" does not. The last line is machine-readable: `TOTAL ari=0.712 purity=0.801 n=320`.
"""

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "bench" / "data" / "themes_labelled.jsonl"

sys.path.insert(0, str(ROOT))

from workflows.theme_lexicon import FALLBACK_KEY  # noqa: E402  (needs the repo root on sys.path)
from workflows.themes import LANGUAGES, IdeaText, group_themes  # noqa: E402


@dataclass(frozen=True, slots=True)
class Labelled:
    idea: IdeaText
    theme: str  # the gold theme key
    split: str  # "dev" or "holdout"


def load(path: Path) -> list[Labelled]:
    labelled = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                idea = IdeaText(row["id"], row["text"], row.get("language"), row.get("department"))
                labelled.append(Labelled(idea, row["theme"], row.get("split", "dev")))
    return labelled


def adjusted_rand_index(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Pair agreement between two partitions, 0 for chance and 1 for identical."""
    pairs = comb(len(gold), 2)
    together = sum(comb(n, 2) for n in Counter(zip(gold, predicted, strict=True)).values())
    gold_pairs = sum(comb(n, 2) for n in Counter(gold).values())
    predicted_pairs = sum(comb(n, 2) for n in Counter(predicted).values())
    expected = gold_pairs * predicted_pairs / pairs if pairs else 0.0
    best = (gold_pairs + predicted_pairs) / 2
    return 1.0 if best == expected else (together - expected) / (best - expected)


def purity(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Share of ideas that are in their group's most common gold theme."""
    most_common: Counter[str] = Counter()
    for (group, _), n in Counter(zip(predicted, gold, strict=True)).items():
        most_common[group] = max(most_common[group], n)
    return sum(most_common.values()) / len(gold) if gold else 0.0


def subsets(labelled: list[Labelled]) -> list[tuple[str, list[Labelled]]]:
    """All, each split, each language, and each language of the holdout split."""
    found = {item.idea.language or "?" for item in labelled}
    languages = [lang for lang in LANGUAGES if lang in found] + sorted(found - set(LANGUAGES))
    holdout = [item for item in labelled if item.split == "holdout"]
    named = [
        ("all", labelled),
        ("dev", [item for item in labelled if item.split == "dev"]),
        ("holdout", holdout),
    ]
    named += [
        (lang, [i for i in labelled if (i.idea.language or "?") == lang]) for lang in languages
    ]
    named += [
        (f"holdout {lang}", [i for i in holdout if (i.idea.language or "?") == lang])
        for lang in languages
    ]
    return [(name, items) for name, items in named if items]


def score_rows(labelled: list[Labelled], predicted: dict[int, str]) -> list[tuple[str, ...]]:
    """A header, then n, ARI, purity, exact (gold theme found) and recognised per subset."""
    rows: list[tuple[str, ...]] = [("subset", "n", "ari", "purity", "exact", "recognised")]
    for name, items in subsets(labelled):
        gold = [item.theme for item in items]
        guess = [predicted[item.idea.id] for item in items]
        exact = sum(g == p for g, p in zip(gold, guess, strict=True)) / len(items)
        recognised = sum(not p.startswith(FALLBACK_KEY) for p in guess) / len(items)
        ari, pure = adjusted_rand_index(gold, guess), purity(gold, guess)
        cells = (f"{ari:.3f}", f"{pure:.3f}", f"{exact:.3f}", f"{recognised:.3f}")
        rows.append((name, str(len(items)), *cells))
    return rows


def print_table(rows: list[tuple[str, ...]]) -> None:
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        print(
            "  ".join(
                cell.ljust(width) if i == 0 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            )
        )


def print_errors(labelled: list[Labelled], predicted: dict[int, str], limit: int) -> None:
    errors = [item for item in labelled if predicted[item.idea.id] != item.theme]
    print(f"errors: {len(errors)} (showing {min(limit, len(errors))})")
    for item in errors[:limit]:
        idea = item.idea
        print(
            f"  #{idea.id} [{idea.language} {item.split}] gold={item.theme} "
            f"got={predicted[idea.id]}: {idea.text}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="labelled JSONL file")
    parser.add_argument(
        "--show-errors",
        type=int,
        default=0,
        metavar="N",
        help="print N ideas whose theme is not their gold theme",
    )
    args = parser.parse_args()
    labelled = load(args.data)
    if not labelled:
        print(f"no labelled ideas in {args.data}")
        return 1
    predicted = {
        idea_id: theme.key
        for theme in group_themes(item.idea for item in labelled)
        for idea_id in theme.ideas
    }
    if args.show_errors:
        print_errors(labelled, predicted, args.show_errors)
    rows = score_rows(labelled, predicted)
    print_table(rows)
    total = rows[1]
    print(f"TOTAL ari={total[2]} purity={total[3]} n={total[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
