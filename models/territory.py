"""Territories, the organisations of their collectives, and the challenges they work on."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import Model
from models.types import LabelledEnum, UTCDateTime, text_enum, utc_now


class TerritoryKind(LabelledEnum):
    REGION = "region", _l("Région")
    METROPOLIS = "metropole", _l("Métropole")
    TOWN = "ville", _l("Ville")
    OVERSEAS_DEPARTMENT = "departement_outre_mer", _l("Département d’outre-mer")
    PUBLIC_TERRITORIAL_BODY = (
        "etablissement_public_territorial",
        _l("Établissement public territorial"),
    )
    INTERMUNICIPALITY = "pays_intercommunalite", _l("Pays / intercommunalité")
    CLUSTER = "cluster", _l("Cluster")


MAINLAND_ZONE = "Europe/Paris"


class Territory(Model):
    __tablename__ = "territories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[TerritoryKind | None] = mapped_column(text_enum(TerritoryKind, 40))
    region: Mapped[str] = mapped_column(String(100), default="")
    timezone: Mapped[str] = mapped_column(String(64), default=MAINLAND_ZONE)
    # Subdivision code of the `holidays` library's France calendar ("976" Mayotte,
    # "6AE" Alsace, "57" Moselle); empty for the national calendar.
    holiday_subdivision: Mapped[str | None] = mapped_column(String(8))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    collective_presentation: Mapped[str] = mapped_column(Text, default="")
    # What the API's updated_since filter reads (nullable: see its migration).
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now
    )

    organisations: Mapped[list["Organisation"]] = relationship(
        back_populates="territory", cascade="all, delete-orphan", order_by="Organisation.position"
    )
    challenge_links: Mapped[list["TerritoryChallenge"]] = relationship(
        back_populates="territory", cascade="all, delete-orphan"
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def coordinates(self) -> tuple[float, float] | None:
        """Where the territory is on the map (its main town), when known."""
        if self.latitude is None or self.longitude is None:
            return None
        return (self.latitude, self.longitude)

    @property
    def is_overseas(self) -> bool:
        return self.kind == TerritoryKind.OVERSEAS_DEPARTMENT or self.timezone != MAINLAND_ZONE

    @property
    def kind_label(self) -> str:
        return self.kind.label if self.kind else ""

    @property
    def challenges(self) -> list["Challenge"]:
        return sorted((link.challenge for link in self.challenge_links), key=lambda c: c.name)

    def __repr__(self) -> str:
        return f"<Territory {self.slug}>"


class Organisation(Model):
    """A member of a territory's collective (structure)."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("territory_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(ForeignKey("territories.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # Its part in the collective as the sources word it, e.g. "chef de file".
    role: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(default=0)

    territory: Mapped[Territory] = relationship(back_populates="organisations")


class Challenge(Model):
    """A social or environmental challenge (défi) that territories share."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=utc_now, onupdate=utc_now
    )

    territory_links: Mapped[list["TerritoryChallenge"]] = relationship(
        back_populates="challenge", cascade="all, delete-orphan"
    )

    @property
    def territories(self) -> list[Territory]:
        return sorted((link.territory for link in self.territory_links), key=lambda t: t.name)


class TerritoryChallenge(Model):
    """A territory takes up a challenge, in its own words."""

    __tablename__ = "territory_challenges"

    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True
    )
    challenge_id: Mapped[int] = mapped_column(
        ForeignKey("challenges.id", ondelete="CASCADE"), primary_key=True
    )
    wording: Mapped[str] = mapped_column(Text, default="")

    territory: Mapped[Territory] = relationship(back_populates="challenge_links")
    challenge: Mapped[Challenge] = relationship(back_populates="territory_links")
