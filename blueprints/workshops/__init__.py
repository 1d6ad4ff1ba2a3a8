"""Public workshop pages: the list, a workshop with its registration form, a participant's
own registration page (reached with their private link), the renewal of their calendar link
(reached from a mail), the privacy notice.

A registration's link proves only that one holds the registration, not the address: anyone
may register with anyone's address. So its page shows that registration alone; the link to
the calendar of all the address's workshops travels only by mail, and is renewed only from
a mail."""

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt
from blueprints.workshops.forms import LostLinkForm, RegistrationForm
from extensions import db, limiter
from models import Challenge, Territory
from services.calendar.feed_items import online_link_for
from services.calendar.private_feeds import link_to_renew, regenerate
from services.local_time import today_in_france
from services.permissions import can_see_drafts
from services.planning import tours
from services.registration import registrations as registering
from services.registration.workshops import public_workshops, workshop_for
from services.urls import absolute_url

bp = Blueprint("workshops", __name__)

# Pages that carry a private link: kept out of shared caches and browser history caches.
PRIVATE_PAGE_HEADERS = {"Cache-Control": "private, no-store"}


def _filter(model, slug_name: str, label: str):
    slug = request.args.get(slug_name, "").strip()
    if not slug:
        return None
    found = db.session.scalar(db.select(model).where(model.slug == slug))
    if found is None:
        abort(400, description=_("%(what)s inconnu : choisissez dans la liste.", what=label))
    return found


@bp.get("/workshops/")
def index():
    challenge = _filter(Challenge, "defi", _("Défi"))
    territory = _filter(Territory, "territoire", _("Territoire"))
    workshops = public_workshops(challenge, territory)
    feed_url = feed_name = None
    if challenge is not None:
        feed_url = absolute_url("calendar.challenge", slug=challenge.slug)
        feed_name = _("Défi : %(name)s", name=challenge.name)
    elif territory is not None:
        feed_url, feed_name = (
            absolute_url("calendar.territory", slug=territory.slug),
            territory.name,
        )
    elif (tour := tours.current_tour(today_in_france())) is not None:
        feed_url, feed_name = absolute_url("calendar.tour", slug=tour.slug), tour.title
    return render_template(
        "workshops/index.html",
        workshops=workshops,
        seats_left=registering.seats_left_by_workshop(workshops),
        challenges=tours.all_challenges(),
        territories=tours.all_territories(),
        challenge=challenge,
        territory=territory,
        feed_url=feed_url,
        feed_name=feed_name,
    )


def _registration_form() -> RegistrationForm:
    form = RegistrationForm()
    form.territory_id.choices = [SelectChoice("", _("— Aucun —"))] + [
        SelectChoice(t.id, t.name) for t in tours.all_territories()
    ]
    return form


def _render_workshop(workshop, form, status=200, refusal=None):
    now = datetime.now(UTC)
    return (
        render_template(
            "workshops/detail.html",
            workshop=workshop,
            form=form,
            refusal=refusal,
            closed_reason=registering.registration_problem(workshop, now),
            seats_left=registering.seats_left(workshop),
            waiting=len(registering.waitlist(workshop)),
            feed_url=(
                absolute_url("calendar.workshop", workshop_id=workshop.id)
                if workshop.is_public
                else None
            ),
        ),
        status,
    )


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


def _per_workshop_limit() -> str:
    return current_app.config["REGISTRATION_PER_WORKSHOP_LIMIT"]


def _address_and_workshop() -> str:
    """One address's registrations to one workshop: a colleague or ten may register from an
    office, one address cannot take every seat with invented e-mails."""
    workshop_id = (request.view_args or {}).get("workshop_id")
    return f"registration:{get_remote_address()}:{workshop_id}"


