"""Loading over HTTP from a real `python -m http.server`, including relative-file refs fetched over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.errors import SpecError, SpecFetchError, SpecParseError, UnresolvableReference
from apiforge.spec import load_spec
from tests.fixtures.servers import unused_port

pytestmark = pytest.mark.server


def test_multifile_spec_over_http(specs_url: str, specs_dir: Path) -> None:
    url = f"{specs_url}/multifile/openapi.yaml"
    remote = load_spec(url)
    local = load_spec(specs_dir / "multifile" / "openapi.yaml")
    assert remote.api.source == url
    assert [op.to_dict() for op in remote.api.operations] == [op.to_dict() for op in local.api.operations]
    assert remote.api.schemas == local.api.schemas
    # Same bytes read in the same order, whether from disk or over HTTP.
    assert (remote.digest, remote.size) == (local.digest, local.size)
    # A relative server URL resolves against where the spec was fetched from.
    assert [s.url for s in remote.api.servers] == [f"{specs_url}/v1"]


def test_swagger2_without_host_uses_the_serving_host(specs_url: str, specs_dir: Path) -> None:
    assert [s.url for s in load_spec(specs_dir / "swagger2-minimal.json").api.servers] == ["/base"]
    remote = load_spec(f"{specs_url}/swagger2-minimal.json").api
    assert [s.url for s in remote.servers] == [f"{specs_url}/base"]


def test_http_error_status(specs_url: str) -> None:
    url = f"{specs_url}/no-such-spec.yaml"
    with pytest.raises(SpecFetchError, match="HTTP 404") as info:
        load_spec(url)
    assert info.value.source == url


def test_unreachable_url() -> None:
    url = f"http://127.0.0.1:{unused_port()}/openapi.json"  # nothing listens there
    with pytest.raises(SpecFetchError) as info:
        load_spec(url, timeout=5)
    assert info.value.source == url
    assert url in str(info.value) and "cannot fetch" in str(info.value)


def test_missing_referenced_file_over_http(specs_url: str) -> None:
    with pytest.raises(UnresolvableReference) as info:
        load_spec(f"{specs_url}/broken/ref-missing-file.yaml")
    err = info.value
    assert err.used_at == "/paths/~1pets/get/parameters/0"
    assert f"{specs_url}/broken/no-such-dir/parameters.yaml" in str(err) and "HTTP 404" in str(err)


def test_parse_error_over_http_names_the_url(specs_url: str) -> None:
    url = f"{specs_url}/broken/malformed.json"
    with pytest.raises(SpecParseError) as info:
        load_spec(url)
    assert (info.value.source, info.value.line, info.value.column) == (url, 5, 61)


def test_oversized_response_is_refused(specs_url: str) -> None:
    with pytest.raises(SpecError, match="over the 100-byte limit"):
        load_spec(f"{specs_url}/recursive.yaml", max_bytes=100)
