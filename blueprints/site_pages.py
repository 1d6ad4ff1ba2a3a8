"""The pages every French public service links from its footer: accessibility statement,
legal notice and site map (the privacy notice is workshops.privacy, /confidentialite)."""

from flask import Blueprint, current_app, render_template

from services.planning import tours

bp = Blueprint("site", __name__)


@bp.get("/accessibilite")
def accessibility():
    return render_template("site/accessibility.html", contact=current_app.config["MAIL_ORGANIZER"])


@bp.get("/mentions-legales")
def legal_notice():
    return render_template("site/legal_notice.html", contact=current_app.config["MAIL_ORGANIZER"])


@bp.get("/plan-du-site")
def site_map():
    return render_template("site/site_map.html", tours=tours.all_tours())
