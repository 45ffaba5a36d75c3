import httpx


def test_httpbin_echoes_requests(httpbin_url: str) -> None:
    r = httpx.post(f"{httpbin_url}/anything/x", params={"a": "1"}, json={"k": "é"})
    assert r.status_code == 200
    data = r.json()
    assert data["args"] == {"a": "1"}
    assert data["json"] == {"k": "é"}
