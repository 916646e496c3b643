"""The interface language: which one a reader gets, and words and dates in it.

The reading room speaks Azerbaijani, English and Russian. A reader's explicit choice is
kept in a cookie; without one, the browser's Accept-Language decides, and Azerbaijani is
the fallback because it is the archive's home language. Words come from `messages`;
dates, numbers and language names come from Babel's CLDR data, so "20 yanvar 2020",
"January 20, 2020" and "20 января 2020 г." are each right for their reader.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.core import UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time, get_day_names, get_month_names
from babel.numbers import format_decimal

from xronika.model import parse_published
from xronika.web.messages import MESSAGES, PLURALS

# The class below has a method called `date`; inside it, this alias names the type.
Day = date

LOCALES = ("az", "en", "ru")
DEFAULT_LOCALE = "az"
COOKIE = "xronika_locale"
COOKIE_MAX_AGE = 365 * 24 * 3600


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The reader's chosen locale, else the best of Accept-Language, else Azerbaijani."""
    if cookie in LOCALES:
        return str(cookie)
    for tag in _ranked_tags(accept_language or ""):
        primary = tag.split("-")[0]
        if primary in LOCALES:
            return primary
    return DEFAULT_LOCALE


def _ranked_tags(header: str) -> list[str]:
    """Language tags of an Accept-Language header, highest quality first."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            ranked.append((-quality, position, tag.strip().lower()))
    return [tag for _, _, tag in sorted(ranked)]


@lru_cache(maxsize=8)
def _babel(locale: str) -> Locale:
    return Locale.parse(locale)


@dataclass(frozen=True, slots=True)
class Translator:
    """Words, numbers and dates in one interface language."""

    locale: str

    def __call__(self, key: str, **values: object) -> str:
        text = MESSAGES[key].get(self.locale) or MESSAGES[key]["en"]
        return text.format(**values) if values else text

    def plural(self, key: str, n: int, **values: object) -> str:
        """A phrase with a number in it, in the grammatical form that number takes."""
        forms = PLURALS[key].get(self.locale) or PLURALS[key]["en"]
        form = _babel(self.locale).plural_form(n)
        text = forms.get(form) or forms["other"]
        return text.format(n=self.number(n), **values)

    def number(self, n: int) -> str:
        return format_decimal(n, locale=self.locale)

    def date(self, day: Day, style: str = "long") -> str:
        return format_date(day, style, locale=self.locale)

    def full_date(self, day: Day) -> str:
        """The date with its weekday, as a page heading ("Понедельник, 20 января 2020 г.")."""
        return _capital(format_date(day, "full", locale=self.locale), self.locale)

    def published(self, text: str | None) -> str:
        """A publication date as stated (with its time of day when the source gave one)."""
        if not text:
            return self("date_unknown")
        try:
            stated = parse_published(text)
        except ValueError:
            return text
        shown = self.date(stated.day)
        if stated.has_time:
            shown += ", " + self.time(datetime.fromisoformat(stated.text))
        return shown

    def clock(self, text: str | None) -> str:
        """Only the time of day a source stated ("" when it gave a date alone)."""
        try:
            stated = parse_published(text) if text else None
        except ValueError:
            return ""
        return self.time(datetime.fromisoformat(stated.text)) if stated and stated.has_time else ""

    def time(self, moment: datetime) -> str:
        # Only the wall-clock time as the source stated it: no conversion to any zone.
        return format_time(moment.time().replace(tzinfo=None), "short", locale=self.locale)

    def month(self, month: int) -> str:
        """The month's name as a heading would show it ("Yanvar", "January", "Январь")."""
        names = get_month_names("wide", context="stand-alone", locale=self.locale)
        return _capital(names[month], self.locale)

    def month_year(self, year: int, month: int) -> str:
        return _capital(
            format_skeleton("yMMMM", date(year, month, 1), locale=self.locale), self.locale
        )

    def day_month(self, month: int, day: int) -> str:
        # 2000 is a leap year, so 29 February has a date to format.
        return format_skeleton("MMMMd", date(2000, month, day), locale=self.locale)

    def weekdays(self) -> list[tuple[str, str]]:
        """(short, full) weekday names in calendar order, from the locale's first day."""
        short = get_day_names("abbreviated", context="stand-alone", locale=self.locale)
        wide = get_day_names("wide", context="stand-alone", locale=self.locale)
        first = self.first_weekday()
        return [
            (short[(first + i) % 7], _capital(wide[(first + i) % 7], self.locale)) for i in range(7)
        ]

    def first_weekday(self) -> int:
        """0 for Monday … 6 for Sunday, as the locale's calendars start."""
        return int(_babel(self.locale).first_week_day)

    def language(self, code: str | None) -> str:
        """A language's name for this reader ("azərbaycan", "English", "русский")."""
        if not code:
            return self("unknown_language")
        try:
            name = _babel(self.locale).languages.get(code) or Locale.parse(code).english_name
        except (UnknownLocaleError, ValueError):
            name = None
        return _capital(name, self.locale) if name else code

    def script(self, code: str) -> str:
        """A script's name for this reader ("latın", "Cyrillic", "кириллица")."""
        name = _babel(self.locale).scripts.get(code)
        return _capital(name, self.locale) if name else code

    def filter_value(self, parameter: str, value: str) -> str:
        """A search filter's value as a reader reads it (language codes become names)."""
        return self.language(value) if parameter == "lang" else value

    def locale_name(self, locale: str) -> str:
        """A locale's own name for itself, for the language switcher."""
        return _capital(_babel(locale).get_display_name(locale) or locale, locale)


def _capital(text: str, locale: str | None = None) -> str:
    """The text with a capital first letter, Turkic style where the locale is az."""
    if locale in ("az", "tr") and text[:1] == "i":
        return "İ" + text[1:]  # str.upper() would give the dotless "I"
    return text[:1].upper() + text[1:]


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def guessed_language(language: str | None, text: str) -> str | None:
    """The BCP 47 tag for text whose script is not recorded (a search hit): Azerbaijani
    in Cyrillic letters is told apart, since it needs other fonts than the Latin."""
    if language == "az" and _CYRILLIC.search(text):
        return "az-Cyrl"
    return language


def content_language(language: str | None, script: str | None) -> str | None:
    """The BCP 47 tag for an article's text: `az-Cyrl`, `ru`, or None when unknown."""
    if not language:
        return None
    if script and language == "az":
        # Azerbaijani is written in two scripts; say which, so browsers, screen readers
        # and hyphenation pick the right rules.
        return f"{language}-{script}"
    return language
