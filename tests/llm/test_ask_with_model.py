"""`ask` end to end with a real model choosing and filling: whatever the model says, the answer is an operation of
the catalog and the request built from the spec checks valid (the spec builds, the model only chooses)."""

from __future__ import annotations

from pathlib import Path

import pytest

from apiforge.ask.pipeline import Answer, ask
from apiforge.catalog import Catalog
from apiforge.llm import ModelBackend
from apiforge.llm.local import LocalBackend
from apiforge.llm.openai_compat import OpenAICompatibleBackend

pytestmark = pytest.mark.slow

REQUEST = "list open issues in go-gitea/gitea"


@pytest.fixture(scope="module")
def gitea_catalog(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    catalog = Catalog(tmp_path_factory.mktemp("ask-model") / "c.db")
    result = catalog.ingest(shared_dir / "specs" / "directory" / "gitea.io.json")
    assert result.is_ok, result.error
    return catalog


def _assert_sound(answer: Answer, catalog: Catalog, backend: ModelBackend) -> None:
    assert answer.status == "ok"
    assert answer.operation_id in {op.id for op in catalog.operations("gitea.io")}
    assert answer.http is not None and answer.check is not None
    assert answer.check.is_valid, answer.check.to_dict()
    assert answer.check.operation_id == answer.operation_id
    assert backend.usage.by_purpose.get("choose") == 1  # the model really chose among the candidates
    assert answer.why.startswith(f"chosen by {backend.name}")
    for argument in answer.arguments:
        if argument.provenance == "model":  # a model value survives only when the request states it
            assert str(argument.value).lower() in REQUEST


def test_ask_with_the_local_model(gitea_catalog: Catalog, local_backend: LocalBackend) -> None:
    backend = LocalBackend(n_ctx=local_backend.n_ctx)  # same loaded model, its own usage counts
    # Asked for explicitly: by default the embedded model takes no step (it measured worse than none at both).
    answer = ask(REQUEST, gitea_catalog, api="gitea.io", backend=backend, langs=("curl",), use_model_for=("choose",))
    _assert_sound(answer, gitea_catalog, backend)
    assert [name for name in answer.code] == ["shell_curl"]
    assert "/repos/go-gitea/gitea/" in answer.code["shell_curl"]  # the owner/repo the request names


def test_the_local_model_takes_no_step_by_default(gitea_catalog: Catalog, local_backend: LocalBackend) -> None:
    backend = LocalBackend(n_ctx=local_backend.n_ctx)
    with_model = ask(REQUEST, gitea_catalog, api="gitea.io", backend=backend, langs=())
    without = ask(REQUEST, gitea_catalog, api="gitea.io", backend=None, langs=())
    assert backend.usage.calls == 0
    assert with_model.notes == (
        *without.notes,
        f"{backend.name} took no step: it measured worse than no model at "
        "choosing and at filling (apiforge.ask.pipeline.default_model_steps)",
    )
    same = {**with_model.to_dict(), "notes": without.notes}
    assert same == {**without.to_dict(), "notes": without.notes}  # the same answer, "ambiguous" status included


@pytest.mark.server
@pytest.mark.xdist_group("llama-server")
def test_ask_through_a_llama_cpp_server(gitea_catalog: Catalog, llama_server_url: str) -> None:
    backend = OpenAICompatibleBackend("smollm2", base_url=llama_server_url)
    answer = ask(REQUEST, gitea_catalog, api="gitea.io", backend=backend)
    _assert_sound(answer, gitea_catalog, backend)
    assert backend.usage.by_purpose.get("fill") == 1
    backend.close()
