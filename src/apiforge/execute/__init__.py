"""Execute calls for real: credentials, secrets masked by value, sending with retries, pagination, checks.

Usage::

    from apiforge.execute import CredentialStore, send

    built = build_request(api, op, {"user": "ada"})
    result = send(api, op, built.request, CredentialStore(), timeout=10, retries=2)
"""

from apiforge.execute._retry import backoff_delay, is_retryable_request, parse_retry_after
from apiforge.execute.credentials import Credential, CredentialStore, credentials_path, env_var_name
from apiforge.execute.errors import CallError, CredentialError, InsecureCredentialsFile, MissingCredential
from apiforge.execute.paginate import STYLES, PageResult, detect_style, paginate
from apiforge.execute.secrets import MASK, Masker
from apiforge.execute.send import Attempt, CallResult, send

__all__ = [
    "MASK",
    "STYLES",
    "Attempt",
    "CallError",
    "CallResult",
    "Credential",
    "CredentialError",
    "CredentialStore",
    "InsecureCredentialsFile",
    "Masker",
    "MissingCredential",
    "PageResult",
    "backoff_delay",
    "credentials_path",
    "detect_style",
    "env_var_name",
    "is_retryable_request",
    "paginate",
    "parse_retry_after",
    "send",
]
