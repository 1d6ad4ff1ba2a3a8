"""Working together on a tour: the activity log, the checklist template and the tasks."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.types import LabelledEnum, UTCDateTime, text_enum, utc_now

if TYPE_CHECKING:
    from models.tour import Tour, TourStop
    from models.user import User


class ActivityAction(LabelledEnum):
    CREATED = "created", _l("création")
    UPDATED = "updated", _l("modification")
    DELETED = "deleted", _l("suppression")


class AppendOnly(Exception):
    """The activity log is never rewritten: no UPDATE or DELETE of an entry through the ORM."""


class ActivityEntry(Model):
    """One change made through a service: who, when, what object, which fields from which
    value to which value. Written in the same flush as the change (services/collaboration/
    activity.py); never edited nor deleted."""

    __tablename__ = "activity_entries"
    __table_args__ = (
        Index("ix_activity_entries_tour_at", "tour_id", "at"),
        Index("ix_activity_entries_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Scope, to filter a tour's or a territory's feed (kept when the row is gone).
    tour_id: Mapped[int | None] = mapped_column(ForeignKey("tours.id", ondelete="SET NULL"))
    territory_id: Mapped[int | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL"), index=True
    )
    # What changed: its kind ("stop", "task"…), id and a label read when it happened.
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    object_label: Mapped[str] = mapped_column(String(300), default="")
    # The stop or workshop the object belongs to (a round table's stop, a registration's
    # workshop), for their own feeds. Plain numbers: the entry outlives the rows.
    stop_id: Mapped[int | None] = mapped_column(index=True)
    workshop_id: Mapped[int | None] = mapped_column(index=True)
    action: Mapped[ActivityAction] = mapped_column(text_enum(ActivityAction, 20))
    # {field: [before, after]}, JSON-safe (instants in ISO 8601, enums by value).
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped["User | None"] = relationship()

    def __repr__(self) -> str:
        return f"<ActivityEntry {self.action} {self.object_type} {self.object_id}>"


@event.listens_for(ActivityEntry, "before_update")
def _refuse_update(_mapper, _connection, _target) -> None:
    raise AppendOnly("activity entries are never changed")


@event.listens_for(ActivityEntry, "before_delete")
def _refuse_delete(_mapper, _connection, _target) -> None:
    raise AppendOnly("activity entries are never deleted")


class TaskStatus(LabelledEnum):
    TODO = "todo", _l("À faire")
    IN_PROGRESS = "in_progress", _l("En cours")
    DONE = "done", _l("Fait")
    NOT_APPLICABLE = "not_applicable", _l("Sans objet")


# Finished: counted as done in a stop's progress, never overdue.
CLOSED_TASK_STATUSES = (TaskStatus.DONE, TaskStatus.NOT_APPLICABLE)


class ChecklistItem(Model):
    """One line of a tour's checklist template: every new stop of the tour gets it as a task,
    due `due_offset_days` days before the stop (30: J-30)."""

    __tablename__ = "checklist_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    due_offset_days: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    tour: Mapped["Tour"] = relationship()


class Task(Model):
    """A preparation item of a stop: an owner, a due date, a status, notes."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    stop_id: Mapped[int] = mapped_column(
        ForeignKey("tour_stops.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_date: Mapped[date | None]
    status: Mapped[TaskStatus] = mapped_column(text_enum(TaskStatus, 20), default=TaskStatus.TODO)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Days before the stop, when the due date came from the checklist: it then follows the
    # stop when the stop moves. None once someone sets the date by hand.
    from_template_offset: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)

    stop: Mapped["TourStop"] = relationship(back_populates="tasks")
    owner: Mapped["User | None"] = relationship()

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_TASK_STATUSES

    def is_overdue(self, today: date) -> bool:
        return not self.is_closed and self.due_date is not None and self.due_date < today

    @property
    def status_label(self) -> str:
        return self.status.label
