"""The application factory: extensions, blueprints, error handlers, CLI."""

import hmac
import logging
import os
from pathlib import Path

from flask import Flask, current_app, has_request_context, render_template, request, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import event
from werkzeug.exceptions import HTTPException, SecurityError

import config as settings
import jobs
from blueprints.cli import register_cli
from blueprints.input_guards import register_input_guards
from blueprints.template_helpers import register_template_helpers
from blueprints.transaction import discard_changes, register_transaction_boundary
from extensions import babel, csrf, db, limiter, login_manager, migrate
from models import User
from services import caching
from services.collaboration.activity import register_activity_log

PROJECT_ROOT = Path(__file__).resolve().parent


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)

    register_logging(app)
    warn_about_per_process_limits(app)
    register_extensions(app)
    register_activity_log()  # every flush writes its activity entries
    register_transaction_boundary(app)
    register_input_guards(app)  # before the blueprints: their URL rules take its converters
    register_blueprints(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_cli(app)

    register_template_helpers(app)
    return app


class ActorFilter(logging.Filter):
    """Adds who acted to every record: the signed-in account's id, a visitor, or the
    command line. Services log what changed and its ids; nothing personal beyond ids."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not has_request_context():
            record.actor = "cli"
        elif current_user and current_user.is_authenticated:
            record.actor = f"user:{current_user.id}"
        else:
            record.actor = "visitor"
        return True


def register_logging(app: Flask) -> None:
    """One line per change made through a service, on stderr, configured once here (an app
    created again, as in tests, reuses the handler)."""
    services_log = logging.getLogger("services")
    if not any(isinstance(f, ActorFilter) for h in services_log.handlers for f in h.filters):
        handler = logging.StreamHandler()
        handler.addFilter(ActorFilter())
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(actor)s] %(message)s")
        )
        services_log.addHandler(handler)
    services_log.setLevel(app.config.get("SERVICES_LOG_LEVEL", "INFO"))


PER_PROCESS_LIMITS_WARNING = (
    "RATELIMIT_STORAGE_URI is memory://: login and registration limits are counted by each "
    "process on its own, so N worker processes allow N times the attempts. Set "
    "RATELIMIT_STORAGE_URI (or REDIS_URL) to redis://… when more than one process serves."
)


def warn_about_per_process_limits(app: Flask) -> None:
    """Outside development and tests, limits kept in one process's memory are a hole."""
    memory = app.config["RATELIMIT_STORAGE_URI"].startswith("memory://")
    if memory and not (app.debug or app.testing):
        app.logger.warning(PER_PROCESS_LIMITS_WARNING)


def select_locale() -> str:
    if not has_request_context():
        return "fr"  # the CLI and background work speak French
    wanted = str(session.get("lang", ""))
    return wanted if wanted in current_app.config["LANGUAGES"] else "fr"


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(PROJECT_ROOT / "translations"),
    )
    limiter.init_app(app)
    # Rendered feeds and documents, and the job queue: shared through Redis when configured.
    caching.init_app(app)
    jobs.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Connectez-vous pour accéder à cette page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str) -> User | None:
        """The account of a session cookie, while its session token is the current one."""
        user_id, _, token = session_id.partition(":")
        user = (
            db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
        )
        if user is None or not user.active or not token:
            return None
        return user if hmac.compare_digest(token, user.session_token) else None

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # WAL lets readers work while one process writes; the busy timeout makes concurrent writers
    # wait for the lock instead of failing; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def register_blueprints(app: Flask) -> None:
    from blueprints.admin import bp as admin_bp
    from blueprints.api import bp as api_bp
    from blueprints.auth import bp as auth_bp
    from blueprints.board import bp as board_bp
    from blueprints.calendar import bp as calendar_bp
    from blueprints.comments import bp as comments_bp
    from blueprints.notifications import bp as notifications_bp
    from blueprints.programmes import bp as programmes_bp
    from blueprints.public import bp as public_bp
    from blueprints.publishing import bp as publishing_bp
    from blueprints.releases import bp as releases_bp
    from blueprints.round_tables import bp as round_tables_bp
    from blueprints.site_pages import bp as site_bp
    from blueprints.speaker_admin import bp as speaker_admin_bp
    from blueprints.speakers import bp as speakers_bp
    from blueprints.teams import bp as teams_bp
    from blueprints.workshop_admin import bp as workshop_admin_bp
    from blueprints.workshops import bp as workshops_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(releases_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(site_bp)
    app.register_blueprint(board_bp, url_prefix="/board")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(speakers_bp)
    app.register_blueprint(speaker_admin_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(calendar_bp)
    app.register_blueprint(programmes_bp)
    app.register_blueprint(publishing_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(round_tables_bp, url_prefix="/board")
    app.register_blueprint(workshop_admin_bp, url_prefix="/board")
    app.register_blueprint(teams_bp)
    app.register_blueprint(comments_bp)
    app.register_blueprint(notifications_bp)


ERROR_MESSAGES = {
    400: (_l("Requête invalide"), _l("La demande n’a pas pu être comprise.")),
    403: (_l("Accès refusé"), _l("Vous n’avez pas le droit de faire cette action.")),
    404: (_l("Page introuvable"), _l("Cette page n’existe pas ou n’est pas publiée.")),
    405: (_l("Méthode non autorisée"), _l("Cette adresse n’accepte pas cette action.")),
    409: (_l("Conflit de modification"), _l("Cet élément a changé entre-temps.")),
    429: (
        _l("Trop de tentatives"),
        _l("Trop de tentatives en peu de temps. Patientez une minute avant de réessayer."),
    ),
    500: (
        _l("Erreur du serveur"),
        _l("Une erreur inattendue s’est produite. Réessayez plus tard."),
    ),
}


def render_error(code: int, message: str | None = None):
    if in_api():
        from blueprints.api import api_error_for

        return api_error_for(code, message)
    title, default_message = ERROR_MESSAGES.get(code, ERROR_MESSAGES[400])
    return (
        render_template(
            "errors/error.html", code=code, title=title, message=message or default_message
        ),
        code,
    )


def in_api() -> bool:
    """Under /api/ every answer is JSON, errors included."""
    return request.path == "/api" or request.path.startswith("/api/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_refused(_error: CSRFError):
        return render_error(
            400,
            _(
                "Le formulaire a expiré ou ne vient pas de ce site (jeton CSRF manquant ou "
                "invalide). Rechargez la page et recommencez."
            ),
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError):
        # No page of ours can be built for a host we do not serve (links need it): plain text.
        message = _("Adresse inconnue : ce serveur ne répond pas sous ce nom d’hôte.")
        return message, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(429)
    def too_many_attempts(_error):
        return render_error(429)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        # A view that aborts with its own (French) description keeps it; Werkzeug's English
        # defaults are replaced by our own messages.
        custom = error.description != type(error).description
        return render_error(error.code, error.description if custom else None)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # The session may be unusable (a failed statement): the error page must still render.
        discard_changes()
        app.logger.exception("Unhandled error on %s", request.path)
        if app.testing:
            raise error
        return render_error(500)


def register_security_headers(app: Flask) -> None:
    csp = (
        "default-src 'self'; "
        "img-src 'self' data: https://tile.openstreetmap.org https://*.tile.openstreetmap.org; "
        "style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )

    # Browsers remember to use HTTPS only once the site is served over it (secure cookies).
    hsts = "max-age=31536000; includeSubDomains" if app.config["SESSION_COOKIE_SECURE"] else None

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if hsts:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
