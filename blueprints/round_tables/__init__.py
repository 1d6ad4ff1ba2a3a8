from flask import Blueprint

bp = Blueprint("round_tables", __name__)
