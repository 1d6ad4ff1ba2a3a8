"""The optimiser's draft plans (propositions d’itinéraire): what it proposed, from which
inputs, and which of its visits became draft stops."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.territory import Territory
from models.tour import Tour
from models.types import LabelledEnum, UTCDateTime, text_enum, utc_now
from models.user import User


class ProposalStatus(LabelledEnum):
    DRAFT = "draft", _l("Brouillon")
    ACCEPTED = "accepted", _l("Acceptée")
    SUPERSEDED = "superseded", _l("Remplacée")


class ItineraryProposal(Model):
    __tablename__ = "itinerary_proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    tour_id: Mapped[int] = mapped_column(ForeignKey("tours.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utc_now)
    status: Mapped[ProposalStatus] = mapped_column(
        text_enum(ProposalStatus, 20), default=ProposalStatus.DRAFT
    )
    solver_status: Mapped[str] = mapped_column(String(20))
    gap: Mapped[float | None] = mapped_column(Float)
    total_km: Mapped[float] = mapped_column(Float, default=0.0)
    travel_hours: Mapped[float] = mapped_column(Float, default=0.0)
    # One French sentence a line, when no plan fits.
    conflicts: Mapped[str] = mapped_column(Text, default="")
    # Territories the coordinator left out of this run, comma-separated ids.
    excluded: Mapped[str] = mapped_column(Text, default="")
    # A digest of the stops (id, version, status) and wishes it was computed from.
    fingerprint: Mapped[str] = mapped_column(String(64))

    tour: Mapped[Tour] = relationship()
    created_by: Mapped[User | None] = relationship()
    visits: Mapped[list["ProposalVisit"]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", order_by="ProposalVisit.starts_at"
    )

    @property
    def conflict_list(self) -> list[str]:
        return [line for line in self.conflicts.splitlines() if line.strip()]

    @property
    def excluded_ids(self) -> set[int]:
        return {int(x) for x in self.excluded.split(",") if x.strip().isdigit()}


class ProposalVisit(Model):
    __tablename__ = "proposal_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("itinerary_proposals.id", ondelete="CASCADE"), index=True
    )
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    option_rank: Mapped[int | None]
    pinned: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text, default="")
    accepted_stop_id: Mapped[int | None] = mapped_column(
        ForeignKey("tour_stops.id", ondelete="SET NULL")
    )

    proposal: Mapped[ItineraryProposal] = relationship(back_populates="visits")
    territory: Mapped[Territory] = relationship()
