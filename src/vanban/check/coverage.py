"""Coverage of a catalogue by a plan: per indicator covered / partial / missing, and a report."""

from __future__ import annotations

import re
from collections.abc import Sequence

from vanban.catalogue import Catalogue
from vanban.check.match import STRONG, explicit_ids, match_record, target_index, targets
from vanban.model import (
    CheckReport,
    Coverage,
    CriterionStatus,
    Deadline,
    Finding,
    IndicatorStatus,
    Item,
    PlanRecord,
    SourceSpan,
)

_PERCENT = re.compile(r"(?<![\d,.])(\d{1,3}(?:[.,]\d+)?)\s*%")
_UNIT_NAMES = {"phuong": "phường", "thi-tran": "thị trấn", "xa": "xã"}


def vn_date(iso: str) -> str:
    """'2023-06-30' → '30/6/2023', '2023-03' → '3/2023' (as plans write dates)."""
    parts = [int(p) for p in iso.split("-")]
    return "/".join(str(p) for p in reversed(parts))


def _deadline_text(d: Deadline) -> str:
    if d.recurrence or not d.date:
        return d.text
    if d.start:
        return f"{vn_date(d.start)} – {vn_date(d.date)}"
    return vn_date(d.date)


def indicator_status(ind_id: str, crit: str, text: str, items: list[Item]) -> IndicatorStatus:
    """The status of one catalogue entry (an indicator, or a criterion without known indicators)."""
    strong = [it for it in items if it.match is not None and not it.match.review]
    if not strong:
        weak = sorted(items, key=lambda it: -(it.match.score if it.match else 0))[:1]
        return IndicatorStatus(
            id=ind_id,
            criterion=crit,
            text=text,
            status="missing",
            items=tuple(it.id for it in weak),
            problems=("chưa có nội dung nào trong kế hoạch",),
            score=weak[0].match.score if weak and weak[0].match else None,
            review=bool(weak),
            sources=tuple(it.source for it in weak),
        )
    leads = tuple(dict.fromkeys(u for it in strong for u in it.leads))
    named = " ".join((*leads, *(u for it in strong for u in it.responsible)))
    owners = tuple(
        dict.fromkeys(
            (
                *(u for it in strong for u in it.responsible),
                *(p.name for it in strong for p in it.people if p.name not in named),
            )
        )
    )
    deadlines = tuple(dict.fromkeys(_deadline_text(it.deadline) for it in strong if it.deadline))
    problems = []
    if not owners and not leads:
        problems.append("chưa có người, đơn vị phụ trách")
    if not deadlines:
        problems.append("chưa có thời hạn")
    best = max(it.match.score for it in strong if it.match is not None)
    return IndicatorStatus(
        id=ind_id,
        criterion=crit,
        text=text,
        status="partial" if problems else "covered",
        items=tuple(it.id for it in strong),
        responsible=owners,
        leads=leads,
        deadlines=deadlines,
        problems=tuple(problems),
        score=best,
        review=best < STRONG + 5,
        sources=tuple(it.source for it in strong),
    )


def stated_target(text: str, unit: str) -> float | None:
    """The percentage a plan sets for its unit type: the one written 'đối với <unit>' if the
    text gives several, else the first one."""
    name = _UNIT_NAMES.get(unit, unit)
    for m in re.finditer(r"(\d{1,3}(?:[.,]\d+)?)\s*%[^%]{0,40}?đối với\s+([^),;]+)", text):
        if m.group(2).strip().lower().startswith(name):
            return float(m.group(1).replace(",", "."))
    first = _PERCENT.search(text)
    return float(first.group(1).replace(",", ".")) if first else None


def _with_mentions(
    statuses: list[IndicatorStatus], cat: Catalogue, mentions: Sequence[tuple[str, SourceSpan]]
) -> list[IndicatorStatus]:
    """Missing entries that a body sentence restates become partial (see :func:`mention_status`).
    Every long enough sentence is scored against every entry's own text in one go."""
    missing = [k for k, st in enumerate(statuses) if st.status == "missing"]
    sentences = [(text, span) for text, span in mentions if len(text) >= 25]
    if not missing or not sentences:
        return statuses
    index = target_index(cat)
    column = {t.id: k for k, t in enumerate(index.targets)}
    # Sentences that cannot reach MENTION with an entry are not scored against it (left at 0).
    wanted = [column[statuses[k].id] for k in missing]
    scores = index.first_text_scores([text for text, _ in sentences], wanted, floor=MENTION)
    out = list(statuses)
    for n, k in enumerate(missing):
        col = scores[:, n]
        best = int(col.argmax())  # the first of equal bests, as a sentence-by-sentence scan finds
        out[k] = mention_status(statuses[k], float(col[best]), sentences[best][1]) or statuses[k]
    return out


