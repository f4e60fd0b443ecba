import re
import unicodedata

from django.db import connection
from django.db.models import Func, Lookup, Q, TextField


def fold(text: str) -> str:
    """Lower-case text without Vietnamese diacritics, for accent-insensitive search.

    "Nhà vệ sinh Đồng Tâm" -> "nha ve sinh dong tam". Đ has no decomposition in
    Unicode, so it is mapped by hand.
    """
    if not text:
        return ""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


WORD = re.compile(r"[a-z0-9]+")


@TextField.register_lookup
class FoldedWords(Lookup):
    """`search_text__words="nha & ve & sinh"`: every word is in the folded text.
    PostgreSQL full-text search with the "simple" configuration (no stemming: Vietnamese
    syllables are words), on the stored `search_vector` beside the column and its GIN
    index (migration needs.0006, PostgreSQL only). Whole words only, no prefix match: the planner
    can estimate how common a whole word is, and so walks the sorted index for common
    words ("ban", "truong") instead of sorting hundreds of thousands of matches."""

    lookup_name = "words"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # The stored vector beside the column (migration needs.0006), not to_tsvector()
        # again for every row the planner tests.
        if not lhs.endswith('."search_text"'):
            raise ValueError("__words searches a folded search_text column")
        vector = lhs.removesuffix('"search_text"') + '"search_vector"'
        return f"{vector} @@ to_tsquery('simple'::regconfig, {rhs})", [*lhs_params, *rhs_params]


def search_filter(value: str, field: str = "search_text") -> Q:
    """What a search box asks of a folded `search_text`: accent-insensitive, every word.

    On PostgreSQL, whole words through the full-text index; elsewhere (SQLite, the
    embedded default) each word as a substring.
    """
    words = WORD.findall(fold(value))
    if not words:
        return Q()
    if connection.vendor == "postgresql":
        query = " & ".join(words)
        return Q(**{f"{field}__words": query})
    query = Q()
    for word in words:
        query &= Q(**{f"{field}__contains": word})
    return query


def _fold_table() -> tuple[str, str]:
    """`fold` as a character table for SQL's translate(): every Latin letter with a
    diacritic (upper and lower case, đ too) to its plain lower-case letter, then the
    combining marks of decomposed text, which translate() drops (no partner)."""
    source, target = [], []
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
        char = chr(code)
        plain = fold(char)
        if len(plain) == 1 and plain.isascii() and plain.isalpha() and plain != char:
            source.append(char)
            target.append(plain)
    marks = [chr(code) for code in range(0x300, 0x370)]
    return "".join(source + marks), "".join(target)


FOLD_FROM, FOLD_TO = _fold_table()


class Folded(Func):
    """A text column folded in SQL as `fold` folds it in Python (diacritics off, lower
    case), for ranking a few rows already found: never for a search over a whole table
    (that reads the stored `search_text`). PostgreSQL: translate() over lower(); SQLite:
    `fold` itself, registered on each connection (`register_sql_fold`)."""

    output_field = TextField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"LOWER({sql})", params

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"translate(lower({sql}), %s, %s)", [*params, FOLD_FROM, FOLD_TO]

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"portal_fold({sql})", params


def register_sql_fold(sender, connection, **kwargs):
    """`portal_fold(text)` on every SQLite connection (connection_created), for `Folded`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("portal_fold", 1, fold, deterministic=True)


def word_pattern(word: str) -> str:
    """A regular expression for one folded search word standing as a whole word: read
    alike by PostgreSQL's `~` and by Python's `re` (Django's REGEXP on SQLite)."""
    return f"(^|[^a-z0-9]){re.escape(word)}([^a-z0-9]|$)"
