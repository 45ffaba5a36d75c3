"""Runs `java_httpclient` snippets: java.net.http needs only the JDK."""

from __future__ import annotations

from tests.snippets.runners import Runner
from tests.snippets.runners._java import java_missing, run_java, run_java_many

RUNNER = Runner(
    target="java_httpclient",
    available=java_missing,
    run=run_java,
    run_many=run_java_many,
)