@bp.route("/workshops/<int:workshop_id>", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
@limiter.limit(_per_workshop_limit, methods=["POST"], key_func=_address_and_workshop)
def detail(workshop_id: int):
    workshop = workshop_for(workshop_id, include_drafts=can_see_drafts(current_user)) or abort(404)
    form = _registration_form()
    if request.method == "GET":
        return _render_workshop(workshop, form)
    if not form.validate():
        return _render_workshop(workshop, form, 400)
    locale = str(get_locale() or "fr")[:2]
    registration = attempt(
        lambda: registering.register(workshop.id, form.to_fields(locale), datetime.now(UTC)), form
    )
    if isinstance(registration, Refusal):
        refusal = registration.message if registration.status == 409 else None
        return _render_workshop(
            workshop_for(workshop_id, True), form, registration.status, refusal=refusal
        )
    if registration.status == registering.CONFIRMED:
        flash(
            _("Votre inscription est confirmée. Un e-mail de confirmation est en route."), "success"
        )
    else:
        flash(_("L’atelier est complet : vous êtes sur la liste d’attente."), "info")
    return redirect(url_for("workshops.registration", token=registration.token))


def _registration_or_404(token: str):
    return registering.registration_by_token(token) or abort(404)


@bp.get("/registrations/<token>")
def registration(token: str):
    registration = _registration_or_404(token)
    page = render_template(
        "workshops/registration.html",
        registration=registration,
        workshop=registration.workshop,
        position=registering.waitlist_position(registration),
        online_url=online_link_for(registration),
        reopen_problem=registering.registration_problem(registration.workshop, datetime.now(UTC)),
        page_url=absolute_url("workshops.registration", token=token),
    )
    return page, 200, PRIVATE_PAGE_HEADERS


@bp.post("/registrations/<token>/calendar/new-link")
@limiter.limit(_registration_limit)
def request_calendar_link(token: str):
    registration = _registration_or_404(token)
    registering.send_calendar_renewal(registration)
    flash(
        _(
            "Un e-mail part à l’adresse de l’inscription : le lien qu’il contient crée votre "
            "nouveau lien d’agenda."
        ),
        "success",
    )
    return redirect(url_for("workshops.registration", token=token, _anchor="mon-agenda"))


@bp.route("/registrations/calendar-renewal/<proof>", methods=["GET", "POST"])
def renew_calendar(proof: str):
    """From the renewal mail: GET asks (mail scanners follow links), POST regenerates and
    shows the new link to whoever proved, by opening the mail, that they own the address."""
    link = link_to_renew(proof)
    if link is None:
        page = render_template("workshops/calendar_renewal.html", link=None)
        return page, 404, PRIVATE_PAGE_HEADERS
    new_feed_url = None
    if request.method == "POST":
        new_feed_url = absolute_url("calendar.private", token=regenerate(link).token)
    page = render_template(
        "workshops/calendar_renewal.html", link=link, proof=proof, new_feed_url=new_feed_url
    )
    return page, 200, PRIVATE_PAGE_HEADERS


@bp.post("/registrations/<token>/cancel")
def cancel_registration(token: str):
    registration = _registration_or_404(token)
    if registration.status == registering.CANCELLED:
        flash(_("Cette inscription était déjà annulée."), "info")
        return redirect(url_for("workshops.registration", token=token))
    question = unless_confirmed(
        _("Annuler votre inscription ?"),
        warning_of("cancel_own_registration", title=registration.workshop.title),
        _("Oui, annuler mon inscription"),
        url_for("workshops.registration", token=token),
    )
    if question is not None:
        return question, 200, PRIVATE_PAGE_HEADERS
    registering.cancel_registration(registration, datetime.now(UTC))
    flash(_("Votre inscription est annulée. Un e-mail vous le confirme."), "success")
    return redirect(url_for("workshops.registration", token=token))


@bp.post("/registrations/<token>/again")
@limiter.limit(_registration_limit)
def register_again(token: str):
    registration = _registration_or_404(token)
    if registration.is_active:
        flash(_("Cette inscription est déjà active."), "info")
        return redirect(url_for("workshops.registration", token=token))
    back = attempt(lambda: registering.register_again(registration, datetime.now(UTC)))
    if isinstance(back, Refusal):
        flash(back.message, "error")
    elif back.status == registering.CONFIRMED:
        flash(_("Vous êtes de nouveau inscrit·e : votre place est réservée."), "success")
    else:
        flash(_("L’atelier est complet : vous êtes sur la liste d’attente."), "info")
    return redirect(url_for("workshops.registration", token=token))


LOST_LINK_SENT = _l(
    "Si cette adresse a une inscription à un atelier, un e-mail avec ses liens vient de "
    "partir. Il peut mettre quelques minutes à arriver ; pensez aux indésirables."
)


@bp.route("/registrations/lien-perdu", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
def lost_link():
    """The same answer for a known or an unknown address: the page tells nobody who is
    registered; only the address's owner reads the links."""
    form = LostLinkForm()
    if request.method == "POST":
        if not form.validate():
            return render_template("workshops/lost_link.html", form=form), 400
        registering.send_registration_links(form.email.data or "", datetime.now(UTC))
        flash(str(LOST_LINK_SENT), "success")
        return redirect(url_for("workshops.lost_link"), 303)
    return render_template("workshops/lost_link.html", form=form)


@bp.get("/confidentialite")
def privacy():
    return render_template("workshops/privacy.html")
