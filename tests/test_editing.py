"""The optimistic-lock helper: an edit from an old version is refused, a lost race too."""

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from extensions import db
from models import Speaker
from services.editing import ensure_version, flush_or_conflict
from services.errors import EditConflict


def test_ensure_version_lets_the_current_version_through_without_building_the_message(app):
    built = []
    ensure_version(3, 3, lambda: built.append("message") or "message")
    assert built == []


@pytest.mark.parametrize("expected", [2, None])
def test_ensure_version_refuses_another_version_with_the_message(app, expected):
    with pytest.raises(EditConflict) as refused:
        ensure_version(expected, 3, lambda: "Modifiée entre-temps.")
    assert refused.value.message == "Modifiée entre-temps."
    assert str(refused.value) == "Modifiée entre-temps."


def test_flush_or_conflict_flushes_an_edit_of_the_current_row(app):
    with app.app_context():
        speaker = Speaker(name="Christophe Itier")
        db.session.add(speaker)
        db.session.commit()
        speaker.title = "Haut-commissaire"
        flush_or_conflict(lambda: "refusé")
        assert speaker.version == 2


def test_flush_or_conflict_turns_a_lost_race_into_edit_conflict(app, database_url):
    engine = create_engine(database_url)
    with app.app_context():
        speaker = Speaker(name="Christophe Itier")
        db.session.add(speaker)
        db.session.commit()
        speaker_id = speaker.id
        speaker = db.session.get(Speaker, speaker_id)  # read at version 1
        assert speaker.version == 1
        with Session(engine) as other:
            other.get(Speaker, speaker_id).title = "Premier arrivé"
            other.commit()
        speaker.title = "Second"
        with pytest.raises(EditConflict) as refused:
            flush_or_conflict(lambda: "Modifiée par quelqu’un d’autre.")
        assert refused.value.message == "Modifiée par quelqu’un d’autre."
        db.session.rollback()
        assert db.session.get(Speaker, speaker_id).title == "Premier arrivé"
    engine.dispose()
