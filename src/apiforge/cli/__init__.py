"""The `apiforge` command line."""


def main() -> None:
    raise SystemExit("apiforge CLI not built yet")
