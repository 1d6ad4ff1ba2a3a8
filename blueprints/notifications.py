"""The signed-in user's notifications (/notifications), marking them read, following and
unfollowing a stop or a workshop, and how they want to be told (profile)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from blueprints.access import require, require_login
from extensions import db
from models import Notification, NotificationMode
from services.collaboration import notifications as service

bp = Blueprint("notifications", __name__)


class ModeForm(FlaskForm):
    mode = RadioField(
        _l("Recevoir par e-mail les changements de ce que je suis"),
        choices=lambda: [SelectChoice(m.value, m.label) for m in NotificationMode],
        validate_choice=True,
    )


class FollowForm(FlaskForm):
    pass


@bp.app_context_processor
def header_helpers() -> dict:
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        return service.unread_count(current_user)

    def following(object_type: str, obj) -> bool:
        return service.is_following(current_user, object_type, obj)

    return {"unread_notifications": unread_notifications, "is_following": following}


@bp.get("/notifications")
def index():
    require_login()
    page = render_template(
        "notifications/index.html",
        notifications=service.notifications_of(current_user),
        page_of=service.page_of,
    )
    return page, 200, {"Cache-Control": "private, no-store"}


@bp.post("/notifications/<int:notification_id>/read")
def mark_read(notification_id: int):
    require_login()
    notification = db.get_or_404(Notification, notification_id)
    if notification.user_id != current_user.id:
        abort(404)
    if not FollowForm().validate():
        abort(400, description=_("Formulaire expiré : rechargez la page et recommencez."))
    service.mark_read(current_user, notification)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
def mark_all_read():
    require_login()
    if not FollowForm().validate():
        abort(400, description=_("Formulaire expiré : rechargez la page et recommencez."))
    count = service.mark_read(current_user)
    flash(_("Notifications marquées comme lues (%(n)s).", n=count), "success")
    return redirect(url_for("notifications.index"))


@bp.post("/board/suivre/<object_type>/<int:object_id>")
def follow(object_type: str, object_id: int):
    require_login()
    if object_type not in service.FOLLOWABLE:
        abort(404, description=_("On ne peut suivre que des étapes et des ateliers."))
    obj = db.session.get(service.FOLLOWABLE[object_type].model, object_id)
    if obj is None:
        abort(404)
    require(
        service.may_follow,
        object_type,
        obj,
        message=_(
            "Seules les équipes concernées et la coordination nationale suivent cet élément."
        ),
    )
    if not FollowForm().validate():
        abort(400, description=_("Formulaire expiré : rechargez la page et recommencez."))
    following = request.form.get("suivre") == "oui"
    service.set_following(current_user, object_type, obj, following, "manual")
    label = service.FOLLOWABLE[object_type].label(obj)
    if following:
        flash(_("Vous suivez maintenant : %(label)s.", label=label), "success")
    else:
        flash(_("Vous ne suivez plus : %(label)s.", label=label), "success")
    endpoint, values = service.FOLLOWABLE[object_type].page(obj)
    return redirect(url_for(endpoint, **values))


@bp.post("/board/profile/notifications")
def set_mode():
    require_login()
    form = ModeForm()
    if not form.validate():
        abort(400, description=_("Choisissez : immédiat, résumé quotidien ou jamais."))
    service.set_mode(current_user, NotificationMode(form.mode.data))
    flash(
        _("Préférence enregistrée : %(mode)s.", mode=NotificationMode(form.mode.data).label),
        "success",
    )
    return redirect(url_for("board.profile", _anchor="notifications"))
