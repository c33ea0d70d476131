"""MSI text in code page 1258, the WiX 3 source, file names: the parts that need no wixl."""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from installer.build_msi import WIX_NS, WXS, cp1258_text, msi_file_name, wix3_source

VIETNAMESE = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ" + "áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩị"
    "óòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ ,.-()%\\"
)


@given(st.text(alphabet=VIETNAMESE, max_size=60))
def test_every_vietnamese_letter_survives_code_page_1258(text: str) -> None:
    """Encoded in 1258 and read back, the text is the same letters (composed again)."""
    encoded = cp1258_text(text).encode("cp1258")
    assert unicodedata.normalize("NFC", encoded.decode("cp1258")) == unicodedata.normalize("NFC", text)


def test_letters_with_two_marks_become_base_plus_tone() -> None:
    """ầ is â + combining grave in 1258; đ, ư, ơ stay single characters."""
    assert cp1258_text("Phần") == "Pha\u0302\u0300n".replace("a\u0302", "\u00e2")
    assert cp1258_text("đưa") == "đưa"
    with pytest.raises(UnicodeEncodeError):
        cp1258_text("日本")


def test_wix3_source_holds_the_same_text_in_1258_form(tmp_path: Path) -> None:
    """The .wxs for candle/light: every attribute encodable in 1258, meaning unchanged."""
    out = wix3_source(tmp_path / "commune-desk.wxs")
    tree, source = ET.parse(out), ET.parse(WXS)
    product = tree.getroot().find(f"{{{WIX_NS}}}Product")
    assert product is not None and product.get("Codepage") == "1258"
    assert product.get("Language") == "1066"
    for new, old in zip(tree.iter(), source.iter(), strict=True):
        for name, value in new.attrib.items():
            value.encode("cp1258")
            assert unicodedata.normalize("NFC", value) == old.get(name)


def test_file_name_says_the_version_and_a_dev_root() -> None:
    """The release tool checks this name against the MSI's own ProductVersion."""
    assert msi_file_name("0.2.0") == "CommuneDesk-0.2.0.msi"
    assert msi_file_name("0.2.0", "dev") == "CommuneDesk-0.2.0-DEV.msi"
