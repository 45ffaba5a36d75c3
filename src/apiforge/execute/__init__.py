"""Execute calls for real: credentials, secrets masked by value, sending with retries, pagination, checks.

Usage::

    from apiforge.execute import CredentialStore, send

    built = build_request(api, op, {"user": "ada"})
    result = send(api, op, built.request, CredentialStore(), timeout=10, retries=2)
"""

from apiforge.execute._retry import backoff_delay, is_retryable_request, parse_retry_after
from apiforge.execute.credentials import Credential, CredentialStore, credentials_path, env_var_name
from apiforge.execute.errors import CallError, CredentialError, InsecureCredentialsFile, MissingCredential
from apiforge.execute.oauth1 import OAuth1Auth
from apiforge.execute.oauth2 import LoginRequired, OAuth2Auth, OAuth2Settings, TokenCache, TokenRequestFailed
from apiforge.execute.paginate import STYLES, PageResult, detect_style, paginate
from apiforge.execute.secrets import MASK, Masker
from apiforge.execute.send import Attempt, CallResult, send
from apiforge.execute.sigv4 import AwsKeys, SigV4Auth

__all__ = [
    "MASK",
    "STYLES",
    "Attempt",
    "AwsKeys",
    "CallError",
    "CallResult",
    "Credential",
    "CredentialError",
    "CredentialStore",
    "InsecureCredentialsFile",
    "LoginRequired",
    "Masker",
    "MissingCredential",
    "OAuth1Auth",
    "OAuth2Auth",
    "OAuth2Settings",
    "PageResult",
    "SigV4Auth",
    "TokenCache",
    "TokenRequestFailed",
    "backoff_delay",
    "credentials_path",
    "detect_style",
    "env_var_name",
    "is_retryable_request",
    "paginate",
    "parse_retry_after",
    "send",
]
