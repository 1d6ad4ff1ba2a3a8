"""Administration: accounts of organisers and admins."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from blueprints.access import require
from blueprints.admin.forms import NewUserForm, PasswordForm, UserForm
from blueprints.form_helpers import Refusal, attempt
from extensions import db
from models import Role, User
from services import background
from services.accounts.users import (
    all_users,
    create_user,
    set_password,
    territories_by_ids,
    update_user,
)
from services.permissions import is_admin
from services.planning import tours

bp = Blueprint("admin", __name__)


@bp.before_request
def require_admin() -> None:
    require(is_admin, message=_("Cette page est réservée aux administrateur·rice·s."))


def _territory_choices(form: UserForm) -> None:
    form.territories.choices = [SelectChoice(t.id, t.name) for t in tours.all_territories()]


@bp.get("/users/")
def users():
    return render_template("admin/users.html", users=all_users())


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = NewUserForm()
    _territory_choices(form)
    if request.method == "POST":
        if not form.validate():
            return render_template("admin/user_form.html", form=form, user=None), 400
        user = attempt(
            lambda: create_user(
                form.email.data,
                form.display_name.data,
                form.password.data,
                Role(form.role.data),
                territories_by_ids(form.territories.data or []),
            ),
            form,
        )
        if isinstance(user, Refusal):
            return render_template("admin/user_form.html", form=form, user=None), 400
        flash(_("Compte de %(name)s créé.", name=user.display_name), "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    password_form = PasswordForm(prefix="pw")
    _territory_choices(form)
    if request.method == "GET":
        form.territories.data = [t.id for t in user.territories]
        form.role.data = user.role.value
        return render_template(
            "admin/user_form.html", form=form, user=user, password_form=password_form
        )
    if not (form.validate() and password_form.validate()):
        return render_template(
            "admin/user_form.html", form=form, user=user, password_form=password_form
        ), 400

    def save() -> None:
        territories = territories_by_ids(form.territories.data or [])
        role = Role(form.role.data)
        update_user(user, form.display_name.data, role, territories, form.active.data, current_user)
        if password_form.password.data:
            set_password(user, password_form.password.data)

    if isinstance(attempt(save, form, also=[password_form]), Refusal):
        return render_template(
            "admin/user_form.html", form=form, user=user, password_form=password_form
        ), 400
    flash(_("Compte de %(name)s enregistré.", name=user.display_name), "success")
    return redirect(url_for("admin.users"))


@bp.get("/activite")
def activity():
    """Every change on the platform, for admins (the same filters and CSV as a tour's)."""
    from blueprints.board.tasks import activity_filter, csv_response, render_feed

    wanted = activity_filter(None)
    if request.args.get("format") == "csv":
        return csv_response(wanted, "activite.csv")
    return render_feed("board/activity.html", wanted, tour=None)


@bp.get("/taches-de-fond")
def failed_jobs():
    """Background jobs whose every attempt failed, with their reason (admins only)."""
    return render_template("admin/failed_jobs.html", failures=background.recent_failures())
