"""Search folding: 'dang thi dao' must find 'Đặng Thị Đào'."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from commune_desk.domain.text import fold, normalize_text, search_tokens


def test_fold_drops_marks_and_d_stroke() -> None:
    assert fold("Đặng Thị Đào") == "dang thi dao"
    assert fold("NGUYỄN   văn  Bình") == "nguyen van binh"
    assert fold("Phường Hồng Hà") == "phuong hong ha"


def test_fold_handles_decomposed_input() -> None:
    decomposed = unicodedata.normalize("NFD", "Lê Thị Ánh Tuyết")
    assert fold(decomposed) == fold("Lê Thị Ánh Tuyết") == "le thi anh tuyet"


def test_normalize_text_is_nfc_and_trims() -> None:
    value = normalize_text(unicodedata.normalize("NFD", "  Trần   Đức  "))
    assert value == "Trần Đức"
    assert unicodedata.is_normalized("NFC", value)


def test_search_tokens() -> None:
    assert search_tokens("Đặng-Thị, Đào 0912") == ["dang", "thi", "dao", "0912"]


vietnamese = st.text(
    alphabet=st.sampled_from(
        "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệ"
        "íìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ĐẶNG"
    ),
    max_size=40,
)


@given(vietnamese)
def test_fold_is_idempotent_ascii_and_form_independent(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    assert key.isascii()
    assert fold(unicodedata.normalize("NFD", text)) == key
    assert "đ" not in key and "  " not in key
