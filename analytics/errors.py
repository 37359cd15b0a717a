"""One error base for the whole library: every refusal is an :class:`AnalyticsError` with a stable code.

A refusal carries what its message needs as fields; the message itself, in Chinese and English, lives in the one
translation table under ``error.<code>`` (analytics/i18n/errors.py). Whoever catches the base can say it in either
language — ``exc.message("zh")``, ``exc.message("en")`` — or in both, ``exc.bilingual()`` (``中文 / English``, the
command line's form). Subclasses exist where callers need to tell refusals apart (an unknown unit, a busy
database); each has a default code (its general refusal) and may raise finer ones. ``str(exc)`` is
:meth:`AnalyticsError.summary`: both languages, unless a class keeps the form its callers have always read.
"""

from __future__ import annotations

from analytics.i18n import DEFAULT_LANG, TEXT, t


class AnalyticsError(Exception):
    """A refusal: ``code`` names its message (``error.<code>`` in the translation table), ``fields`` fill it in."""

    code: str = "refused"

    def __init__(self, code: str | None = None, /, **fields: object) -> None:
        if code is not None:
            self.code = code
        self.fields = fields
        super().__init__(self.summary())

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The refusal in ``lang`` (zh or en); a code without a table entry (or whose entry wants fields it was
        not given) says its code and fields: a refusal never fails to say itself."""
        key = f"error.{self.code}"
        if key in TEXT:
            try:
                return t(key, lang, **self.fields) if self.fields else t(key, lang).format()
            except (KeyError, IndexError):
                pass
        details = ", ".join(f"{name}={value}" for name, value in self.fields.items())
        return f"{self.code}: {details}" if details else self.code

    def bilingual(self) -> str:
        """The refusal in both languages on one line, ``中文 / English``: what the command line prints. A class whose
        line has always read otherwise (an unknown unit's, a backup's) overrides it."""
        return f"{self.message('zh')} / {self.message('en')}"

    def summary(self) -> str:
        """What ``str(exc)`` says (computed once, when raised): :meth:`bilingual` unless a class overrides it."""
        return self.bilingual()


class Message(str):
    """A refusal's Chinese text that also answers in English, for the classes read like an import issue
    (``exc.message`` is the Chinese, as ``Issue.message`` is) and like any refusal (``exc.message("en")``)."""

    en: str

    def __new__(cls, zh: str, en: str) -> Message:
        text = super().__new__(cls, zh)
        text.en = en
        return text

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]  # copy and pickle pass both texts
        return str(self), self.en

    def __call__(self, lang: str = DEFAULT_LANG) -> str:
        return self.en if lang == "en" else str(self)
