"""Imports every built-in target module; each registers itself with `register_target` on import.

Order matters: a bare language name (`python`, `node`) picks the first target registered for it.
"""

# ruff: noqa: F401
# isort: skip_file
from apiforge.snippets import shell_curl
from apiforge.snippets import python_requests
from apiforge.snippets import python_python3
from apiforge.snippets import python_httpx
from apiforge.snippets import node_fetch
from apiforge.snippets import node_request
from apiforge.snippets import javascript_xhr
from apiforge.snippets import javascript_fetch
from apiforge.snippets import go_native
from apiforge.snippets import java_httpclient
from apiforge.snippets import java_okhttp
from apiforge.snippets import ruby_native
from apiforge.snippets import php_curl
from apiforge.snippets import swift_nsurlsession
from apiforge.snippets import c_libcurl

__all__: list[str] = []
