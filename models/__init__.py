"""Every model, imported here so that Alembic and the app see the whole schema."""

from models.calendar import FeedOwner, FeedRevision, PrivateFeed
from models.itinerary import ItineraryProposal, ProposalStatus, ProposalVisit
from models.round_table import (
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    StopSpeaker,
)
from models.speaker import Availability, AvailabilityKind, Speaker
from models.territory import (
    Challenge,
    Organisation,
    Territory,
    TerritoryChallenge,
    TerritoryKind,
)
from models.tour import StopStatus, Tour, TourStop
from models.types import UTCDateTime, utc_now
from models.user import Role, User, normalise_email, user_territories
from models.wishes import (
    DEFAULT_VISIT_MINUTES,
    Blackout,
    DateOption,
    VisitDuration,
)
from models.workshop import (
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
    "DEFAULT_VISIT_MINUTES",
    "Availability",
    "AvailabilityKind",
    "Blackout",
    "Challenge",
    "DateOption",
    "FeedOwner",
    "FeedRevision",
    "ItineraryProposal",
    "MailStatus",
    "Organisation",
    "OutboxMail",
    "ParticipantRole",
    "PrivateFeed",
    "ProposalStatus",
    "ProposalVisit",
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
    "VisitDuration",
    "Workshop",
    "WorkshopStatus",
    "normalise_email",
    "user_territories",
    "utc_now",
    "workshop_facilitators",
    "workshop_territories",
]
