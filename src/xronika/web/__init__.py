"""The web app: HTML pages, the JSON API and feeds, all in one FastAPI application."""

from xronika.web.app import create_app

__all__ = ["create_app"]
