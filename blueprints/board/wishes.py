"""A territory's hosting wishes for a tour (disponibilités d’accueil): the dates it offers,
ranked, the periods when it cannot host, and how long a visit usually lasts. Every organiser
reads them; the territory's own team, the national coordination and admins change them."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import require
from blueprints.board import bp
from blueprints.board.wish_forms import BlackoutForm, DateOptionForm, VisitDurationForm
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt
from models import Territory, Tour
from services.local_time import ambiguity_notices, hours, long_date
from services.permissions import can_edit_territory, is_organiser
from services.planning import tours, wishes

PAGE = "/tours/<slug>/territories/<territory_slug>/disponibilites"


def _tour_and_territory(slug: str, territory_slug: str) -> tuple[Tour, Territory]:
    tour = tours.tour_by_slug(slug) or abort(404)
    territory = tours.territory_by_slug(territory_slug)
    if territory is None:
        abort(404, description=_("Territoire inconnu."))
    return tour, territory


def _require_editor(territory: Territory) -> None:
    require(
        can_edit_territory,
        territory,
        message=_(
            "Seules l’équipe de %(name)s et la coordination nationale peuvent modifier ses "
            "disponibilités.",
            name=territory.name,
        ),
    )


def _page_url(tour: Tour, territory: Territory, anchor: str | None = None) -> str:
    return url_for("board.wishes", slug=tour.slug, territory_slug=territory.slug, _anchor=anchor)


def _render(
    tour: Tour,
    territory: Territory,
    status: int = 200,
    option_form: DateOptionForm | None = None,
    blackout_form: BlackoutForm | None = None,
    duration_form: VisitDurationForm | None = None,
):
    said = wishes.wishes_of(tour, territory)
    if duration_form is None:
        duration_form = VisitDurationForm(formdata=None, data={"minutes": said.visit_minutes})
    zone = territory.timezone
    page = render_template(
        "board/wishes.html",
        tour=tour,
        territory=territory,
        wishes=said,
        editable=can_edit_territory(current_user, territory),
        option_form=option_form or DateOptionForm(formdata=None),
        blackout_form=blackout_form or BlackoutForm(formdata=None),
        duration_form=duration_form,
        # The zone is said once above the tables.
        option_hours=lambda option: hours(option.starts_at, option.ends_at, zone, False),
        period=_period,
        long_day=long_date,
    )
    return page, status


@bp.get(PAGE, endpoint="wishes")
def show_wishes(slug: str, territory_slug: str):
    tour, territory = _tour_and_territory(slug, territory_slug)
    require(is_organiser)
    return _render(tour, territory)


@bp.post(PAGE + "/dates", endpoint="add_date_option")
def add_date_option(slug: str, territory_slug: str):
    tour, territory = _tour_and_territory(slug, territory_slug)
    _require_editor(territory)
    form = DateOptionForm()
    if not form.validate():
        return _render(tour, territory, 400, option_form=form)
    option = attempt(lambda: wishes.add_option(tour, territory, form.to_fields()), form)
    if isinstance(option, Refusal):
        return _render(tour, territory, 400, option_form=form)
    flash(
        _(
            "Date proposée : %(day)s, %(hours)s (rang %(rank)s).",
            day=long_date(option.day),
            hours=hours(option.starts_at, option.ends_at, territory.timezone),
            rank=option.rank,
        ),
        "success",
    )
    for notice in ambiguity_notices(territory.timezone, option.starts_at, option.ends_at):
        flash(notice, "warning")
    return redirect(_page_url(tour, territory, "dates-proposees"))


@bp.post(PAGE + "/dates/<int:option_id>/delete", endpoint="remove_date_option")
def remove_date_option(slug: str, territory_slug: str, option_id: int):
    tour, territory = _tour_and_territory(slug, territory_slug)
    _require_editor(territory)
    option = wishes.option_of(tour, territory, option_id)
    if option is None:
        abort(404, description=_("Cette proposition de date n’existe pas ou plus."))
    question = unless_confirmed(
        _("Retirer la date du %(day)s ?", day=long_date(option.day)),
        warning_of("remove_date_option"),
        _("Oui, retirer"),
        _page_url(tour, territory, "dates-proposees"),
    )
    if question is not None:
        return question
    day = long_date(option.day)
    wishes.remove_option(tour, territory, option_id)
    flash(_("Date du %(day)s retirée.", day=day), "success")
    return redirect(_page_url(tour, territory, "dates-proposees"))


@bp.post(PAGE + "/periodes", endpoint="add_blackout")
def add_blackout(slug: str, territory_slug: str):
    tour, territory = _tour_and_territory(slug, territory_slug)
    _require_editor(territory)
    form = BlackoutForm()
    if not form.validate():
        return _render(tour, territory, 400, blackout_form=form)
    blackout = attempt(
        lambda: wishes.add_blackout(
            tour, territory, form.first_day.data, form.last_day.data, form.reason.data or ""
        ),
        form,
    )
    if isinstance(blackout, Refusal):
        return _render(tour, territory, 400, blackout_form=form)
    flash(_("Période indisponible ajoutée : %(period)s.", period=_period(blackout)), "success")
    return redirect(_page_url(tour, territory, "periodes-indisponibles"))


def _period(blackout) -> str:
    if blackout.first_day == blackout.last_day:
        return long_date(blackout.first_day)
    return _(
        "du %(first)s au %(last)s",
        first=long_date(blackout.first_day),
        last=long_date(blackout.last_day),
    )


@bp.post(PAGE + "/periodes/<int:blackout_id>/delete", endpoint="remove_blackout")
def remove_blackout(slug: str, territory_slug: str, blackout_id: int):
    tour, territory = _tour_and_territory(slug, territory_slug)
    _require_editor(territory)
    blackout = wishes.blackout_of(tour, territory, blackout_id)
    if blackout is None:
        abort(404, description=_("Cette période n’existe pas ou plus."))
    period = _period(blackout)
    question = unless_confirmed(
        _("Retirer la période %(period)s ?", period=period),
        warning_of("remove_blackout"),
        _("Oui, retirer"),
        _page_url(tour, territory, "periodes-indisponibles"),
    )
    if question is not None:
        return question
    wishes.remove_blackout(tour, territory, blackout_id)
    flash(_("Période %(period)s retirée.", period=period), "success")
    return redirect(_page_url(tour, territory, "periodes-indisponibles"))


@bp.post(PAGE + "/duree", endpoint="set_visit_duration")
def set_visit_duration(slug: str, territory_slug: str):
    tour, territory = _tour_and_territory(slug, territory_slug)
    _require_editor(territory)
    form = VisitDurationForm()
    if not form.validate():
        return _render(tour, territory, 400, duration_form=form)
    row = attempt(lambda: wishes.set_visit_minutes(tour, territory, form.minutes.data), form)
    if isinstance(row, Refusal):
        return _render(tour, territory, 400, duration_form=form)
    flash(_("Durée habituelle d’une visite : %(minutes)s minutes.", minutes=row.minutes), "success")
    return redirect(_page_url(tour, territory, "duree-visite"))
