"""The data model, split by aggregate. Import models from here."""

from silkmeet.models.accounts import ConferenceOrganiser
from silkmeet.models.accounts import LoginFailure
from silkmeet.models.accounts import Organiser
from silkmeet.models.agenda import AgendaItem
from silkmeet.models.agenda import AgendaItemSpeaker
from silkmeet.models.conference import Conference
from silkmeet.models.conference import ConferenceHost
from silkmeet.models.conference import ConferenceSlugAlias
from silkmeet.models.conference import Organisation
from silkmeet.models.outbox import OutboxMessage
from silkmeet.models.outbox import ReminderSent
from silkmeet.models.people import Participation
from silkmeet.models.people import PeopleImport
from silkmeet.models.people import Person
from silkmeet.models.runofshow import RunOfShowPrint

# Registers the session hooks that raise Conference.content_version.
from silkmeet.models import versioning  # noqa: E402, F401  isort: skip

__all__ = [
    "AgendaItem",
    "AgendaItemSpeaker",
    "Conference",
    "ConferenceHost",
    "ConferenceOrganiser",
    "ConferenceSlugAlias",
    "LoginFailure",
    "Organisation",
    "Organiser",
    "OutboxMessage",
    "Participation",
    "PeopleImport",
    "Person",
    "ReminderSent",
    "RunOfShowPrint",
]
