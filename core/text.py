import re
import unicodedata

from django.db import connection
from django.db.models import Lookup, Q, TextField


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
