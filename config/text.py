import unicodedata


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
