#!/usr/bin/env python3
"""Score vanban's text extraction of a legacy file against a checked transcript.

    .venv/bin/python scripts/score_text.py FILE TRANSCRIPT
    .venv/bin/python scripts/score_text.py --all        # the legacy files in corpus/real/

Reads FILE with ``read_legacy`` (LibreOffice + legacy-encoding conversion), joins the blocks
by newlines, aligns the text with the transcript (NFC, whitespace folded) and prints the
character accuracy and the diacritic accuracy, both as written ("exact") and ignoring case
("nocase"): runs in upper-case-only fonts (.VnTimeH) are printed in capitals, which some
transcripts record and some do not. See vanban.textscore for the definitions.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from vanban.parse.read.legacy import read_legacy
from vanban.textscore import document_text, score_text

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "corpus" / "real"
LEGACY_SUFFIXES = (".doc", ".rtf", ".odt")


def real_legacy_files() -> list[tuple[Path, Path]]:
    """(file, transcript) for every legacy file in corpus/real/ that has a *.groundtruth.txt."""
    pairs = []
    for f in sorted(REAL.iterdir()):
        gt = f.with_suffix(".groundtruth.txt")
        if f.suffix.lower() in LEGACY_SUFFIXES and gt.is_file():
            pairs.append((f, gt))
    return pairs


def score_one(path: Path, transcript: Path, *, caps_fonts: bool, normalized: bool) -> dict[str, float]:
    start = time.perf_counter()
    doc = read_legacy(str(path), path.read_bytes(), path.suffix.lower().lstrip("."), caps_fonts=caps_fonts)
    seconds = time.perf_counter() - start
    text = document_text(doc, normalized=normalized)
    ref = transcript.read_text(encoding="utf-8")
    exact = score_text(text, ref)
    nocase = score_text(text, ref, casefold=True)
    return {
        "chars": exact.chars,
        "diacritics": exact.diacritics,
        "char": exact.char_accuracy,
        "char_nocase": nocase.char_accuracy,
        "diac": exact.diacritic_accuracy,
        "diac_nocase": nocase.diacritic_accuracy,
        "seconds": seconds,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file", nargs="?", type=Path)
    ap.add_argument("transcript", nargs="?", type=Path)
    ap.add_argument("--all", action="store_true", help="score the legacy files of corpus/real/")
    ap.add_argument("--no-caps", action="store_true", help="keep the letters' case in .VnTimeH-style runs")
    ap.add_argument("--normalized", action="store_true", help="score the normalised block text, not the raw")
    args = ap.parse_args(argv)
    if args.all:
        pairs = real_legacy_files()
    elif args.file and args.transcript:
        pairs = [(args.file, args.transcript)]
    else:
        ap.error("give FILE and TRANSCRIPT, or --all")
    print(f"{'file':48} {'chars':>6} {'diacr':>5}  {'char':>7} {'nocase':>7}  {'diacr':>7} {'nocase':>7}  {'sec':>5}")
    for path, gt in pairs:
        r = score_one(path, gt, caps_fonts=not args.no_caps, normalized=args.normalized)
        print(
            f"{path.name[:48]:48} {r['chars']:6.0f} {r['diacritics']:5.0f}  {r['char']:7.2%} {r['char_nocase']:7.2%}"
            f"  {r['diac']:7.2%} {r['diac_nocase']:7.2%}  {r['seconds']:5.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
