"""Units and people inside assignment texts.

``split_units("Công an, Tư Pháp, Văn hóa, MTTQ và các đoàn thể")`` → five units;
``people_in("Đ/c Đông CT UBND")`` → Đông, position 'CT UBND'.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from vanban.model import Person
from vanban.parse.vocab import surname_set, vocab

# "và" splits only before "các/những" ("MTTQ và các đoàn thể"): before a capital it is part of
# an agency name ("Sở Nông nghiệp và Môi trường", "Bộ Giáo dục và Đào tạo").
_SPLIT = re.compile(
    r"(\s*(?:[,;\n]|\.\s+|\s+và\s+(?=(?:các|những|UBND|UBMTTQ|MTTQ|Ủy ban)\b)|\s+-\s+(?=[-+])|^[-+•]\s*)\s*)"
)
_TRAILING = re.compile(r"[\s.;,:]+$")


@cache
def _address_rx() -> re.Pattern[str]:
    forms = "|".join(re.escape(f) for f in sorted(vocab().address_forms, key=len, reverse=True))
    positions = "|".join(re.escape(p) for p in sorted(vocab().position_words, key=len, reverse=True))
    return re.compile(
        rf"(?:(?<=\W)|^)(?:{forms})\.?\s*(?P<name>[A-ZĐÀ-Ỹ][a-zà-ỹđ]+(?:\s+[A-ZĐÀ-Ỹ][a-zà-ỹđ]+){{0,3}}?)"
        rf"(?:\s+(?P<position>(?:{positions})\b[^,;()]*?))?(?=\s*(?:[,;()]|$|\s+(?:và|cùng)\s))"
    )


def split_units(text: str) -> list[str]:
    """Split a list of units on commas, semicolons, sentence breaks and 'và' before a new unit.

    A part that starts with a descriptor ('phụ trách …') stays with the part before it, and so
    does a part joined to such a description by 'và'.
    """
    return list(_split_units(text))


@lru_cache(maxsize=8192)
def _split_units(text: str) -> tuple[str, ...]:
    pieces = _SPLIT.split(text)
    parts: list[str] = []
    glued = False
    descriptors = tuple(vocab().unit_descriptors)
    for i in range(0, len(pieces), 2):
        part = pieces[i]
        sep = pieces[i - 1] if i else ""
        # "Các Sở, ban, ngành", "UBND các xã, phường": one or two lower-case words after a comma
        # finish an enumeration inside one unit.
        tail = sep.strip() == "," and part[:1].islower() and len(part.split()) <= 2 and not part.startswith("các")
        if parts and (part.lower().startswith(descriptors) or (glued and sep.strip() == "và")):
            parts[-1] += sep + part
            glued = True
            continue
        if parts and tail:
            parts[-1] += sep + part
            continue
        glued = False
        parts.append(part)
    cleaned = [_TRAILING.sub("", p).strip(" -+•") for p in parts]
    return tuple(p for p in cleaned if p and any(c.isalpha() for c in p))


def is_person_name(text: str) -> bool:
    """'Nguyễn Hoàng Phương' yes; 'Văn hóa – Y tế', 'Công an phường' no."""
    words = text.split()
    return 2 <= len(words) <= 5 and words[0] in surname_set() and all(w[:1].isupper() for w in words)


def people_in(text: str) -> list[Person]:
    """People named in ``text``: 'Đ/c Đông CT UBND', '(đ/c Tư)', or full names."""
    found: list[Person] = []
    for m in _address_rx().finditer(text):
        pos = (m.group("position") or "").strip() or None
        found.append(Person(name=m.group("name"), position=pos))
    if not found:
        for part in split_units(text):
            if is_person_name(part):
                found.append(Person(name=part))
    return found


_NAME_POSITION = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<position>[^()]+)\)$")


def named_people(text: str) -> list[Person]:
    """'Nguyễn Hoàng Chương (CCĐC - XD); Vũ Thị Tư' → people with their positions."""
    out: list[Person] = []
    for part in re.split(r"\s*[;\n]\s*", text.strip().rstrip(".")):
        m = _NAME_POSITION.match(part.strip())
        name, pos = (m.group("name").strip(), m.group("position").strip()) if m else (part.strip(), None)
        if name:
            out.append(Person(name=name, position=pos))
    return out
