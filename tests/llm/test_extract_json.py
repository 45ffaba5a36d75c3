import pytest

from apiforge.llm import extract_json


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure! ```json\n{"op": "listRepos"}\n``` hope that helps', {"op": "listRepos"}),
        ('The answer is {"x": "a } b", "y": [1, 2]} and more', {"x": "a } b", "y": [1, 2]}),
        ('prefix {bad json} then {"ok": true}', {"ok": True}),
        ("[1, 2, 3]", [1, 2, 3]),
        ('{"s": "quote \\" inside {"}', {"s": 'quote " inside {'}),
    ],
)
def test_extract_json_tolerates_chatter(text: str, expected: object) -> None:
    assert extract_json(text) == expected


def test_extract_json_rejects_text_without_json() -> None:
    with pytest.raises(ValueError, match="no JSON"):
        extract_json("I cannot help with that.")
