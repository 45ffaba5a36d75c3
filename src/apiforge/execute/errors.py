"""Errors of `apiforge.execute`; all are `ApiforgeError`s, so the CLI prints them as usage errors (exit 2)."""

from __future__ import annotations

from apiforge.errors import ApiforgeError

__all__ = ["CallError", "CredentialError", "InsecureCredentialsFile", "MissingCredential"]


class CredentialError(ApiforgeError):
    """Credentials could not be read, stored or used."""


class InsecureCredentialsFile(CredentialError):
    """The credentials file is readable or writable by other users, so it is not trusted."""

    def __init__(self, path: str, mode: int) -> None:
        self.path = path
        self.mode = mode
        super().__init__(
            f"{path} is accessible by group/others (mode {mode:04o}); refusing to use it. Fix: chmod 600 {path}"
        )


class MissingCredential(CredentialError):
    """A request needs a credential that neither the environment nor the credentials file holds."""

    def __init__(self, api_id: str, scheme: str, env_var: str, *, kind: str = "value") -> None:
        self.api_id = api_id
        self.scheme = scheme
        self.env_var = env_var
        how = "--username U --password P" if kind == "basic" else "--value V"
        env_form = "USERNAME:PASSWORD" if kind == "basic" else "VALUE"
        super().__init__(
            f"no credential for API '{api_id}', security scheme '{scheme}'. "
            f"Set one with `apiforge auth set {api_id} {scheme} {how}` or the environment variable "
            f"{env_var}={env_form}"
        )


class CallError(ApiforgeError):
    """A request could not be sent as given (an unfilled placeholder, a credential of the wrong kind)."""
