from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from apiforge.execute import Credential, CredentialStore, InsecureCredentialsFile, Masker, env_var_name
from apiforge.execute.secrets import MASK, basic_token


def test_file_created_0600_and_round_trips_awkward_values(tmp_path: Path) -> None:
    store = CredentialStore(tmp_path / "cfg" / "credentials.toml", environ={})
    odd = 'a"b\\c\n\x7fé😀'
    store.set("api.one", "key Auth", Credential(value=odd))
    store.set("api.one", "basic", Credential(username="ada", password="p:w"))
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    again = CredentialStore(store.path, environ={})
    assert again.get("api.one", "key Auth") == Credential(value=odd, source=str(store.path))
    assert again.get("api.one", "basic").user_password() == ("ada", "p:w")
    assert again.remove("api.one", "basic") and not again.remove("api.one", "basic")
    assert again.get("api.one", "basic") is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX modes")
@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_group_or_world_readable_file_is_refused(tmp_path: Path, mode: int) -> None:
    store = CredentialStore(tmp_path / "credentials.toml", environ={})
    store.set("a", "s", Credential(value="tok-123456"))
    store.path.chmod(mode)
    with pytest.raises(InsecureCredentialsFile) as info:
        store.get("a", "s")
    assert str(store.path) in str(info.value) and f"chmod 600 {store.path}" in str(info.value)
    assert "tok-123456" not in str(info.value)


def test_env_var_wins_over_file(tmp_path: Path) -> None:
    name = env_var_name("httpbin.org", "bearer-Auth")
    assert name == "APIFORGE_CRED_HTTPBIN_ORG_BEARER_AUTH"
    store = CredentialStore(tmp_path / "c.toml", environ={})
    store.set("httpbin.org", "bearer-Auth", Credential(value="from-file"))
    env_store = CredentialStore(tmp_path / "c.toml", environ={name: "from-env"})
    assert env_store.get("httpbin.org", "bearer-Auth") == Credential(value="from-env", source=name)
    assert store.get("httpbin.org", "bearer-Auth").value == "from-file"


def test_masker_masks_value_base64_and_url_forms() -> None:
    masker = Masker(["s3cr/t+x"])
    masker.add_basic("ada", "pw-secret")
    text = f"k=s3cr%2Ft%2Bx auth=Basic {basic_token('ada', 'pw-secret')} raw s3cr/t+x pw-secret ada"
    masked = masker.mask(text)
    assert "s3cr" not in masked and "pw-secret" not in masked and basic_token("ada", "pw-secret") not in masked
    assert masked.count(MASK) == 4 and masked.endswith(" ada")
    assert masker.mask_value({"h": ["x s3cr/t+x"]}) == {"h": [f"x {MASK}"]}


def test_hint_never_reveals_short_values() -> None:
    assert Credential(value="short-secret").hint() == MASK
    assert Credential(value="a-much-longer-secret-xy").hint() == MASK + "xy"
    assert "pw" not in Credential(username="ada", password="pw").hint()
