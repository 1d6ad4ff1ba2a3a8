"""The internal discussion threads of the board: writing, editing and deleting one's own
comments, a permalink to each, and the names to complete an @mention with. Shown on the
stop's programme page, the round table's and the workshop's organiser pages (the template
partial comments/_thread.html, fed by the `discussion` helper)."""

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.access import require, require_login
from blueprints.comments.forms import CommentForm
from blueprints.confirmation import unless_confirmed, warning_of
from blueprints.form_helpers import Refusal, attempt, attempt_or_abort, int_or_none
from extensions import db
from models import Comment
from services.collaboration import comments as service
from services.collaboration.comments import Target

bp = Blueprint("comments", __name__, url_prefix="/board")
bp.before_request(require_login)


def _read_refused() -> str:
    return _(
        "Seules les équipes du territoire et la coordination nationale lisent cette discussion."
    )


def _target(target_type: str, target_id: int) -> Target:
    target = service.target_of(target_type, target_id)
    if target is None:
        abort(404, description=_("Élément inconnu : il a peut-être été supprimé."))
    return target


def _require_reader(target: Target) -> None:
    require(service.may_read, target, message=_read_refused())


def comment_url(comment: Comment, target: Target | None = None) -> str:
    target = target or service.target_of_comment(comment)
    if target is None:
        return url_for("board.index")
    endpoint, values = target.page
    return url_for(endpoint, **values, _anchor=f"commentaire-{comment.id}")


@bp.app_context_processor
def discussion_helper() -> dict:
    def discussion(target_type: str, obj) -> dict | None:
        """What the thread partial needs, or None for whoever may not read it."""
        target = service.Target(service.TARGETS[target_type], obj)
        if not service.may_read(current_user, target):
            return None
        return {
            "target": target,
            "comments": service.thread_of(target),
            "form": CommentForm(formdata=None),
            "writable": service.may_write(current_user, target),
            "render": service.render_comment,
            "zone": target.territories[0].timezone,
        }

    return {"discussion": discussion}


@bp.post("/comments/<target_type>/<int:target_id>")
def add(target_type: str, target_id: int):
    target = _target(target_type, target_id)
    _require_reader(target)
    require(
        service.may_write,
        target,
        message=_("Les observateur·rices lisent la discussion sans y écrire."),
    )
    form = CommentForm()
    if not form.validate():
        abort(
            400,
            description=" ".join(str(e) for e in form.body.errors)
            or _("Formulaire expiré : rechargez la page."),
        )
    comment = attempt_or_abort(lambda: service.add_comment(target, form.body.data, current_user))
    flash(_("Commentaire publié."), "success")
    return redirect(comment_url(comment, target))


def _own_comment(comment_id: int) -> tuple[Comment, Target]:
    comment = db.get_or_404(Comment, comment_id)
    target = service.target_of_comment(comment)
    if target is None:
        abort(404, description=_("Ce commentaire porte sur un élément qui n’existe plus."))
    _require_reader(target)
    return comment, target


@bp.get("/comments/<int:comment_id>")
def permalink(comment_id: int):
    comment, target = _own_comment(comment_id)
    return redirect(comment_url(comment, target))


def _render_edit(comment: Comment, target: Target, form: CommentForm, status: int = 200):
    return (
        render_template(
            "comments/edit.html",
            comment=comment,
            target=target,
            form=form,
            back_url=comment_url(comment, target),
            render=service.render_comment,
        ),
        status,
    )


def _require_author(comment: Comment) -> None:
    require(
        lambda user, c: user.id == c.author_id,
        comment,
        message=_("Seul·e l’auteur·rice d’un commentaire peut le modifier ou le supprimer."),
    )


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    comment, target = _own_comment(comment_id)
    _require_author(comment)
    if request.method == "GET":
        return _render_edit(
            comment, target, CommentForm(formdata=None, data={"body": comment.body})
        )
    form = CommentForm()
    if not form.validate():
        return _render_edit(comment, target, form, 400)
    outcome = attempt(lambda: service.edit_comment(comment, form.body.data, current_user), form)
    if isinstance(outcome, Refusal):
        return _render_edit(comment, target, form, outcome.status)
    flash(_("Commentaire modifié : la version précédente reste dans son historique."), "success")
    return redirect(comment_url(comment, target))


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    comment, target = _own_comment(comment_id)
    _require_author(comment)
    back = comment_url(comment, target)
    question = unless_confirmed(
        _("Supprimer votre commentaire ?"),
        warning_of("delete_comment"),
        _("Oui, supprimer"),
        back,
    )
    if question is not None:
        return question
    attempt_or_abort(lambda: service.delete_comment(comment, current_user))
    flash(_("Commentaire supprimé."), "success")
    endpoint, values = target.page
    return redirect(url_for(endpoint, **values, _anchor="discussion"))


@bp.get("/mentions.json")
def mentions():
    """Who may be mentioned on an object: ?cible=stop&id=12&q=ré → [{"id", "name"}]."""
    target_type = request.args.get("cible", "")
    target_id = int_or_none(request.args.get("id"))
    if target_type not in service.TARGETS or target_id is None:
        return jsonify(error=_("Indiquez la cible (cible et id) de la discussion.")), 400
    target = service.target_of(target_type, target_id)
    if target is None:
        return jsonify(error=_("Élément inconnu.")), 404
    if not service.may_read(current_user, target):
        return jsonify(error=_read_refused()), 403
    query = request.args.get("q", "")[:100]
    people = service.mention_candidates(target, query)
    response = jsonify([{"id": u.id, "name": u.display_name} for u in people])
    response.headers["Cache-Control"] = "private, no-store"
    return response
