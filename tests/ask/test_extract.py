from apiforge.ask.extract import extract_arguments, find_mentions
from apiforge.spec.model import Api, MediaType, Operation, Parameter, RequestBody


def _op(*params: Parameter, body: dict | None = None) -> tuple[Api, Operation]:
    request_body = RequestBody(content={"application/json": MediaType(schema=body)}) if body else None
    op = Operation(id="op", method="GET", path="/x", parameters=params, request_body=request_body)
    return Api(id="t", title="t", version="1", operations=(op,)), op


def test_mentions_prefer_specific_kinds() -> None:
    kinds = {
        m.kind: m.text for m in find_mentions('email bob@example.com about "Q3 report" on 2024-05-01 in go-gitea/gitea')
    }
    assert kinds["email"] == "bob@example.com"
    assert kinds["quoted"] == "Q3 report"
    assert kinds["date"] == "2024-05-01"
    assert kinds["slug_pair"] == "gitea"


def test_owner_repo_and_enum_and_limit() -> None:
    api, op = _op(
        Parameter("owner", "path", True, {"type": "string"}),
        Parameter("repo", "path", True, {"type": "string"}),
        Parameter("state", "query", False, {"type": "string", "enum": ["open", "closed", "all"]}),
        Parameter("limit", "query", False, {"type": "integer"}),
        Parameter("page", "query", False, {"type": "integer"}),
    )
    got = extract_arguments("list the closed issues of go-gitea/gitea, top 5", api, op).arguments
    assert got == {"owner": "go-gitea", "repo": "gitea", "state": "closed", "limit": 5}


def test_anchored_words_and_numbers() -> None:
    api, op = _op(
        Parameter("username", "path", True, {"type": "string"}),
        Parameter("page", "query", False, {"type": "integer"}),
    )
    got = extract_arguments("show repos of user alice, page 3", api, op).arguments
    assert got == {"username": "alice", "page": 3}


def test_body_properties_and_quoted_title() -> None:
    api, op = _op(
        Parameter("owner", "path", True, {"type": "string"}),
        Parameter("repo", "path", True, {"type": "string"}),
        body={
            "type": "object",
            "required": ["title"],
            "properties": {"title": {"type": "string"}, "body": {"type": "string"}, "closed": {"type": "boolean"}},
        },
    )
    got = extract_arguments('open an issue in acme/web titled "Login button broken"', api, op).arguments
    assert got == {"owner": "acme", "repo": "web", "title": "Login button broken"}


def test_nothing_invented() -> None:
    api, op = _op(Parameter("id", "path", True, {"type": "integer"}))
    assert extract_arguments("delete that thing", api, op).arguments == {}
