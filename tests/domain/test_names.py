import pytest

from silkmeet.domain import names


@pytest.mark.parametrize(
    ("full", "latin", "shown"),
    [
        ("Шавкат Умурзаков", "Shavkat Umurzakov", "Shavkat Umurzakov"),
        ("山田 太郎", "Yamada Taro", "Yamada Taro"),
        ("محمد علي", "Muhammad Ali", "Muhammad Ali"),
        # A Latin name's accent-stripped copy says nothing new.
        ("Hélène Dromain", "Helene Dromain", ""),
        ("Ana Souza", "Ana Souza", ""),
        ("山田 太郎", "", ""),
        ("山田 太郎", "  ", ""),
    ],
)
def test_latin_form_is_shown_only_beside_another_script(full, latin, shown):
    assert names.latin_shown(full, latin) == shown
    expected = f"{full} ({shown})" if shown else full
    assert names.display_name(full, latin) == expected
