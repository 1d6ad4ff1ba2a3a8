"""Every model, imported here so that Alembic and the app see the whole schema."""

from models.calendar import FeedOwner, FeedRevision, PrivateFeed
from models.round_table import (
    PARTICIPANT_ROLE_LABELS,
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    StopSpeaker,
)
from models.speaker import AVAILABILITY_LABELS, Availability, AvailabilityKind, Speaker
from models.territory import (
    TERRITORY_KIND_LABELS,
    Challenge,
    Organisation,
    Territory,
    TerritoryChallenge,
    TerritoryKind,
)
from models.tour import STOP_STATUS_LABELS, StopStatus, Tour, TourStop
from models.types import UTCDateTime, utc_now
from models.user import ROLE_LABELS, Role, User, normalise_email, user_territories
from models.workshop import (
    REGISTRATION_STATUS_LABELS,
    WORKSHOP_STATUS_LABELS,
    MailStatus,
    OutboxMail,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopStatus,
    workshop_facilitators,
    workshop_territories,
)

__all__ = [
    "AVAILABILITY_LABELS",
    "PARTICIPANT_ROLE_LABELS",
    "REGISTRATION_STATUS_LABELS",
    "ROLE_LABELS",
    "STOP_STATUS_LABELS",
    "TERRITORY_KIND_LABELS",
    "WORKSHOP_STATUS_LABELS",
    "Availability",
    "AvailabilityKind",
    "Challenge",
    "FeedOwner",
    "FeedRevision",
    "MailStatus",
    "Organisation",
    "OutboxMail",
    "ParticipantRole",
    "PrivateFeed",
    "Registration",
    "RegistrationStatus",
    "Role",
    "RoundTable",
    "RoundTableParticipant",
    "Speaker",
    "StopSpeaker",
    "StopStatus",
    "Territory",
    "TerritoryChallenge",
    "TerritoryKind",
    "Tour",
    "TourStop",
    "UTCDateTime",
    "User",
    "Workshop",
    "WorkshopStatus",
    "normalise_email",
    "user_territories",
    "utc_now",
    "workshop_facilitators",
    "workshop_territories",
]
