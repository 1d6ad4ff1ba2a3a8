"""Speakers: public list and profiles; organisers create, edit, merge and delete them."""

from flask import Blueprint

bp = Blueprint("speakers", __name__)


@bp.get("/speakers/")
def index():
    return "", 501
