"""Sign-in sheets (feuilles d'émargement) and badges: what organisers print for a day."""

from models import TourStop, Workshop


def sign_in_sheet(workshop: Workshop) -> dict:
    raise NotImplementedError


def workshop_badges(workshop: Workshop) -> dict:
    raise NotImplementedError


def stop_badges(stop: TourStop) -> dict:
    raise NotImplementedError