def threshold_findings(cat: Catalogue, record: PlanRecord, unit: str | None) -> list[Finding]:
    """Stated targets below the catalogue's threshold for the unit type (6.1 at 70 % in a phường)."""
    out: list[Finding] = []
    if unit is None:
        return out
    for it in record.items:
        if not it.indicator or it.match is None or it.match.review:
            continue
        ind = cat.indicator(it.indicator)
        th = ind.thresholds.get(unit)  # type: ignore[call-overload]
        if th is None or th.unit != "%" or th.op not in (">=", ">"):
            continue
        value = stated_target(it.text, unit)
        if value is not None:
            if value < th.value:
                out.append(
                    Finding(
                        code="F001",
                        indicator=ind.id,
                        message=(
                            f"Nội dung {ind.id}: chỉ tiêu kế hoạch đặt {value:g}% thấp hơn mức {th.op} {th.value:g}% "
                            f"mà bộ tiêu chí quy định cho {_UNIT_NAMES.get(unit, unit)}."
                        ),
                        source=it.source,
                    )
                )
    return out


MENTION = 78.0  # a body sentence this close to an indicator restates it


def mention_status(status: IndicatorStatus, score: float, span: SourceSpan) -> IndicatorStatus | None:
    """An indicator no task covers, but that a body sentence restates ('100% tuyến đường, phố, ngõ
    được lắp đặt hệ thống chiếu sáng'): partial coverage, with no one assigned and no deadline.
    ``score`` is the best sentence's :func:`~vanban.check.match.text_score` against the
    indicator's text, ``span`` where that sentence is."""
    if score < MENTION:
        return None
    return IndicatorStatus(
        id=status.id,
        criterion=status.criterion,
        text=status.text,
        status="partial",
        problems=("chỉ được nêu trong phần nội dung", "chưa có người, đơn vị phụ trách", "chưa có thời hạn"),
        score=round(score, 1),
        review=score < MENTION + 8,
        sources=(span,),
    )


def check_record(
    record: PlanRecord,
    cat: Catalogue,
    unit: str | None,
    detected: bool,
    mentions: Sequence[tuple[str, SourceSpan]] = (),
) -> tuple[PlanRecord, CheckReport]:
    """Match, then judge every indicator; returns the enriched record and the report.

    ``mentions`` are body sentences that belong to no task; they can show an indicator is at
    least named (partial) when no task covers it.
    """
    matched = match_record(record, cat)
    sections = {s.path: s.title for s in matched.sections}
    target_ids = {t.id for t in targets(cat)}
    by_target: dict[str, list[Item]] = {}
    for it in matched.items:
        if it.match is None:
            continue
        key = it.indicator or it.criterion or ""
        by_target.setdefault(key, []).append(it)
        # An item that names further indicators outright ("Tiêu chí 14.2 và 14.3") covers them too.
        if not it.match.review:
            head = sections.get(it.section, "")
            for other in explicit_ids(f"{head} {it.text[:200]}"):
                if other != key and other in target_ids:
                    by_target.setdefault(other, []).append(it)
    entries = [(c.id, [(i.id, i.text) for i in c.indicators] or [(c.id, c.name)]) for c in cat.criteria]
    flat = [indicator_status(eid, cid, text, by_target.get(eid, [])) for cid, es in entries for eid, text in es]
    flat = _with_mentions(flat, cat, mentions)
    criteria: list[CriterionStatus] = []
    pos = 0
    for c, (_cid, es) in zip(cat.criteria, entries, strict=True):
        statuses = tuple(flat[pos : pos + len(es)])
        pos += len(es)
        kinds = {s.status for s in statuses}
        status = "covered" if kinds <= {"covered"} else "missing" if kinds == {"missing"} else "partial"
        criteria.append(CriterionStatus(id=c.id, name=c.name, status=status, indicators=statuses))
    all_ind = [s for c in criteria for s in c.indicators]
    covered = [s.id for s in all_ind if s.status == "covered"]
    partial = [s.id for s in all_ind if s.status == "partial"]
    missing = [s.id for s in all_ind if s.status == "missing"]
    no_deadline = sum("chưa có thời hạn" in s.problems for s in all_ind)
    no_owner = sum("chưa có người, đơn vị phụ trách" in s.problems for s in all_ind)
    crit_ok = sum(c.status == "covered" for c in criteria)
    crit_total = len(criteria)
    summary = f"Đạt {crit_ok}/{crit_total} tiêu chí, {len(covered)}/{len(all_ind)} nội dung"
    extras = []
    if missing:
        extras.append(f"{len(missing)} nội dung chưa có trong kế hoạch")
    if no_owner:
        extras.append(f"{no_owner} nội dung chưa có người phụ trách")
    if no_deadline:
        extras.append(f"{no_deadline} nội dung chưa có thời hạn")
    if extras:
        summary += "; " + "; ".join(extras)
    coverage = Coverage(catalogue=cat.id, covered=tuple(covered), partial=tuple(partial), missing=tuple(missing))
    enriched = matched.model_copy(update={"coverage": coverage})
    report = CheckReport(
        source=record.source,
        catalogue=cat.id,
        catalogue_title=cat.title,
        decision=cat.decision,
        catalogue_detected=detected,
        unit_type=unit,
        criteria=tuple(criteria),
        criteria_total=crit_total,
        criteria_covered=crit_ok,
        indicators_total=len(all_ind),
        indicators_covered=len(covered),
        partial=len(partial),
        missing=len(missing),
        no_deadline=no_deadline,
        no_owner=no_owner,
        summary=summary,
        findings=tuple(threshold_findings(cat, enriched, unit)),
    )
    return enriched, report
