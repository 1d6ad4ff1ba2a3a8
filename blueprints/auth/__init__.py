"""Logging in and out."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from blueprints.auth.forms import LoginForm
from blueprints.template_helpers import safe_next_url
from extensions import limiter
from models import normalise_email
from services.accounts.users import authenticate, sign_out

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    return "login:" + normalise_email(request.form.get("email", ""))[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)
def login():
    next_url = safe_next_url(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("board.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            language = session.get("lang")
            session.clear()
            if language:
                session["lang"] = language
            login_user(user)
            flash(_("Bienvenue, %(name)s.", name=user.display_name), "success")
            return redirect(next_url or url_for("board.index"))
        form.password.errors = [_("Adresse e-mail ou mot de passe incorrect.")]
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form, next_url=next_url), status


@bp.post("/logout")
@login_required
def logout():
    sign_out(current_user)
    logout_user()
    flash(_("Vous êtes déconnecté·e."), "info")
    return redirect(url_for("public.index"))
