"""A budget cycle's delivery in figures, for the read side: the delivery domain applies its own
rules (overdue, on time) and the dashboard only shows the answer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from delivery import service
from delivery.schemas import ProgressReport
from delivery.tables import DeliveryItem
from server import clock
from server.current_user import Viewer


async def _report(item: int, staff: Viewer, status: str, percent: int, tmp_path: Path) -> None:
    await service.report_progress(item, actor_id=staff.id, actor_name=staff.display_name, actor_role="council",
                                  report=ProgressReport(status, percent, 2_500, f"Now {status}.", False, ""),
                                  photo=None, upload_dir=tmp_path)


async def test_cycle_figures_follow_the_delivery_rules(item: int, staff: Viewer, tmp_path: Path) -> None:
    cycle = DeliveryItem.proposal.cycle.as_alias("cycle")
    cycle_id = (await DeliveryItem.select(cycle).where(DeliveryItem.id == item).first())["cycle"]
    today = clock.today()
    empty = (await service.cycle_delivery([cycle_id + 1000], today))[cycle_id + 1000]
    assert (empty.projects_funded, empty.allocated) == (0, 0)

    late = await service.add_milestone(item, actor_role="council", name="Lamps ordered",
                                       planned_date=today - dt.timedelta(days=3))
    figures = (await service.cycle_delivery([cycle_id], today))[cycle_id]
    assert (figures.projects_funded, figures.allocated, figures.overdue_items) == (1, 10_000, 1)
    assert figures.allocated_by_neighborhood == [("Riverside", 10_000)]

    await service.complete_milestone(item, late, actor_role="council", actual_date=today - dt.timedelta(days=1))
    await _report(item, staff, "in_progress", 50, tmp_path)
    await _report(item, staff, "completed", 100, tmp_path)
    figures = (await service.cycle_delivery([cycle_id], today))[cycle_id]
    assert (figures.projects_completed, figures.delivered, figures.spent) == (1, 10_000, 2_500)
    assert (figures.completed_on_time, figures.overdue_items) == (0, 0)  # reached, but two days late

    await service.complete_milestone(item, late, actor_role="council", actual_date=today - dt.timedelta(days=3))
    assert (await service.cycle_delivery([cycle_id], today))[cycle_id].completed_on_time == 1
