"""Every model, imported here so that Alembic and the app see the whole schema."""

from models.calendar import FeedOwner, FeedRevision, PrivateFeed
from models.collaboration import (
    CLOSED_TASK_STATUSES,
    ActivityAction,
    ActivityEntry,
    AppendOnly,
    ChecklistItem,
    Task,
    TaskStatus,
)
from models.comments import Comment, CommentMention, CommentRevision
from models.itinerary import ItineraryProposal, ProposalStatus, ProposalVisit
from models.jobs import FailedJob, RenderedDocument
from models.notifications import Follow, Notification, NotificationDigest
from models.release import RELEASE_NAME_MAX, Release, ReleaseDocument
from models.round_table import (
    ParticipantRole,
    RoundTable,
    RoundTableParticipant,
    StopSpeaker,
)
from models.speaker import Availability, AvailabilityKind, Speaker
from models.teams import INVITATION_VALIDITY, TeamInvitation, TeamMembership, hash_token
from models.territory import (
    Challenge,
    Organisation,
    Territory,
    TerritoryChallenge,
    TerritoryKind,
)
from models.tour import StopStatus, Tour, TourStop
from models.types import UTCDateTime, utc_now
from models.user import NotificationMode, Role, TeamRole, User, normalise_email, user_territories
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
    "CLOSED_TASK_STATUSES",
    "DEFAULT_VISIT_MINUTES",
    "INVITATION_VALIDITY",
    "RELEASE_NAME_MAX",
    "ActivityAction",
    "ActivityEntry",
    "AppendOnly",
    "Availability",
    "AvailabilityKind",
    "Blackout",
    "Challenge",
    "ChecklistItem",
    "Comment",
    "CommentMention",
    "CommentRevision",
    "DateOption",
    "FailedJob",
    "FeedOwner",
    "FeedRevision",
    "Follow",
    "ItineraryProposal",
    "MailStatus",
    "Notification",
    "NotificationDigest",
    "NotificationMode",
    "Organisation",
    "OutboxMail",
    "ParticipantRole",
    "PrivateFeed",
    "ProposalStatus",
    "ProposalVisit",
    "Registration",
    "RegistrationStatus",
    "Release",
    "ReleaseDocument",
    "RenderedDocument",
    "Role",
    "RoundTable",
    "RoundTableParticipant",
    "Speaker",
    "StopSpeaker",
    "StopStatus",
    "Task",
    "TaskStatus",
    "TeamInvitation",
    "TeamMembership",
    "TeamRole",
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
    "hash_token",
    "normalise_email",
    "user_territories",
    "utc_now",
    "workshop_facilitators",
    "workshop_territories",
]
