"""The proof that renews a participant's private feed link: signed, expiring, valid once,
and only for a participant's link."""

import time

from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from extensions import db
from models import Speaker
from services.calendar import private_feeds


def test_renewal_proof_names_the_link_until_it_is_regenerated(app, world):
    with app.test_request_context():
        link = private_feeds.participant_feed_link("camille@example.org")
        proof = private_feeds.renewal_proof(link)
        assert link.token not in proof  # readable once decoded: it must not carry the token
        assert private_feeds.link_to_renew(proof) is link
        private_feeds.regenerate(link)
        assert private_feeds.link_to_renew(proof) is None


def test_renewal_proof_refuses_a_tampered_or_foreign_proof(app, world):
    with app.test_request_context():
        link = private_feeds.participant_feed_link("camille@example.org")
        proof = private_feeds.renewal_proof(link)
        tampered = proof[:-2] + ("AA" if not proof.endswith("AA") else "BB")
        other_key = URLSafeTimedSerializer("another-key", salt="participant-feed-renewal")
        for bad in ("", "x" * 500, tampered, other_key.dumps([link.id, "0" * 32])):
            assert private_feeds.link_to_renew(bad) is None, bad


def test_renewal_proof_refuses_a_speakers_or_organisers_link(app, world):
    with app.test_request_context():
        speaker = Speaker(name="Christophe Itier")
        db.session.add(speaker)
        db.session.flush()
        assert speaker.private_feed is not None
        proof = private_feeds.renewal_proof(speaker.private_feed)
        assert private_feeds.link_to_renew(proof) is None


class _Yesterday(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - int(private_feeds.RENEWAL_MAX_AGE.total_seconds()) - 60


def test_renewal_proof_expires(app, world):
    with app.test_request_context():
        link = private_feeds.participant_feed_link("camille@example.org")
        fresh = private_feeds.renewal_proof(link)
        fingerprint = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt="participant-feed-renewal"
        ).loads(fresh)[1]
        old = URLSafeTimedSerializer(
            app.config["SECRET_KEY"], salt="participant-feed-renewal", signer=_Yesterday
        ).dumps([link.id, fingerprint])
        assert private_feeds.link_to_renew(old) is None
        assert private_feeds.link_to_renew(fresh) is link
